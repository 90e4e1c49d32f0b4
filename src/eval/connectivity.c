/* Connectivity error. For each threshold t_i = i * step (i = 1 .. 1/step) the largest
 * 4-connected component omega_i of {pred >= t_i} & {gt >= t_i} is found; a pixel's level l is
 * t_{i-1} for the first i whose omega_i leaves it out (1 when none does). Then
 * phi = 1 - d * (d >= theta) with d = alpha - l, and the error is
 * sum over the region of |phi_pred - phi_gt|, / 1000. */
#include <math.h>
#include <stdlib.h>

#include "eval/metrics.h"

/* Labels the 4-connected components of mask (w x h) into label (component number + 1, or 0)
 * and returns the label of the largest one (0 when the mask is empty); ties go to the
 * component whose first pixel in column-major order comes first. stack holds w*h ints. */
static int largest_component(const uint8_t *mask, int w, int h, int *label, int *stack) {
  size_t n = (size_t)w * h;
  for (size_t i = 0; i < n; i++) label[i] = 0;
  int next = 0, best = 0;
  size_t best_size = 0, best_first = 0;
  for (size_t start = 0; start < n; start++) {
    if (!mask[start] || label[start]) continue;
    int id = ++next;
    size_t size = 0, first = (size_t)-1;
    int top = 0;
    stack[top++] = (int)start;
    label[start] = id;
    while (top) {
      int p = stack[--top];
      int x = p % w, y = p / w;
      size++;
      size_t cm = (size_t)x * h + y; /* column-major position */
      if (cm < first) first = cm;
      int nb[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1,
                   y + 1 < h ? p + w : -1};
      for (int k = 0; k < 4; k++) {
        int q = nb[k];
        if (q >= 0 && mask[q] && !label[q]) {
          label[q] = id;
          stack[top++] = q;
        }
      }
    }
    if (size > best_size || (size == best_size && first < best_first)) {
      best = id;
      best_size = size;
      best_first = first;
    }
  }
  return best;
}

int eval_connectivity(const double *pred, const double *gt, const uint8_t *region, int w,
                      int h, double step, double theta, double *out) {
  size_t n = (size_t)w * h;
  int levels = (int)lround(1.0 / step);
  uint8_t *mask = malloc(n);
  int *label = malloc(n * sizeof *label), *stack = malloc(n * sizeof *stack);
  double *l = malloc(n * sizeof *l);
  int rc = -1;
  if (!mask || !label || !stack || !l || levels < 1) goto done;
  for (size_t i = 0; i < n; i++) l[i] = -1;
  for (int i = 1; i <= levels; i++) {
    double t = (double)i / levels, prev = (double)(i - 1) / levels;
    for (size_t k = 0; k < n; k++) mask[k] = pred[k] >= t && gt[k] >= t;
    int best = largest_component(mask, w, h, label, stack);
    for (size_t k = 0; k < n; k++)
      if (l[k] == -1 && (best == 0 || label[k] != best)) l[k] = prev;
  }
  double sum = 0;
  for (size_t k = 0; k < n; k++) {
    if (region && !region[k]) continue;
    double lk = l[k] == -1 ? 1.0 : l[k];
    double dp = pred[k] - lk, dg = gt[k] - lk;
    double phi_p = 1 - dp * (dp >= theta), phi_g = 1 - dg * (dg >= theta);
    sum += fabs(phi_p - phi_g);
  }
  *out = sum / 1000.0;
  rc = 0;
done:
  free(mask);
  free(label);
  free(stack);
  free(l);
  return rc;
}
