/* IoU and F-measure (beta^2 = 0.3) of the masks alpha >= 0.5. */
#include "check.h"
#include "eval/metrics.h"

int main(void) {
  double iou, f;
  /* tp 1, fp 2, fn 1: IoU 1/4; P 1/3, R 1/2; F = 1.3 * (1/6) / (0.3/3 + 1/2) = 0.36111... */
  const double p[6] = {1, 0.5, 0.9, 0.49, 0, 0}, g[6] = {1, 0, 0.2, 0.7, 0, 0.4};
  eval_mask_scores(p, g, 6, 0.3, &iou, &f);
  CHECK_NEAR(iou, 0.25, 1e-15);
  CHECK_NEAR(f, 1.3 * (1.0 / 6) / (0.3 / 3 + 0.5), 1e-15);
  /* beta^2 = 1 is the harmonic mean: 2 * (1/3)(1/2) / (1/3 + 1/2) = 0.4 */
  eval_mask_scores(p, g, 6, 1.0, &iou, &f);
  CHECK_NEAR(f, 0.4, 1e-15);

  double zero[4] = {0}, one[4] = {1, 1, 1, 1};
  eval_mask_scores(zero, zero, 4, 0.3, &iou, &f); /* two empty masks agree */
  CHECK(iou == 1 && f == 1);
  eval_mask_scores(one, one, 4, 0.3, &iou, &f);
  CHECK(iou == 1 && f == 1);
  eval_mask_scores(one, zero, 4, 0.3, &iou, &f); /* precision 0, recall undefined */
  CHECK(iou == 0 && f == 0);
  eval_mask_scores(zero, one, 4, 0.3, &iou, &f); /* precision undefined, recall 0 */
  CHECK(iou == 0 && f == 0);

  /* 8-bit: 128/255 >= 0.5 is foreground, 127/255 is not; the trimap does not change them */
  const uint8_t p8[4] = {128, 127, 255, 0}, g8[4] = {255, 255, 255, 0};
  const uint8_t tri[4] = {128, 0, 0, 0};
  eval_scores s, t;
  CHECK(eval_score_u8(p8, g8, NULL, 2, 2, &s) == 0);
  CHECK(eval_score_u8(p8, g8, tri, 2, 2, &t) == 0);
  CHECK_NEAR(s.iou, 2.0 / 3.0, 1e-15); /* tp 2, fn 1 */
  CHECK_NEAR(s.fmeasure, 1.3 * 1.0 * (2.0 / 3) / (0.3 * 1.0 + 2.0 / 3), 1e-15);
  CHECK(t.iou == s.iou && t.fmeasure == s.fmeasure);
  return CHECK_DONE();
}
