/* SAD and MSE over a region. */
#include <math.h>

#include "eval/metrics.h"

double eval_sad(const double *pred, const double *gt, const uint8_t *region, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    if (!region || region[i]) sum += fabs(pred[i] - gt[i]);
  return sum / 1000.0;
}

double eval_mse(const double *pred, const double *gt, const uint8_t *region, size_t n) {
  double sum = 0;
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if (!region || region[i]) {
      double d = pred[i] - gt[i];
      sum += d * d;
      count++;
    }
  return count ? sum / count : 0.0;
}
