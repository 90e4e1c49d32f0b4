/* Gradient error: the kernel's extent and values from the definition (impulse response), a
 * brute-force 2-D convolution with the reference kernel on a random image, a step edge
 * computed by hand from the 1-D sums, regions and edge cases. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "eval/metrics.h"

static double g(double x, double s) { return exp(-x * x / (2 * s * s)) / (s * sqrt(2 * M_PI)); }
static double dg(double x, double s) { return -x * g(x, s) / (s * s); }

/* hx[i][j] = g(i - r) dg(j - r) / ||hx||, r = 4 for sigma 1.4:
 * ceil(1.4 * sqrt(-2 ln(sqrt(2 pi) * 1.4 * 0.01))) = ceil(1.4 * sqrt(6.6995)) = ceil(3.624) = 4 */
enum { R = 4, K = 2 * R + 1 };
static double hx[K][K];

static void make_kernel(double s) {
  double norm = 0;
  for (int i = 0; i < K; i++)
    for (int j = 0; j < K; j++) {
      hx[i][j] = g(i - R, s) * dg(j - R, s);
      norm += hx[i][j] * hx[i][j];
    }
  norm = sqrt(norm);
  for (int i = 0; i < K; i++)
    for (int j = 0; j < K; j++) hx[i][j] /= norm;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* MATLAB imfilter(im, h, 'replicate', 'conv') with hx and hy = hx', then the magnitude. */
static void brute_magnitude(const double *im, int w, int h, double *mag) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double gx = 0, gy = 0;
      for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
          double v = im[clampi(y - (i - R), 0, h - 1) * w + clampi(x - (j - R), 0, w - 1)];
          gx += hx[i][j] * v;
          gy += hx[j][i] * v;
        }
      mag[y * w + x] = sqrt(gx * gx + gy * gy);
    }
}

int main(void) {
  const double s = EVAL_GRAD_SIGMA;
  make_kernel(s);

  /* impulse response: non-zero exactly inside the 9x9 kernel (but its centre) */
  {
    enum { W = 15, H = 15 };
    double im[W * H] = {0}, mag[W * H];
    im[7 * W + 7] = 1;
    CHECK(eval_gradient_magnitude(im, W, H, s, mag) == 0);
    CHECK(mag[7 * W + 7] == 0);
    CHECK(mag[7 * W + 7 + 4] > 0 && mag[7 * W + 7 - 4] > 0 && mag[3 * W + 7] > 0);
    CHECK(mag[7 * W + 7 + 5] == 0 && mag[2 * W + 7] == 0 && mag[7 * W + 2] == 0);
    /* one to the right: gx = hx[R][R-1] = g(0) dg(-1) / norm, gy = g(-1) dg(0) = 0 */
    CHECK_NEAR(mag[7 * W + 8], fabs(hx[R][R - 1]), 1e-12);
  }

  /* a random 7x5 image against the brute-force 2-D convolution */
  {
    enum { W = 7, H = 5 };
    double a[W * H], b[W * H], ma[W * H], mb[W * H], fast[W * H];
    srand(4);
    for (int i = 0; i < W * H; i++) {
      a[i] = rand() / (double)RAND_MAX;
      b[i] = rand() / (double)RAND_MAX;
    }
    brute_magnitude(a, W, H, ma);
    brute_magnitude(b, W, H, mb);
    CHECK(eval_gradient_magnitude(a, W, H, s, fast) == 0);
    for (int i = 0; i < W * H; i++) CHECK_NEAR(fast[i], ma[i], 1e-12);
    double want = 0, want_region = 0, got;
    uint8_t region[W * H];
    for (int i = 0; i < W * H; i++) {
      region[i] = i % 3 == 0;
      want += (ma[i] - mb[i]) * (ma[i] - mb[i]);
      if (region[i]) want_region += (ma[i] - mb[i]) * (ma[i] - mb[i]);
    }
    CHECK(eval_gradient(a, b, NULL, W, H, s, &got) == 0);
    CHECK_NEAR(got, want / 1000, 1e-12);
    CHECK(eval_gradient(a, b, region, W, H, s, &got) == 0);
    CHECK_NEAR(got, want_region / 1000, 1e-12);
  }

  /* a vertical step (0 left of column 10, 1 from it) against all-zero: the rows are equal, so
   * gy = 0 and gx(x) = sum_i g(i) / ||g|| * sum_{j : x - (j - R) >= 10} dg(j) / ||dg|| */
  {
    enum { W = 20, H = 6, X0 = 10 };
    double step[W * H], zero[W * H] = {0};
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) step[y * W + x] = x >= X0;
    double sg = 0, ng = 0, ndg = 0;
    for (int i = -R; i <= R; i++) {
      sg += g(i, s);
      ng += g(i, s) * g(i, s);
      ndg += dg(i, s) * dg(i, s);
    }
    double want = 0, want_cols = 0;
    for (int x = 0; x < W; x++) {
      double sum = 0;
      for (int j = -R; j <= R; j++)
        if (clampi(x - j, 0, W - 1) >= X0) sum += dg(j, s);
      double gx = sg / sqrt(ng) * sum / sqrt(ndg);
      want += H * gx * gx;
      if (x == X0 - 1 || x == X0) want_cols += H * gx * gx;
    }
    double got;
    CHECK(eval_gradient(zero, step, NULL, W, H, s, &got) == 0);
    CHECK_NEAR(got, want / 1000, 1e-12);
    CHECK(want > 0);
    uint8_t region[W * H];
    for (int i = 0; i < W * H; i++) region[i] = i % W == X0 - 1 || i % W == X0;
    CHECK(eval_gradient(zero, step, region, W, H, s, &got) == 0);
    CHECK_NEAR(got, want_cols / 1000, 1e-12);
    /* symmetric in its arguments */
    CHECK(eval_gradient(step, zero, NULL, W, H, s, &got) == 0);
    CHECK_NEAR(got, want / 1000, 1e-12);
    /* empty region */
    memset(region, 0, sizeof region);
    CHECK(eval_gradient(zero, step, region, W, H, s, &got) == 0 && got == 0);
  }

  /* constant mattes have no gradient: all-zero vs all-one scores 0 (up to the rounding of
   * the antisymmetric kernel's sum, ~1e-17 per pixel before squaring) */
  {
    double zero[12] = {0}, one[12], got = -1;
    for (int i = 0; i < 12; i++) one[i] = 1;
    CHECK(eval_gradient(zero, one, NULL, 4, 3, s, &got) == 0);
    CHECK_NEAR(got, 0.0, 1e-25);
    CHECK(eval_gradient(zero, zero, NULL, 4, 3, s, &got) == 0 && got == 0);
  }
  return CHECK_DONE();
}
