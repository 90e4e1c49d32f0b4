/* Connectivity error on arrays worked out by hand (levels l, then phi = 1 - d * (d >= 0.15)
 * with d = alpha - l), with and without a region, and its edge cases. */
#include "check.h"
#include "eval/metrics.h"

static double conn(const double *p, const double *g, const uint8_t *region, int w, int h) {
  double out = -1;
  CHECK(eval_connectivity(p, g, region, w, h, EVAL_CONN_STEP, EVAL_CONN_THETA, &out) == 0);
  return out;
}

int main(void) {
  /* 1x3, gt all 1, pred [1 0 1]: the intersection is {0, 2} at every threshold, two
   * components of one pixel; the first (pixel 0) wins, so l = [1 0 0].
   * d_pred = [0 0 1] -> phi [1 1 0]; d_gt = [0 1 1] -> phi [1 0 0]; error 1 / 1000. */
  {
    const double g[3] = {1, 1, 1}, p[3] = {1, 0, 1};
    CHECK_NEAR(conn(p, g, NULL, 3, 1), 0.001, 1e-15);
    const uint8_t only2[3] = {0, 0, 1}, only1[3] = {0, 1, 0};
    CHECK_NEAR(conn(p, g, only2, 3, 1), 0.0, 1e-15);
    CHECK_NEAR(conn(p, g, only1, 3, 1), 0.001, 1e-15);
  }
  /* 1x5, gt [1 .6 .3 0 0], pred [1 .3 .6 .2 .1]: min = [1 .3 .3 0 0].
   * t = .1-.3: omega = {0,1,2} (pixels 3, 4 get l = 0); t = .4: omega = {0} (pixels 1, 2 get
   * l = .3); pixel 0 stays: l = 1. l = [1 .3 .3 0 0].
   * d_pred = [0 0 .3 .2 .1] -> phi [1 1 .7 .8 1] (.1 < theta); d_gt = [0 .3 0 0 0] ->
   * phi [1 .7 1 1 1]. |diff| = [0 .3 .3 .2 0], error .8 / 1000. */
  {
    const double g[5] = {1, 0.6, 0.3, 0, 0}, p[5] = {1, 0.3, 0.6, 0.2, 0.1};
    CHECK_NEAR(conn(p, g, NULL, 5, 1), 0.0008, 1e-15);
    const uint8_t r[5] = {0, 0, 1, 1, 1};
    CHECK_NEAR(conn(p, g, r, 5, 1), 0.0005, 1e-15);
  }
  /* 4-connectivity: 2x2 gt [[1 0] [0 .5]], pred [[1 0] [0 .6]]: pixels (0,0) and (1,1) touch
   * only diagonally, so they are two components; (0,0) wins the tie and (1,1) gets l = 0:
   * phi_pred = 1 - .6, phi_gt = 1 - .5, error .1 / 1000. (With 8-connectivity l would be .5
   * and d_pred = .1 < theta: no error.) */
  {
    const double g[4] = {1, 0, 0, 0.5}, p[4] = {1, 0, 0, 0.6};
    CHECK_NEAR(conn(p, g, NULL, 2, 2), 0.0001, 1e-15);
  }
  /* Ties go to the component found first in column-major order (MATLAB's bwconncomp):
   * A = (x1, y0) with pred = gt = 1, B = (x0, y1) with pred .6, gt .5. Column-major B comes
   * first (index 1 against 2), so omega = B for t <= .5: A gets l = 0 (d = 1 for both, no
   * error) and B gets l = .5 (d_pred = .1 < theta, d_gt = 0): error 0. Row-major order would
   * pick A and charge B .1. */
  {
    const double g[4] = {0, 1, 0.5, 0}, p[4] = {0, 1, 0.6, 0};
    CHECK_NEAR(conn(p, g, NULL, 2, 2), 0.0, 1e-15);
  }
  /* edge cases */
  {
    double zero[6] = {0}, one[6];
    for (int i = 0; i < 6; i++) one[i] = 1;
    CHECK(conn(zero, zero, NULL, 3, 2) == 0);
    CHECK(conn(one, one, NULL, 3, 2) == 0);
    /* no intersection: l = 0 everywhere; phi_pred = 0, phi_gt = 1 */
    CHECK_NEAR(conn(one, zero, NULL, 3, 2), 6 / 1000.0, 1e-15);
    CHECK_NEAR(conn(zero, one, NULL, 3, 2), 6 / 1000.0, 1e-15);
    const uint8_t none[6] = {0};
    CHECK(conn(one, zero, none, 3, 2) == 0);
  }
  return CHECK_DONE();
}
