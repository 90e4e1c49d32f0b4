/* Quantising the layers and compositing them; the degradations applied to the image after. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "data/synth.h"

void syn_sample_free(syn_sample *s) {
  if (!s) return;
  img_free(s->image);
  img_free(s->composite);
  img_free(s->alpha);
  img_free(s->trimap);
  img_free(s->fg);
  img_free(s->bg);
  *s = (syn_sample){0};
}

static uint8_t q8(float v) {
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  return (uint8_t)lrintf(v * 255.0f);
}

int syn_composite(const syn_fimg *fg, const syn_fimg *bg, syn_sample *out) {
  const int W = fg->w, H = fg->h, bc = bg->c;
  out->composite = img_new(W, H, 3);
  out->alpha = img_new(W, H, 1);
  out->fg = img_new(W, H, 3);
  out->bg = img_new(W, H, 3);
  if (!out->composite || !out->alpha || !out->fg || !out->bg) return -1;
  size_t n = (size_t)W * H;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) {
    const float *f = fg->p + i * 4, *b = bg->p + i * bc;
    uint8_t a = q8(f[3]);
    out->alpha->data[i] = a;
    for (int k = 0; k < 3; k++) {
      uint8_t F = a ? q8(f[k] / f[3]) : 0, B = q8(b[k]);
      out->fg->data[i * 3 + k] = F;
      out->bg->data[i * 3 + k] = B;
      /* round((a*F + (255-a)*B) / 255): 255 is odd, so there are no ties */
      out->composite->data[i * 3 + k] = (uint8_t)((a * F + (255 - a) * B + 127) / 255);
    }
  }
  return 0;
}

int syn_degrade(const ct_img *in, double sigma, int quality, uint64_t seed, ct_img **out,
                char *err, size_t errlen) {
  *out = NULL;
  ct_img *im = img_new(in->width, in->height, in->channels);
  if (!im) {
    snprintf(err, errlen, "out of memory for a %dx%d image", in->width, in->height);
    return -1;
  }
  const int W = in->width, H = in->height, C = in->channels;
#pragma omp parallel for schedule(static)
  for (int y = 0; y < H; y++) {
    const uint8_t *s = in->data + (size_t)y * W * C;
    uint8_t *d = im->data + (size_t)y * W * C;
    if (sigma <= 0) {
      for (int i = 0; i < W * C; i++) d[i] = s[i];
      continue;
    }
    syn_rng r;
    syn_rng_seed(&r, syn_seed_mix(seed, (uint64_t)y));
    for (int i = 0; i < W * C; i += 2) {
      double z[2];
      syn_rng_normal2(&r, &z[0], &z[1]);
      for (int k = 0; k < 2 && i + k < W * C; k++) {
        long v = lrint(s[i + k] + sigma * z[k]);
        d[i + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
      }
    }
  }
  if (quality > 0) {
    void *buf = NULL;
    size_t len = 0;
    ct_img *re = NULL;
    if (img_encode_jpeg(im, quality, &buf, &len, err, errlen) ||
        img_load_mem_rgb(buf, len, &re, err, errlen)) {
      free(buf);
      img_free(im);
      return -1;
    }
    free(buf);
    img_free(im);
    im = re;
  }
  *out = im;
  return 0;
}
