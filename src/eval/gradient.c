/* Gradient error: Gaussian first-derivative filters (the "gaussgradient" of the reference
 * code). Its 2-D kernel hx[i][j] = g(i) * dg(j) / norm is separable, and with replicated
 * borders the 2-D convolution equals a row pass followed by a column pass. */
#include <math.h>
#include <stdlib.h>

#include "eval/metrics.h"

static double gauss(double x, double s) { return exp(-x * x / (2 * s * s)) / (s * sqrt(2 * M_PI)); }
static double dgauss(double x, double s) { return -x * gauss(x, s) / (s * s); }

/* out(y, x) = sum_i ky[i] * sum_j kx[j] * im(y - (i - r), x - (j - r)), borders replicated. */
static void convolve(const double *im, int w, int h, const double *kx, const double *ky, int r,
                     double *tmp, double *out) {
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    const double *row = im + (size_t)y * w;
    for (int x = 0; x < w; x++) {
      double acc = 0;
      for (int j = 0; j <= 2 * r; j++) {
        int q = x - (j - r);
        q = q < 0 ? 0 : q >= w ? w - 1 : q;
        acc += kx[j] * row[q];
      }
      tmp[(size_t)y * w + x] = acc;
    }
  }
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    double *o = out + (size_t)y * w;
    for (int x = 0; x < w; x++) o[x] = 0;
    for (int i = 0; i <= 2 * r; i++) {
      int q = y - (i - r);
      q = q < 0 ? 0 : q >= h ? h - 1 : q;
      const double *t = tmp + (size_t)q * w;
      for (int x = 0; x < w; x++) o[x] += ky[i] * t[x];
    }
  }
}

int eval_gradient_magnitude(const double *im, int w, int h, double sigma, double *mag) {
  const double eps = 1e-2;
  int r = (int)ceil(sigma * sqrt(-2.0 * log(sqrt(2 * M_PI) * sigma * eps)));
  size_t n = (size_t)w * h;
  double *g = malloc((2 * r + 1) * sizeof *g), *dg = malloc((2 * r + 1) * sizeof *dg);
  double *tmp = malloc(n * sizeof *tmp), *gx = malloc(n * sizeof *gx);
  int rc = -1;
  if (!g || !dg || !tmp || !gx) goto done;
  double ng = 0, ndg = 0;
  for (int i = 0; i <= 2 * r; i++) {
    g[i] = gauss(i - r, sigma);
    dg[i] = dgauss(i - r, sigma);
    ng += g[i] * g[i];
    ndg += dg[i] * dg[i];
  }
  /* the 2-D kernel's L2 norm is the product of the 1-D norms */
  double norm = sqrt(ng) * sqrt(ndg);
  for (int i = 0; i <= 2 * r; i++) g[i] /= norm;
  convolve(im, w, h, dg, g, r, tmp, gx); /* x-derivative: dg along rows, g along columns */
  for (int i = 0; i <= 2 * r; i++) {     /* the y pass wants dg / norm and g unscaled */
    g[i] *= norm;
    dg[i] /= norm;
  }
  convolve(im, w, h, g, dg, r, tmp, mag); /* y-derivative */
  for (size_t i = 0; i < n; i++) mag[i] = sqrt(gx[i] * gx[i] + mag[i] * mag[i]);
  rc = 0;
done:
  free(g);
  free(dg);
  free(tmp);
  free(gx);
  return rc;
}

int eval_gradient(const double *pred, const double *gt, const uint8_t *region, int w, int h,
                  double sigma, double *out) {
  size_t n = (size_t)w * h;
  double *mp = malloc(n * sizeof *mp), *mg = malloc(n * sizeof *mg);
  int rc = -1;
  if (mp && mg && !eval_gradient_magnitude(pred, w, h, sigma, mp) &&
      !eval_gradient_magnitude(gt, w, h, sigma, mg)) {
    double sum = 0;
    for (size_t i = 0; i < n; i++)
      if (!region || region[i]) sum += (mp[i] - mg[i]) * (mp[i] - mg[i]);
    *out = sum / 1000.0;
    rc = 0;
  }
  free(mp);
  free(mg);
  return rc;
}
