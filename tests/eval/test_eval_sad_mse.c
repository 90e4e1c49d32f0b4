/* SAD and MSE on tiny arrays, with and without a region, and their edge cases. */
#include <string.h>

#include "check.h"
#include "eval/metrics.h"

int main(void) {
  /* 2x2: |diff| = 0, 0.5, 1, 0 */
  const double pred[4] = {0, 0.5, 1, 0.25}, gt[4] = {0, 1, 0, 0.25};
  CHECK_NEAR(eval_sad(pred, gt, NULL, 4), (0 + 0.5 + 1 + 0) / 1000.0, 1e-15);
  CHECK_NEAR(eval_mse(pred, gt, NULL, 4), (0 + 0.25 + 1 + 0) / 4.0, 1e-15);
  const uint8_t region[4] = {0, 1, 0, 1}; /* pixels 1 and 3 */
  CHECK_NEAR(eval_sad(pred, gt, region, 4), 0.5 / 1000.0, 1e-15);
  CHECK_NEAR(eval_mse(pred, gt, region, 4), 0.25 / 2.0, 1e-15);

  /* empty region: nothing to score */
  const uint8_t none[4] = {0, 0, 0, 0};
  CHECK(eval_sad(pred, gt, none, 4) == 0);
  CHECK(eval_mse(pred, gt, none, 4) == 0);

  /* all-zero against all-zero, all-one against all-zero */
  double zero[6] = {0}, one[6];
  for (int i = 0; i < 6; i++) one[i] = 1;
  CHECK(eval_sad(zero, zero, NULL, 6) == 0);
  CHECK(eval_mse(zero, zero, NULL, 6) == 0);
  CHECK_NEAR(eval_sad(one, zero, NULL, 6), 6 / 1000.0, 1e-15);
  CHECK_NEAR(eval_mse(one, zero, NULL, 6), 1.0, 1e-15);
  CHECK(eval_sad(one, one, NULL, 6) == 0);

  /* 8-bit entry point: values / 255; the trimap's unknown region is 0 < t < 255 */
  const uint8_t p8[4] = {0, 128, 255, 64}, g8[4] = {0, 255, 0, 64};
  eval_scores s;
  CHECK(eval_score_u8(p8, g8, NULL, 2, 2, &s) == 0);
  CHECK(s.region == 4);
  CHECK_NEAR(s.sad, (127 + 255) / 255.0 / 1000.0, 1e-15);
  CHECK_NEAR(s.mse, ((127 / 255.0) * (127 / 255.0) + 1.0) / 4.0, 1e-15);
  const uint8_t tri[4] = {128, 128, 255, 0};
  CHECK(eval_score_u8(p8, g8, tri, 2, 2, &s) == 0);
  CHECK(s.region == 2);
  CHECK_NEAR(s.sad, 127 / 255.0 / 1000.0, 1e-15);
  CHECK_NEAR(s.mse, (127 / 255.0) * (127 / 255.0) / 2.0, 1e-15);
  const uint8_t tri_other[4] = {1, 254, 0, 255}; /* any value strictly between is unknown */
  CHECK(eval_score_u8(p8, g8, tri_other, 2, 2, &s) == 0);
  CHECK(s.region == 2);
  const uint8_t tri_known[4] = {0, 255, 255, 0};
  CHECK(eval_score_u8(p8, g8, tri_known, 2, 2, &s) == 0);
  CHECK(s.region == 0 && s.sad == 0 && s.mse == 0 && s.grad == 0 && s.conn == 0);
  return CHECK_DONE();
}
