/* The engine over a loaded model: one network run at a time; the rest of ct_remove's work
 * (the colours) is left to the callers, in parallel. */
#include <pthread.h>
#include <stdlib.h>

#include "serve/serve.h"

struct sv_model_engine {
  ct_model *model;
  int threads;
  const char *name;
  pthread_mutex_t lock;
};

static ct_status model_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                            ct_image **mask, ct_error *err) {
  sv_model_engine *e = ctx;
  ct_image *global = NULL;
  *mask = NULL;
  pthread_mutex_lock(&e->lock);
  ct_set_threads(e->threads); /* OpenMP's thread count belongs to the calling thread */
  ct_status st = ct_predict_mask(e->model, photo, &global, err);
  if (!st && opts->tiles) {
    st = ct_tiled_mask(e->model, photo, global, opts, mask, NULL, err);
    ct_image_free(global);
  } else {
    *mask = global;
  }
  pthread_mutex_unlock(&e->lock);
  return st;
}

sv_model_engine *sv_model_engine_new(ct_model *model, int threads, const char *name) {
  sv_model_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->model = model;
  e->threads = threads;
  e->name = name;
  pthread_mutex_init(&e->lock, NULL);
  return e;
}

void sv_model_engine_free(sv_model_engine *e) {
  if (!e) return;
  pthread_mutex_destroy(&e->lock);
  free(e);
}

sv_engine sv_model_engine_get(sv_model_engine *e) {
  sv_engine g = {model_mask, e, e->name};
  return g;
}
