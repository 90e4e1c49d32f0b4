/* The Winograd F(4x4, 3x3) kernel (nn/ops/winograd.h) against a direct convolution in
 * double, on the blocked layout 8: dilations 1, 2, 4, 8 (and unequal ones), odd sizes,
 * partial tiles and channel blocks, asymmetric and no padding, batches, bias, fused Relu
 * and Add, few tiles (output channels in groups). The error bound: 1e-5 of the sum of the
 * terms' magnitudes (float32 Winograd F(4x4) measures ~3e-6 of it); padded channels stay 0.
 * Skips where the CPU lacks AVX2 + FMA. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/mem.h"
#include "nn/ops/winograd.h"

static uint32_t rng = 777;
static float rnd(void) { /* uniform in [-1, 1) */
  rng = rng * 1664525u + 1013904223u;
  return (float)((double)(rng >> 8) / (1 << 23) - 1.0);
}

typedef struct wcase {
  int64_t n, c, m, h, w, dy, dx, pt, pl, pb, pr;
  int bias, relu, sum;
} wcase;

static double worst; /* the largest error as a fraction of its bound */

static void check_case(const wcase *k) {
  int64_t oh = k->h + k->pt + k->pb - 2 * k->dy, ow = k->w + k->pl + k->pr - 2 * k->dx;
  int64_t cb = (k->c + 7) / 8, mb = (k->m + 7) / 8;
  size_t xn = (size_t)(k->n * cb * 8 * k->h * k->w), yn = (size_t)(k->n * mb * 8 * oh * ow);
  float *x = calloc(xn, sizeof *x), *y = calloc(yn, sizeof *y), *s = calloc(yn, sizeof *s);
  float *w = malloc(sizeof *w * (size_t)(k->m * k->c * 9)), *b = malloc(sizeof *b * k->m);
  float *u = nn_mem_alloc(nn_wino_weights_floats(k->m, k->c) * sizeof *u);
  if (!x || !y || !s || !w || !b || !u) exit(1);
#define XI(n, c, i, j) ((((n) * cb + (c) / 8) * k->h * k->w + (i) * k->w + (j)) * 8 + (c) % 8)
#define YI(n, m, i, j) ((((n) * mb + (m) / 8) * oh * ow + (i) * ow + (j)) * 8 + (m) % 8)
  for (int64_t n = 0; n < k->n; n++)
    for (int64_t c = 0; c < k->c; c++)
      for (int64_t i = 0; i < k->h * k->w; i++) x[XI(n, c, i / k->w, i % k->w)] = rnd();
  for (int64_t i = 0; i < k->m * k->c * 9; i++) w[i] = rnd() * 0.2f;
  for (int64_t i = 0; i < k->m; i++) b[i] = rnd();
  for (int64_t n = 0; n < k->n; n++) /* the addend: zero in the padded channels */
    for (int64_t m = 0; m < k->m; m++)
      for (int64_t i = 0; i < oh * ow; i++) s[YI(n, m, i / ow, i % ow)] = rnd();
  if (k->sum) memcpy(y, s, yn * sizeof *y);
  else
    for (size_t i = 0; i < yn; i++) y[i] = NAN; /* every element must be written */
  nn_wino_weights(w, k->m, k->c, u);
  nn_wino_geom g = {k->n, k->c, k->h, k->w, k->m, oh, ow, k->pt, k->pl, k->dy, k->dx};
  size_t sb = nn_wino_scratch_bytes(&g, omp_get_max_threads());
  void *scratch = nn_mem_alloc(sb);
  if (!scratch) exit(1);
  nn_wino_conv_avx2(&g, x, u, k->bias ? b : NULL, k->relu, k->sum, y, scratch);
  int bad = 0, pad_bad = 0;
  for (int64_t n = 0; n < k->n; n++)
    for (int64_t m = 0; m < mb * 8; m++)
      for (int64_t oy = 0; oy < oh; oy++)
        for (int64_t ox = 0; ox < ow; ox++) {
          float got = y[YI(n, m, oy, ox)];
          if (m >= k->m) {
            pad_bad += got != 0.0f;
            continue;
          }
          double acc = k->bias ? b[m] : 0, mag = fabs(acc);
          for (int64_t c = 0; c < k->c; c++)
            for (int ky = 0; ky < 3; ky++)
              for (int kx = 0; kx < 3; kx++) {
                int64_t iy = oy - k->pt + k->dy * ky, ix = ox - k->pl + k->dx * kx;
                if (iy < 0 || ix < 0 || iy >= k->h || ix >= k->w) continue;
                double t = (double)x[XI(n, c, iy, ix)] * w[((m * k->c + c) * 3 + ky) * 3 + kx];
                acc += t;
                mag += fabs(t);
              }
          if (k->relu && acc < 0) acc = 0;
          if (k->sum) acc += s[YI(n, m, oy, ox)];
          double tol = 1e-5 * (mag + 1e-3);
          double e = fabs((double)got - acc);
          if (!(e <= tol)) {
            if (!bad)
              fprintf(stderr, "  y[%lld,%lld,%lld,%lld] = %.9g, expected %.9g\n", (long long)n,
                      (long long)m, (long long)oy, (long long)ox, got, acc);
            bad++;
          } else if (e / tol > worst) {
            worst = e / tol;
          }
        }
  printf("n%lld c%lld m%lld %lldx%lld d%lldx%lld pads %lld,%lld,%lld,%lld%s%s%s: %s\n",
         (long long)k->n, (long long)k->c, (long long)k->m, (long long)k->h, (long long)k->w,
         (long long)k->dy, (long long)k->dx, (long long)k->pt, (long long)k->pl,
         (long long)k->pb, (long long)k->pr, k->bias ? " bias" : "", k->relu ? " relu" : "",
         k->sum ? " sum" : "", bad || pad_bad ? "FAILED" : "ok");
  CHECK(bad == 0);
  CHECK(pad_bad == 0);
  free(x);
  free(y);
  free(s);
  free(w);
  free(b);
  nn_mem_free(u, nn_wino_weights_floats(k->m, k->c) * sizeof *u);
  nn_mem_free(scratch, sb);
}

/* The weight transform: the 36 values of one filter are G g G^T, whatever the layout. */
static void test_weights(void) {
  float w[2 * 3 * 9], *u = nn_mem_alloc(nn_wino_weights_floats(2, 3) * sizeof(float));
  for (int i = 0; i < 2 * 3 * 9; i++) w[i] = (float)(i % 7) - 3;
  nn_wino_weights(w, 2, 3, u);
  /* U[0][0] = g[0][0] / 16 (G's first row is (1/4, 0, 0)); U[5][5] = g[2][2];
   * the padded input channels 3..7 and output channels 2..7 are zero */
  CHECK_NEAR(u[(0 * 8 + 1) * 8 + 1], w[(1 * 3 + 1) * 9] / 16.0, 1e-7);
  CHECK_NEAR(u[((35 * 1) * 8 + 2) * 8 + 0], w[(0 * 3 + 2) * 9 + 8], 1e-7);
  int nonzero = 0;
  for (int xi = 0; xi < 36; xi++)
    for (int c = 0; c < 8; c++)
      for (int m = 0; m < 8; m++)
        if ((c >= 3 || m >= 2) && u[(xi * 8 + c) * 8 + m] != 0) nonzero++;
  CHECK(nonzero == 0);
  nn_mem_free(u, nn_wino_weights_floats(2, 3) * sizeof(float));
}

int main(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    SKIP("the CPU lacks AVX2 + FMA");
  test_weights();
  static const wcase cases[] = {
      {1, 16, 16, 23, 19, 1, 1, 1, 1, 1, 1, 1, 0, 0},  /* odd sizes, partial tiles */
      {1, 20, 12, 17, 30, 2, 2, 2, 2, 2, 2, 1, 1, 0},  /* partial channel blocks, dilation 2 */
      {1, 24, 32, 32, 32, 4, 4, 4, 4, 4, 4, 1, 0, 1},  /* dilation 4, fused Add */
      {1, 8, 16, 40, 36, 8, 8, 8, 8, 8, 8, 1, 1, 1},   /* dilation 8, Relu then Add */
      {1, 13, 21, 11, 9, 1, 1, 0, 0, 0, 0, 0, 0, 0},   /* no padding, no bias */
      {1, 16, 16, 9, 13, 2, 1, 2, 1, 0, 3, 1, 1, 0},   /* unequal dilations, asymmetric pads */
      {2, 64, 64, 34, 34, 1, 1, 1, 1, 1, 1, 1, 1, 1},  /* a batch */
      {1, 5, 9, 5, 5, 1, 1, 1, 1, 1, 1, 1, 0, 0},      /* one tile */
      {1, 256, 64, 12, 12, 1, 1, 1, 1, 1, 1, 1, 1, 0}, /* few tiles: output channels in groups */
      {1, 72, 48, 33, 31, 3, 3, 3, 3, 3, 3, 1, 0, 1},  /* dilation 3, odd sub-grids */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check_case(&cases[i]);
  printf("Winograd against the direct reference: worst error %.3g of the bound\n", worst);
  return CHECK_DONE();
}
