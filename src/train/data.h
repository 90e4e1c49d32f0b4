/* Training data: samples (photo, true alpha, trimap) from a `cutout synth` folder (its
 * manifest.jsonl) or synthesised in memory, and batches of random crops for an
 * architecture's input. Everything random comes from the seed given, so a batch is a
 * function of (seed, step). */
#ifndef CUTOUT_TRAIN_DATA_H
#define CUTOUT_TRAIN_DATA_H

#include <stdint.h>

#include "image/image.h"
#include "nn/error.h"
#include "train/models.h"

typedef struct tr_sample {
  ct_img *rgb, *alpha, *trimap; /* in memory; or NULL and read from the paths */
  char *rgb_path, *alpha_path, *trimap_path;
} tr_sample;

typedef struct tr_dataset {
  tr_sample *s;
  int n;
} tr_dataset;

/* n samples of w x h synthesised in memory (built-in foregrounds and patterns, seed). */
int tr_dataset_synth(tr_dataset *d, int n, int w, int h, uint64_t seed, nn_err *err);
/* The samples listed in dir/manifest.jsonl (files read when a batch needs them). */
int tr_dataset_open(tr_dataset *d, const char *dir, nn_err *err);
void tr_dataset_free(tr_dataset *d);

/* A batch for arch: input (batch x in_ch x crop x crop; RGB in [0, 1], for TR_UNET then a
 * coarse alpha (the true one seen at 1/8 of the resolution and upsampled, as a network's
 * mask is) and the trimap / 255) and target (batch x 1 x crop x crop, alpha in [0, 1]).
 * Samples idx[0..batch), each cropped at a random place and flipped at random (rng). */
int tr_batch_fill(const tr_dataset *d, const int *idx, int batch, int crop, tr_arch arch,
                  uint64_t *rng, float *input, float *target, nn_err *err);

/* A permutation of 0..n-1 from rng (Fisher-Yates). */
void tr_shuffle(int *order, int n, uint64_t *rng);
/* The next 64-bit draw of rng (splitmix64). */
uint64_t tr_rand(uint64_t *rng);

#endif
