/* Compositing the estimated foreground: RGBA, over a colour, over a background image scaled
 * to cover the photo. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matte/matte.h"

void mt_rgba(const uint8_t *fg, const uint8_t *alpha, size_t n, uint8_t *rgba) {
#pragma omp parallel for schedule(static) if (n > 65536)
  for (size_t i = 0; i < n; i++) {
    memcpy(rgba + i * 4, fg + i * 3, 3);
    rgba[i * 4 + 3] = alpha[i];
  }
}

/* round(num / den) for den > 0 */
static inline uint8_t div_round(uint32_t num, uint32_t den) {
  return (uint8_t)((2 * num + den) / (2 * den));
}

void mt_over_colour(const uint8_t *fg, const uint8_t *alpha, size_t n, const uint8_t colour[4],
                    uint8_t *out, int out_channels) {
  const uint32_t A = colour[3];
#pragma omp parallel for schedule(static) if (n > 65536)
  for (size_t i = 0; i < n; i++) {
    uint32_t a = alpha[i];
    const uint8_t *f = fg + i * 3;
    if (out_channels == 3) {
      uint8_t *o = out + i * 3;
      for (int k = 0; k < 3; k++) o[k] = div_round(a * f[k] + (255 - a) * colour[k], 255);
      continue;
    }
    /* in units of 1/255^2: coverage and premultiplied colour */
    uint32_t cover = a * 255 + (255 - a) * A;
    uint8_t *o = out + i * 4;
    o[3] = div_round(cover, 255);
    for (int k = 0; k < 3; k++)
      o[k] = cover ? div_round(a * 255 * f[k] + (255 - a) * A * colour[k], cover) : 0;
  }
}

/* Resampling weights along one axis: output x reads count[x] source pixels idx[x*max + t]
 * with weights w[x*max + t] (summing to 1). */
typedef struct taps {
  int max;
  int *count, *idx;
  float *w;
} taps;

static void taps_free(taps *t) {
  free(t->count);
  free(t->idx);
  free(t->w);
}

/* Output pixel x of n sits at source coordinate offset + (x + 0.5) / scale - 0.5; a triangle
 * of radius max(1, 1/scale) source pixels; indices clamped into [0, src_n). */
static int taps_make(int n, int src_n, double scale, double offset, taps *t) {
  double r = scale < 1 ? 1 / scale : 1;
  t->max = 2 * (int)ceil(r) + 1;
  t->count = malloc(sizeof(int) * n);
  t->idx = malloc(sizeof(int) * n * t->max);
  t->w = malloc(sizeof(float) * n * t->max);
  if (!t->count || !t->idx || !t->w) return -1;
  for (int x = 0; x < n; x++) {
    double u = offset + (x + 0.5) / scale - 0.5;
    int lo = (int)floor(u - r) + 1, hi = (int)ceil(u + r) - 1, c = 0;
    double sum = 0;
    for (int i = lo; i <= hi && c < t->max; i++) {
      double wt = 1 - fabs(i - u) / r;
      if (wt <= 0) continue;
      t->idx[x * t->max + c] = i < 0 ? 0 : i >= src_n ? src_n - 1 : i;
      t->w[x * t->max + c] = (float)wt;
      sum += wt;
      c++;
    }
    if (c == 0) { /* cannot happen with r >= 1, kept for safety */
      int i = (int)lround(u);
      t->idx[x * t->max] = i < 0 ? 0 : i >= src_n ? src_n - 1 : i;
      t->w[x * t->max] = 1;
      c = 1;
      sum = 1;
    }
    for (int k = 0; k < c; k++) t->w[x * t->max + k] = (float)(t->w[x * t->max + k] / sum);
    t->count[x] = c;
  }
  return 0;
}

static int fail(char *err, size_t errlen, const char *msg) {
  if (err && errlen) snprintf(err, errlen, "%s", msg);
  return -1;
}

int mt_over_image(const uint8_t *fg, const uint8_t *alpha, int width, int height,
                  const uint8_t *bg, int bw, int bh, int bch, uint8_t *out, int out_channels,
                  char *err, size_t errlen) {
  if (!fg || !alpha || !bg || !out) return fail(err, errlen, "compositing: missing image");
  if (width <= 0 || height <= 0 || bw <= 0 || bh <= 0)
    return fail(err, errlen, "compositing: invalid image size");
  if ((bch != 3 && bch != 4) || (out_channels != 3 && out_channels != 4))
    return fail(err, errlen, "compositing: the background must be RGB or RGBA");
  double scale = fmax((double)width / bw, (double)height / bh);
  double ox = (bw - width / scale) / 2, oy = (bh - height / scale) / 2;
  taps tx = {0}, ty = {0};
  int failed = 0;
  if (taps_make(width, bw, scale, ox, &tx) || taps_make(height, bh, scale, oy, &ty)) {
    taps_free(&tx);
    taps_free(&ty);
    return fail(err, errlen, "out of memory scaling the background image");
  }
  const int R = ty.max; /* horizontally resampled source rows kept per thread */
#pragma omp parallel
  {
    float *ring = malloc(sizeof(float) * 4 * ((size_t)R + 1) * width);
    int *tag = malloc(sizeof(int) * R);
    if (!ring || !tag) {
#pragma omp atomic write
      failed = 1;
    } else {
      for (int k = 0; k < R; k++) tag[k] = -1;
    }
    float *acc = ring ? ring + (size_t)4 * R * width : NULL;
#pragma omp for schedule(static)
    for (int y = 0; y < height; y++) {
      if (!ring || !tag) continue;
      memset(acc, 0, sizeof(float) * 4 * width);
      for (int t = 0; t < ty.count[y]; t++) {
        int sy = ty.idx[y * ty.max + t], slot = sy % R;
        float *row = ring + (size_t)4 * slot * width;
        if (tag[slot] != sy) { /* premultiplied colour and alpha of source row sy */
          const uint8_t *src = bg + (size_t)sy * bw * bch;
          for (int x = 0; x < width; x++) {
            float c[4] = {0, 0, 0, 0};
            for (int s = 0; s < tx.count[x]; s++) {
              const uint8_t *p = src + (size_t)tx.idx[x * tx.max + s] * bch;
              float wt = tx.w[x * tx.max + s], pa = bch == 4 ? p[3] * (1.0f / 255) : 1.0f;
              c[0] += wt * pa * p[0];
              c[1] += wt * pa * p[1];
              c[2] += wt * pa * p[2];
              c[3] += wt * pa;
            }
            memcpy(row + (size_t)4 * x, c, sizeof c);
          }
          tag[slot] = sy;
        }
        float wt = ty.w[y * ty.max + t];
        for (int x = 0; x < 4 * width; x++) acc[x] += wt * row[x];
      }
      for (int x = 0; x < width; x++) {
        size_t i = (size_t)y * width + x;
        const float *c = acc + (size_t)4 * x;
        float a = alpha[i] * (1.0f / 255);
        if (out_channels == 3) {
          for (int k = 0; k < 3; k++) {
            float v = a * fg[i * 3 + k] + (1 - a) * c[k];
            out[i * 3 + k] = (uint8_t)lrintf(v < 0 ? 0 : v > 255 ? 255 : v);
          }
        } else {
          float cover = a + (1 - a) * c[3];
          for (int k = 0; k < 3; k++) {
            float v = cover > 0 ? (a * fg[i * 3 + k] + (1 - a) * c[k]) / cover : 0;
            out[i * 4 + k] = (uint8_t)lrintf(v < 0 ? 0 : v > 255 ? 255 : v);
          }
          out[i * 4 + 3] = (uint8_t)lrintf(cover * 255);
        }
      }
    }
    free(ring);
    free(tag);
  }
  taps_free(&tx);
  taps_free(&ty);
  return failed ? fail(err, errlen, "out of memory compositing over the background image") : 0;
}
