/* Checkpoints of training runs as safetensors: for each network (under a name prefix) its
 * float32 initialisers (weights, batch norm statistics, fixed scales), its optimizer's
 * state ("<prefix>optim/<name>/1" and "/2") and its ops' run-to-run state (dropout's
 * generators, "<prefix>state/<node>", bytes), plus the caller's metadata. Readable by any
 * safetensors reader (PyTorch's load_file gives the same tensors by name). */
#ifndef CUTOUT_TRAIN_CHECKPOINT_H
#define CUTOUT_TRAIN_CHECKPOINT_H

#include "train/safetensors.h"
#include "train/step.h"

int tr_checkpoint_save(const char *path, tr_net *const *nets, const char *const *prefixes, int n,
                       const st_meta *meta, int nmeta, nn_err *err);

/* Restores the networks (built the same way) from path; *file keeps the parsed file for
 * its metadata (st_free it). Fails, naming the tensor, when one is missing or differs. */
int tr_checkpoint_load(const char *path, tr_net *const *nets, const char *const *prefixes,
                       int n, st_file *file, nn_err *err);

/* The value of metadata key, or NULL. */
const char *tr_checkpoint_meta(const st_file *f, const char *key);

#endif
