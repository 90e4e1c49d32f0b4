/* Trimaps from alpha: exact Euclidean distances (Felzenszwalb and Huttenlocher's lower
 * envelope of parabolas) to the nearest pixel that is not fully opaque / fully transparent. */
#include <stdlib.h>

#include "data/synth.h"

#define FAR 1e20

/* 1-D squared distance transform of f (n samples) into d; v (n ints) and z (n+1) scratch. */
static void edt_1d(const double *f, int n, double *d, int *v, double *z) {
  int k = 0;
  v[0] = 0;
  z[0] = -FAR;
  z[1] = FAR;
  for (int q = 1; q < n; q++) {
    double s;
    for (;;) {
      int p = v[k];
      s = ((f[q] + (double)q * q) - (f[p] + (double)p * p)) / (2.0 * q - 2.0 * p);
      if (s > z[k] || k == 0) break;
      k--;
    }
    if (s <= z[k]) { /* k == 0 and the new parabola is below everywhere */
      v[0] = q;
      z[0] = -FAR;
      z[1] = FAR;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = FAR;
  }
  k = 0;
  for (int q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    double dq = (double)q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/* dist2[i] = squared distance from pixel i to the nearest pixel with seed[i] != 0
 * (FAR when there is none). */
static int edt(const uint8_t *seed, int w, int h, double *dist2) {
  int m = w > h ? w : h;
  double *f = calloc(m, sizeof *f), *d = calloc(m, sizeof *d), *z = calloc(m + 1, sizeof *z);
  int *v = malloc(m * sizeof *v);
  int rc = f && d && z && v ? 0 : -1;
  if (!rc) {
    for (int x = 0; x < w; x++) { /* columns */
      for (int y = 0; y < h; y++) f[y] = seed[(size_t)y * w + x] ? 0 : FAR;
      edt_1d(f, h, d, v, z);
      for (int y = 0; y < h; y++) dist2[(size_t)y * w + x] = d[y];
    }
    for (int y = 0; y < h; y++) { /* rows */
      double *row = dist2 + (size_t)y * w;
      for (int x = 0; x < w; x++) f[x] = row[x];
      edt_1d(f, w, d, v, z);
      for (int x = 0; x < w; x++) row[x] = d[x];
    }
  }
  free(f);
  free(d);
  free(z);
  free(v);
  return rc;
}

int syn_trimap(const uint8_t *alpha, int w, int h, int band, uint8_t *trimap) {
  size_t n = (size_t)w * h;
  uint8_t *seed = calloc(n, 1);
  double *not_fg = malloc(n * sizeof *not_fg), *not_bg = malloc(n * sizeof *not_bg);
  int rc = -1;
  if (!seed || !not_fg || !not_bg) goto done;
  for (size_t i = 0; i < n; i++) seed[i] = alpha[i] != 255;
  if (edt(seed, w, h, not_fg)) goto done;
  for (size_t i = 0; i < n; i++) seed[i] = alpha[i] != 0;
  if (edt(seed, w, h, not_bg)) goto done;
  double b2 = (double)band * band;
  for (size_t i = 0; i < n; i++)
    trimap[i] = alpha[i] == 255 && not_fg[i] > b2 ? 255 : alpha[i] == 0 && not_bg[i] > b2 ? 0 : 128;
  rc = 0;
done:
  free(seed);
  free(not_fg);
  free(not_bg);
  return rc;
}
