/* Separable Gaussian blur of float images, borders replicated. */
#include <math.h>
#include <stdlib.h>

#include "data/raster.h"

int syn_blur(syn_fimg *f, double sigma) {
  if (sigma <= 0) return 0;
  int r = (int)ceil(3.0 * sigma);
  float *k = malloc((2 * r + 1) * sizeof *k);
  float *tmp = malloc((size_t)f->w * f->h * f->c * sizeof *tmp);
  if (!k || !tmp) {
    free(k);
    free(tmp);
    return -1;
  }
  double sum = 0;
  for (int i = -r; i <= r; i++) sum += exp(-0.5 * i * i / (sigma * sigma));
  for (int i = -r; i <= r; i++) k[i + r] = (float)(exp(-0.5 * i * i / (sigma * sigma)) / sum);
  const int w = f->w, h = f->h, c = f->c;
  /* rows: f -> tmp */
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    const float *s = f->p + (size_t)y * w * c;
    float *d = tmp + (size_t)y * w * c;
    for (int x = 0; x < w; x++)
      for (int j = 0; j < c; j++) {
        float acc = 0;
        for (int i = -r; i <= r; i++) {
          int q = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
          acc += k[i + r] * s[q * c + j];
        }
        d[x * c + j] = acc;
      }
  }
  /* columns: tmp -> f */
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    float *d = f->p + (size_t)y * w * c;
    for (int i = 0; i < w * c; i++) d[i] = 0;
    for (int t = -r; t <= r; t++) {
      int q = y + t < 0 ? 0 : y + t >= h ? h - 1 : y + t;
      const float *s = tmp + (size_t)q * w * c;
      float kk = k[t + r];
      for (int i = 0; i < w * c; i++) d[i] += kk * s[i];
    }
  }
  free(k);
  free(tmp);
  return 0;
}
