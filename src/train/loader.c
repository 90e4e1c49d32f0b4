/* The batch-loading thread. */
#include "train/loader.h"

#include <stdlib.h>
#include <string.h>

static size_t in_floats(const tr_loader *l) {
  return (size_t)l->batch * tr_arch_inputs(l->arch) * l->crop * l->crop;
}

static void *run(void *arg) {
  tr_loader *l = arg;
  for (int s = 0; s < l->steps; s++) {
    int slot = s % 2;
    pthread_mutex_lock(&l->mu);
    while (l->ready[slot] && !l->stop) pthread_cond_wait(&l->cv, &l->mu);
    int stop = l->stop;
    pthread_mutex_unlock(&l->mu);
    if (stop) break;
    nn_err e;
    int rc = tr_batch_fill(l->d, l->order + (size_t)s * l->batch, l->batch, l->crop, l->arch,
                           &l->rng, l->in[slot], l->target[slot], &e);
    pthread_mutex_lock(&l->mu);
    if (rc) l->failed = 1, l->err = e;
    l->ready[slot] = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    if (rc) break;
  }
  return NULL;
}

int tr_loader_start(tr_loader *l, const tr_dataset *d, const int *order, int steps, int batch,
                    int crop, tr_arch arch, uint64_t rng, nn_err *err) {
  memset(l, 0, sizeof *l);
  *l = (tr_loader){.d = d, .order = order, .steps = steps, .batch = batch, .crop = crop,
                   .arch = arch, .rng = rng};
  size_t plane = (size_t)batch * crop * crop;
  for (int k = 0; k < 2; k++) {
    l->in[k] = malloc(sizeof(float) * in_floats(l));
    l->target[k] = malloc(sizeof(float) * plane);
    if (!l->in[k] || !l->target[k]) {
      tr_loader_stop(l);
      return nn_fail(err, NN_ENOMEM, "out of memory for the batches");
    }
  }
  pthread_mutex_init(&l->mu, NULL);
  pthread_cond_init(&l->cv, NULL);
  if (pthread_create(&l->thread, NULL, run, l)) {
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    for (int k = 0; k < 2; k++) free(l->in[k]), free(l->target[k]);
    return nn_fail(err, NN_ENOMEM, "cannot start the loader thread");
  }
  l->started = 1;
  return NN_OK;
}

int tr_loader_next(tr_loader *l, int step, float *input, float *target, nn_err *err) {
  int slot = step % 2;
  pthread_mutex_lock(&l->mu);
  while (!l->ready[slot] && !l->failed) pthread_cond_wait(&l->cv, &l->mu);
  int rc = NN_OK;
  if (l->failed) {
    if (err) *err = l->err;
    rc = l->err.code ? l->err.code : NN_EIO;
  } else {
    memcpy(input, l->in[slot], sizeof(float) * in_floats(l));
    memcpy(target, l->target[slot], sizeof(float) * (size_t)l->batch * l->crop * l->crop);
    l->ready[slot] = 0;
    pthread_cond_broadcast(&l->cv);
  }
  pthread_mutex_unlock(&l->mu);
  return rc;
}

void tr_loader_stop(tr_loader *l) {
  if (l->started) {
    pthread_mutex_lock(&l->mu);
    l->stop = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
  }
  for (int k = 0; k < 2; k++) free(l->in[k]), free(l->target[k]);
  memset(l, 0, sizeof *l);
}
