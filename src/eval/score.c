/* Every measure for one pair of 8-bit mattes. */
#include <stdlib.h>

#include "eval/metrics.h"

int eval_score_u8(const uint8_t *pred, const uint8_t *gt, const uint8_t *trimap, int w, int h,
                  eval_scores *out) {
  size_t n = (size_t)w * h;
  double *p = malloc(n * sizeof *p), *g = malloc(n * sizeof *g);
  uint8_t *region = trimap ? malloc(n) : NULL;
  int rc = -1;
  if (!p || !g || (trimap && !region)) goto done;
  out->region = 0;
  for (size_t i = 0; i < n; i++) {
    p[i] = pred[i] / 255.0;
    g[i] = gt[i] / 255.0;
    if (region) region[i] = trimap[i] > 0 && trimap[i] < 255;
    out->region += !region || region[i];
  }
  out->sad = eval_sad(p, g, region, n);
  out->mse = eval_mse(p, g, region, n);
  if (eval_gradient(p, g, region, w, h, EVAL_GRAD_SIGMA, &out->grad) ||
      eval_connectivity(p, g, region, w, h, EVAL_CONN_STEP, EVAL_CONN_THETA, &out->conn))
    goto done;
  eval_mask_scores(p, g, n, EVAL_F_BETA2, &out->iou, &out->fmeasure);
  rc = 0;
done:
  free(p);
  free(g);
  free(region);
  return rc;
}
