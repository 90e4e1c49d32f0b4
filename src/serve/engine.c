/* The engine over a loaded model and detector: the mask of each photo (ct_remove with
 * mask_only, the subject's instances by the detector) and the instances one by one
 * (ct_detect, ct_instance_masks), called from the job threads; the model and the detector
 * each let one network run through at a time (their own locks), and the rest of the work
 * (the colours, ct_composite) is left to the callers, in parallel. */
#include <stdio.h>
#include <stdlib.h>

#include "serve/serve.h"

struct sv_model_engine {
  ct_model *model;
  ct_detector *detector;
  const char *name, *detector_name;
};

static ct_status model_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                            ct_image **mask, ct_error *err) {
  sv_model_engine *e = ctx;
  ct_remove_options o = *opts;
  o.mask_only = 1;
  o.detector = o.subject ? e->detector : NULL; /* the service refuses a subject without one */
  return ct_remove(e->model, photo, &o, mask, err);
}

static ct_status model_instances(void *ctx, const ct_image *photo,
                                 const ct_detect_options *dopts, const ct_remove_options *opts,
                                 ct_detection **dets, ct_image ***masks, int *count,
                                 ct_error *err) {
  sv_model_engine *e = ctx;
  *dets = NULL;
  *masks = NULL;
  *count = 0;
  if (!e->detector) {
    err->code = CT_ERR_ARGUMENT;
    snprintf(err->message, sizeof err->message, "no detector loaded");
    return CT_ERR_ARGUMENT;
  }
  ct_detection *d = NULL;
  int n = 0;
  ct_status st = ct_detect(e->detector, photo, dopts, &d, &n, err);
  if (st) return st;
  ct_image **m = calloc(n > 0 ? (size_t)n : 1, sizeof *m);
  if (!m) {
    free(d);
    err->code = CT_ERR_MEMORY;
    snprintf(err->message, sizeof err->message, "out of memory");
    return CT_ERR_MEMORY;
  }
  ct_remove_options o = *opts;
  o.mask_only = 1;
  o.subject = NULL;
  o.detector = NULL;
  if (n && (st = ct_instance_masks(e->model, photo, d, n, &o, m, err))) {
    free(m);
    free(d);
    return st;
  }
  *dets = d;
  *masks = m;
  *count = n;
  return CT_OK;
}

sv_model_engine *sv_model_engine_new(ct_model *model, ct_detector *detector, int threads,
                                     const char *name, const char *detector_name) {
  sv_model_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  ct_set_threads(threads);
  e->model = model;
  e->detector = detector;
  e->name = name;
  e->detector_name = detector ? detector_name : NULL;
  return e;
}

void sv_model_engine_free(sv_model_engine *e) {
  if (!e) return;
  ct_model_free(e->model);
  ct_detector_free(e->detector);
  free(e);
}

sv_engine sv_model_engine_get(sv_model_engine *e) {
  sv_engine g = {model_mask, model_instances, e, e->name, e->detector_name};
  return g;
}
