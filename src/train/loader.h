/* Batches prepared on a separate thread while the current step computes: one epoch's
 * batches in order (sample order and crop draws fixed by the caller's seed), two at a
 * time. */
#ifndef CUTOUT_TRAIN_LOADER_H
#define CUTOUT_TRAIN_LOADER_H

#include <pthread.h>

#include "train/data.h"

typedef struct tr_loader {
  const tr_dataset *d;
  const int *order; /* steps * batch sample indices */
  int steps, batch, crop;
  tr_arch arch;
  uint64_t rng;
  float *in[2], *target[2];
  int ready[2], stop, failed;
  nn_err err;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t thread;
  int started;
} tr_loader;

/* Starts preparing the batches of order (steps x batch indices into d) with rng. */
int tr_loader_start(tr_loader *l, const tr_dataset *d, const int *order, int steps, int batch,
                    int crop, tr_arch arch, uint64_t rng, nn_err *err);
/* Copies batch `step` (0, 1, ... in turn) into input and target once it is ready. */
int tr_loader_next(tr_loader *l, int step, float *input, float *target, nn_err *err);
/* Stops the thread (also midway) and frees the buffers. */
void tr_loader_stop(tr_loader *l);

#endif
