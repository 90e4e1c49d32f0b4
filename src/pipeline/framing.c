/* The global pass's framing (ct_framing): the photo stretched into the network's input, or
 * letterboxed, or (automatic) stretched and, when that mask is unsure, letterboxed too with
 * the surer mask kept. */
#include <stdlib.h>

#include "api/api.h"
#include "pipeline/model.h"

/* The share of a mask's pixels the network is unsure of (strictly between 0.1 and 0.9). */
static double unsure_share(const float *m, int w, int h) {
  size_t n = (size_t)w * h, k = 0;
  for (size_t i = 0; i < n; i++) k += m[i] > 0.1f && m[i] < 0.9f;
  return n ? (double)k / (double)n : 0;
}

ct_status ct_global_mask(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                         ct_image **mask, ct_error *err) {
  if (!model || !photo || !mask) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *mask = NULL;
  ct_framing want = opts ? opts->framing : CT_FRAMING_AUTO;
  if (want != CT_FRAMING_AUTO && want != CT_FRAMING_STRETCH && want != CT_FRAMING_FIT)
    return ct_fail(err, CT_ERR_ARGUMENT, "unknown framing %d", (int)want);
  float *small = NULL, *other = NULL;
  int mw = model->width, mh = model->height, ow = 0, oh = 0;
  double u = -1, v = -1;
  ct_framing kept = want == CT_FRAMING_FIT ? CT_FRAMING_FIT : CT_FRAMING_STRETCH;
  ct_status st = kept == CT_FRAMING_FIT
                     ? ct_model_infer_padded(model, photo, &small, &mw, &mh, err)
                     : ct_model_infer(model, photo, &small, err);
  if (st) return st;
  if (kept == CT_FRAMING_FIT)
    v = unsure_share(small, mw, mh);
  else
    u = unsure_share(small, mw, mh);
  if (want == CT_FRAMING_AUTO && u > CT_FRAMING_UNSURE) {
    st = ct_model_infer_padded(model, photo, &other, &ow, &oh, err);
    if (st) {
      free(small);
      return st;
    }
    v = unsure_share(other, ow, oh);
    if (v < u) { /* the letterboxed mask is surer: it is kept */
      free(small);
      small = other;
      other = NULL;
      mw = ow;
      mh = oh;
      kept = CT_FRAMING_FIT;
    }
    free(other);
  }
  st = ct_mask_from_small(small, mw, mh, photo, mask, err);
  free(small);
  if (!st && opts && opts->stats) {
    opts->stats->framing = kept;
    opts->stats->unsure_stretched = u;
    opts->stats->unsure_fitted = v;
  }
  return st;
}
