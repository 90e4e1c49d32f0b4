/* IoU and F-measure of the binarised mattes (alpha >= 0.5). */
#include "eval/metrics.h"

void eval_mask_scores(const double *pred, const double *gt, size_t n, double beta2,
                      double *iou, double *fmeasure) {
  size_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < n; i++) {
    int p = pred[i] >= 0.5, g = gt[i] >= 0.5;
    tp += p && g;
    fp += p && !g;
    fn += !p && g;
  }
  if (tp + fp + fn == 0) { /* both masks empty: they agree */
    *iou = *fmeasure = 1.0;
    return;
  }
  *iou = (double)tp / (double)(tp + fp + fn);
  double precision = tp + fp ? (double)tp / (double)(tp + fp) : 0.0;
  double recall = tp + fn ? (double)tp / (double)(tp + fn) : 0.0;
  double den = beta2 * precision + recall;
  *fmeasure = den > 0 ? (1 + beta2) * precision * recall / den : 0.0;
}
