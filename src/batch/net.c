/* The network for batch runs: the model loaded on first use (once, whichever worker gets
 * there first), then the mask of each photo (ct_remove with mask_only) on the worker's own
 * thread; the model lets one network run through at a time. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"

struct bt_net {
  char *model_path;
  ct_model *model;
  int load_failed;
  ct_error load_err;
  pthread_mutex_t lock; /* guards the loading */
};

/* The loaded model, or NULL with the reason of the failed load in err. */
static ct_model *model_of(bt_net *n, ct_error *err) {
  pthread_mutex_lock(&n->lock);
  if (!n->model && !n->load_failed &&
      ct_model_load(n->model_path, &n->model, &n->load_err) != CT_OK)
    n->load_failed = 1;
  ct_model *m = n->model;
  if (!m && err) *err = n->load_err;
  pthread_mutex_unlock(&n->lock);
  return m;
}

static int net_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                    ct_image **mask, int *fatal, ct_error *err) {
  bt_net *n = ctx;
  *mask = NULL;
  *fatal = 0;
  if (bt_stopping()) return 1;
  ct_model *model = model_of(n, err);
  if (!model) {
    *fatal = 1;
    return -1;
  }
  ct_remove_options o = *opts;
  o.mask_only = 1;
  return ct_remove(model, photo, &o, mask, err) ? -1 : 0;
}

bt_net *bt_net_new(const char *model_path) {
  bt_net *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  if (!(n->model_path = strdup(model_path)) || pthread_mutex_init(&n->lock, NULL)) {
    free(n->model_path);
    free(n);
    return NULL;
  }
  return n;
}

bt_engine bt_net_engine(bt_net *n) {
  bt_engine e = {net_mask, n};
  return e;
}

void bt_net_free(bt_net *n) {
  if (!n) return;
  ct_model_free(n->model);
  pthread_mutex_destroy(&n->lock);
  free(n->model_path);
  free(n);
}
