/* The training run behind `cutout train`: epochs over a synth folder's samples (the last
 * tenth held out for validation), batches prepared by a loader thread while the cores
 * compute, a checkpoint after each epoch (OUT_DIR/checkpoint.safetensors: weights, batch
 * norm statistics, optimizer state and where the run stands), resumable, and the generator
 * exported to OUT_DIR/model.onnx at the end. */
#ifndef CUTOUT_TRAIN_TRAIN_H
#define CUTOUT_TRAIN_TRAIN_H

#include <stdint.h>

#include "nn/error.h"
#include "train/loss.h"
#include "train/optim.h"

typedef enum tr_kind { TR_RUN_ENCDEC, TR_RUN_UNET, TR_RUN_UNET_GAN } tr_kind;

typedef struct tr_train_opts {
  tr_kind kind;
  const char *data_dir, *out_dir, *resume; /* resume: a checkpoint, or NULL */
  const char *masks_dir; /* the refiner's coarse alpha from these masks (tr_dataset_masks) */
  int epochs, batch, crop, base, levels;
  int export_size;  /* the exported model's input side (its input is 1 x C x side x side) */
  uint64_t seed;
  tr_optim_cfg optim; /* total_steps and step_size 0: from the run's length */
  tr_gan_kind gan;
  int max_samples;  /* 0: all */
} tr_train_opts;

void tr_train_defaults(tr_train_opts *o);

typedef struct tr_progress {
  int epoch, epochs;
  int64_t step, steps_per_epoch;
  double loss;        /* running mean of this epoch's loss (generator's L1 for the GAN) */
  double samples_per_s;
  int validated;      /* 1 at the end of an epoch: the fields below are set */
  double val_sad, val_mse; /* held-out samples: SAD / 1000 and MSE of the predicted alpha */
} tr_progress;

/* Runs the training; calls progress (may be NULL) after each step and each validation. */
int tr_train(const tr_train_opts *o, void (*progress)(const tr_progress *p, void *user),
             void *user, nn_err *err);

#endif
