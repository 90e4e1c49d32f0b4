/* The fast matting mode: a colour guided filter (He, Sun & Tang 2013) of the starting alpha
 * with the photo as guide, on one tile. Per pixel, the alpha is modelled over the
 * (2r+1)^2 box as a linear function of colour, a = (Sigma + eps I)^-1 cov(I, p),
 * b = mean(p) - a . mean(I); the output averages the models of the boxes holding the pixel:
 * q = mean(a) . I + mean(b). Box means come from summed-area tables, so the cost does not
 * depend on r. The guess goes in binarised at 50%: filtering the soft guess itself kept its
 * blur (band SAD 0.97 of the guess's against 0.78 on the test's composites). Edges snap to
 * the photo's colour edges; unlike closed-form matting, nothing is solved. */
#include <stdlib.h>
#include <string.h>

#include "matte/matte.h"
#include "matte/solve_tile.h"

/* Box means of the planes of src (np planes of w x h) over (2r+1)^2 boxes clipped to the
 * plane, into dst; sat is scratch of (w+1)*(h+1) doubles. */
static void box_means(const float *src, int np, int w, int h, int r, double *sat, float *dst) {
  const size_t n = (size_t)w * h, sw = (size_t)w + 1;
  for (int k = 0; k < np; k++) {
    const float *s = src + n * k;
    memset(sat, 0, sizeof *sat * sw);
    for (int y = 0; y < h; y++) {
      double run = 0;
      double *row = sat + (size_t)(y + 1) * sw, *up = row - sw;
      row[0] = 0;
      for (int x = 0; x < w; x++) {
        run += s[(size_t)y * w + x];
        row[x + 1] = up[x + 1] + run;
      }
    }
    float *d = dst + n * k;
    for (int y = 0; y < h; y++) {
      int y0 = y - r < 0 ? 0 : y - r, y1 = y + r + 1 > h ? h : y + r + 1;
      for (int x = 0; x < w; x++) {
        int x0 = x - r < 0 ? 0 : x - r, x1 = x + r + 1 > w ? w : x + r + 1;
        double sum = sat[(size_t)y1 * sw + x1] - sat[(size_t)y0 * sw + x1] -
                     sat[(size_t)y1 * sw + x0] + sat[(size_t)y0 * sw + x0];
        d[(size_t)y * w + x] = (float)(sum / ((double)(y1 - y0) * (x1 - x0)));
      }
    }
  }
}

int mt_guided_tile(const mt_tile *t, int r, double eps, uint8_t *alpha, mt_tile_result *res) {
  const int w = t->rw, h = t->rh;
  const size_t n = (size_t)w * h;
  /* planes: I (3), p, I*p (3), I*I (6) -> their means; then a (3), b -> their means */
  float *in = malloc(n * 13 * sizeof *in), *mean = malloc(n * 13 * sizeof *mean);
  double *sat = malloc(((size_t)w + 1) * ((size_t)h + 1) * sizeof *sat);
  int rc = -1;
  memset(res, 0, sizeof *res);
  if (!in || !mean || !sat) goto done;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x, g = (size_t)(t->ry + y) * t->width + t->rx + x;
      float c[3], p = t->guess[g] >= 128; /* the guess binarised */
      for (int k = 0; k < 3; k++) c[k] = t->rgb[g * 3 + k] * (1.0f / 255);
      for (int k = 0; k < 3; k++) in[n * k + i] = c[k], in[n * (4 + k) + i] = c[k] * p;
      in[n * 3 + i] = p;
      in[n * 7 + i] = c[0] * c[0], in[n * 8 + i] = c[0] * c[1], in[n * 9 + i] = c[0] * c[2];
      in[n * 10 + i] = c[1] * c[1], in[n * 11 + i] = c[1] * c[2], in[n * 12 + i] = c[2] * c[2];
    }
  box_means(in, 13, w, h, r, sat, mean);
  /* a and b per pixel, into in's first 4 planes */
  for (size_t i = 0; i < n; i++) {
    double mu[3] = {mean[i], mean[n + i], mean[2 * n + i]}, mp = mean[3 * n + i];
    double cv[3], s[6];
    for (int k = 0; k < 3; k++) cv[k] = mean[n * (4 + k) + i] - mu[k] * mp;
    s[0] = mean[n * 7 + i] - mu[0] * mu[0] + eps, s[1] = mean[n * 8 + i] - mu[0] * mu[1];
    s[2] = mean[n * 9 + i] - mu[0] * mu[2], s[3] = mean[n * 10 + i] - mu[1] * mu[1] + eps;
    s[4] = mean[n * 11 + i] - mu[1] * mu[2], s[5] = mean[n * 12 + i] - mu[2] * mu[2] + eps;
    double A = s[3] * s[5] - s[4] * s[4], B = s[2] * s[4] - s[1] * s[5],
           C = s[1] * s[4] - s[2] * s[3];
    double det = s[0] * A + s[1] * B + s[2] * C, inv = det > 0 ? 1.0 / det : 0.0;
    double m[6] = {A * inv, B * inv, C * inv, (s[0] * s[5] - s[2] * s[2]) * inv,
                   (s[1] * s[2] - s[0] * s[4]) * inv, (s[0] * s[3] - s[1] * s[1]) * inv};
    double a0 = m[0] * cv[0] + m[1] * cv[1] + m[2] * cv[2];
    double a1 = m[1] * cv[0] + m[3] * cv[1] + m[4] * cv[2];
    double a2 = m[2] * cv[0] + m[4] * cv[1] + m[5] * cv[2];
    in[i] = (float)a0, in[n + i] = (float)a1, in[2 * n + i] = (float)a2;
    in[3 * n + i] = (float)(mp - a0 * mu[0] - a1 * mu[1] - a2 * mu[2]);
  }
  box_means(in, 4, w, h, r, sat, mean);
  for (int y = t->cy; y < t->cy + t->ch; y++)
    for (int x = t->cx; x < t->cx + t->cw; x++) {
      size_t g = (size_t)y * t->width + x, i = (size_t)(y - t->ry) * w + (x - t->rx);
      if (t->trimap[g] == 0 || t->trimap[g] == 255) continue;
      double q = mean[3 * n + i];
      for (int k = 0; k < 3; k++) q += mean[n * k + i] * (t->rgb[g * 3 + k] * (1.0 / 255));
      q = q < 0 ? 0 : q > 1 ? 1 : q;
      alpha[g] = (uint8_t)(q * 255.0 + 0.5);
      res->unknown++;
    }
  rc = 0;
done:
  free(in);
  free(mean);
  free(sat);
  return rc;
}
