/* Colour jitter: white balance, brightness, contrast, saturation. */
#include <stddef.h>

#include "data/raster.h"

void syn_jitter_identity(syn_jitter *j) {
  j->gain[0] = j->gain[1] = j->gain[2] = 1.0;
  j->brightness = j->contrast = j->saturation = 1.0;
}

static float clamp01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

void syn_jitter_colour(const syn_jitter *j, float rgb[3]) {
  float v[3];
  for (int k = 0; k < 3; k++) {
    v[k] = rgb[k] * (float)(j->gain[k] * j->brightness);
    v[k] = (v[k] - 0.5f) * (float)j->contrast + 0.5f;
  }
  float luma = 0.299f * v[0] + 0.587f * v[1] + 0.114f * v[2];
  for (int k = 0; k < 3; k++) rgb[k] = clamp01(luma + (v[k] - luma) * (float)j->saturation);
}

void syn_jitter_layer(const syn_jitter *j, syn_fimg *f) {
  size_t n = (size_t)f->w * f->h;
  const int c = f->c;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) {
    float *p = f->p + i * c;
    float a = c == 4 ? p[3] : 1.0f;
    if (a <= 0) continue;
    float rgb[3] = {clamp01(p[0] / a), clamp01(p[1] / a), clamp01(p[2] / a)};
    syn_jitter_colour(j, rgb);
    for (int k = 0; k < 3; k++) p[k] = rgb[k] * a;
  }
}
