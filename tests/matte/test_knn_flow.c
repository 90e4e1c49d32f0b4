/* The non-local flow of the full solver (knn_flow.c):
 *   - its operator is a graph Laplacian: constants are in its null space, it is symmetric
 *     (y . L z = z . L y), x . L x equals the sum of w (x_i - x_j)^2 over its edges, and
 *     mt_flow_diagonal gives L's diagonal (checked on unit vectors);
 *   - every unknown gets k edges, from itself, to other pixels, weights in (0, 1];
 *   - on two flat colours the neighbours of an unknown beside the colour edge are all of its
 *     own colour, though pixels of the other colour are nearer in position;
 *   - known_only ties unknowns to known pixels alone;
 *   - mt_solve with a flow weight of 0 gives the local solver's result, and a bad weight is
 *     refused. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "matte/knn_flow.h"
#include "matte/matte.h"

#define W 40
#define H 30
#define N ((size_t)W * H)

int main(void) {
  static float col[N * 3];
  static uint8_t var[N];
  /* left half red, right half blue, a little texture; unknown band x in 14..25 */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      size_t i = (size_t)y * W + x;
      float t = (float)((x * 7 + y * 13) % 5) * 0.01f;
      col[i * 3 + 0] = x < 20 ? 0.8f + t : 0.1f;
      col[i * 3 + 1] = 0.2f + t;
      col[i * 3 + 2] = x < 20 ? 0.1f : 0.8f + t;
      var[i] = x >= 14 && x <= 25;
    }
  long m = 0;
  for (size_t i = 0; i < N; i++) m += var[i];
  mt_flow_opts o;
  mt_flow_opts_init(&o);
  o.spatial = 1.0;
  mt_flow f;
  CHECK(mt_flow_build(W, H, col, var, &o, &f) == 0);
  CHECK(f.n == m * o.k);
  int bad_edge = 0, crossed = 0;
  for (long e = 0; e < f.n; e++) {
    int i = f.from[e], j = f.to[e];
    bad_edge += !var[i] || i == j || j < 0 || j >= (int)N || !(f.w[e] > 0 && f.w[e] <= 1);
    /* unknowns beside the colour edge: x 19 (red) and 20 (blue) */
    int xi = i % W, xj = j % W;
    if (xi == 19 || xi == 20) crossed += (xi < 20) != (xj < 20);
  }
  CHECK(bad_edge == 0);
  CHECK(crossed == 0);

  /* the operator */
  static double x[N], z[N], y[N], d[N];
  srand(7);
  for (size_t i = 0; i < N; i++) x[i] = rand() / (double)RAND_MAX, z[i] = rand() / (double)RAND_MAX;
  for (size_t i = 0; i < N; i++) y[i] = 0, d[i] = 1.0;
  mt_flow_apply(&f, 0.5, d, y); /* constants */
  double worst = 0;
  for (size_t i = 0; i < N; i++) worst = fabs(y[i]) > worst ? fabs(y[i]) : worst;
  CHECK(worst < 1e-12);
  memset(y, 0, sizeof y);
  mt_flow_apply(&f, 0.5, z, y);
  double zLx = 0, xLz = 0, xLx = 0, energy = 0;
  for (size_t i = 0; i < N; i++) xLz += x[i] * y[i];
  memset(y, 0, sizeof y);
  mt_flow_apply(&f, 0.5, x, y);
  for (size_t i = 0; i < N; i++) zLx += z[i] * y[i], xLx += x[i] * y[i];
  for (long e = 0; e < f.n; e++) {
    double v = x[f.from[e]] - x[f.to[e]];
    energy += 0.5 * f.w[e] * v * v;
  }
  CHECK_NEAR(xLz, zLx, 1e-9 * (fabs(xLz) + 1));
  CHECK_NEAR(xLx, energy, 1e-9 * (energy + 1));
  CHECK(energy > 0);
  memset(d, 0, sizeof d);
  mt_flow_diagonal(&f, 0.5, d);
  int diag_off = 0;
  for (size_t i = 0; i < N; i += 37) {
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    x[i] = 1;
    mt_flow_apply(&f, 0.5, x, y);
    diag_off += fabs(y[i] - d[i]) > 1e-9;
  }
  CHECK(diag_off == 0);
  mt_flow_free(&f);

  /* known pixels only */
  o.known_only = 1;
  CHECK(mt_flow_build(W, H, col, var, &o, &f) == 0);
  int to_unknown = 0;
  for (long e = 0; e < f.n; e++) to_unknown += var[f.to[e]] != 0;
  CHECK(f.n > 0);
  CHECK(to_unknown == 0);
  mt_flow_free(&f);

  /* through mt_solve: weight 0 is the local solver, a negative weight is refused */
  static uint8_t rgb[N * 3], trimap[N], a0[N], a1[N];
  for (size_t i = 0; i < N * 3; i++) rgb[i] = (uint8_t)(col[i] * 255.0f + 0.5f);
  for (size_t i = 0; i < N; i++) {
    int xx = (int)(i % W);
    trimap[i] = var[i] ? MT_UNKNOWN : xx < 20 ? 255 : 0;
    a0[i] = a1[i] = 128;
  }
  mt_solve_opts so;
  mt_solve_opts_init(&so);
  so.threads = 1;
  char err[128];
  so.flow = 0;
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, trimap, &so, a0, NULL, err, sizeof err) == 0);
  so.flow = 0.1;
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, trimap, &so, a1, NULL, err, sizeof err) == 0);
  /* both put the edge between the colours: red unknowns foreground, blue background */
  int wrong0 = 0, wrong1 = 0;
  for (size_t i = 0; i < N; i++) {
    if (!var[i]) continue;
    int fg = (int)(i % W) < 20;
    wrong0 += fg ? a0[i] < 128 : a0[i] > 127;
    wrong1 += fg ? a1[i] < 128 : a1[i] > 127;
  }
  CHECK(wrong0 == 0);
  CHECK(wrong1 == 0);
  so.flow = -1;
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, trimap, &so, a1, NULL, err, sizeof err) == -1);
  return CHECK_DONE();
}
