/* The engine over a loaded model: the mask of each photo (ct_remove with mask_only), called
 * from the job threads; the model lets one network run through at a time, and the rest of
 * the work (the colours, ct_composite) is left to the callers, in parallel. */
#include <stdlib.h>

#include "serve/serve.h"

struct sv_model_engine {
  ct_model *model;
  const char *name;
};

static ct_status model_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                            ct_image **mask, ct_error *err) {
  sv_model_engine *e = ctx;
  ct_remove_options o = *opts;
  o.mask_only = 1;
  return ct_remove(e->model, photo, &o, mask, err);
}

sv_model_engine *sv_model_engine_new(ct_model *model, int threads, const char *name) {
  sv_model_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  ct_set_threads(threads);
  e->model = model;
  e->name = name;
  return e;
}

void sv_model_engine_free(sv_model_engine *e) {
  if (!e) return;
  ct_model_free(e->model);
  free(e);
}

sv_engine sv_model_engine_get(sv_model_engine *e) {
  sv_engine g = {model_mask, e, e->name};
  return g;
}
