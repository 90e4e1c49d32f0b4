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
  char *mask_path; /* a network's mask of the photo (files only), or NULL */
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
/* Gives each sample a network's mask: masks_dir/NAME.png for the sample photo NAME.ext (as
 * `cutout batch DIR/image -o masks_dir --mask` writes them). Fails when one is missing. */
int tr_dataset_masks(tr_dataset *d, const char *masks_dir, nn_err *err);

/* A batch for arch: input (batch x in_ch x crop x crop; RGB in [0, 1], for TR_UNET then a
 * coarse alpha and a trimap / 255) and target (batch x 1 x crop x crop, alpha in [0, 1]).
 * The coarse alpha and trimap are, for a sample with a mask, the mask and its automatic
 * trimap (ct_trimap's defaults), as the refiner sees them in ct_remove; otherwise the true
 * alpha seen at 1/8 of the resolution and upsampled, and the sample's own trimap.
 * Samples idx[0..batch), each flipped at random and cropped at a random place (rng); for
 * TR_UNET three crops in four are centred on a random unknown pixel of the trimap (where
 * the refiner's output is used), when it has one. */
int tr_batch_fill(const tr_dataset *d, const int *idx, int batch, int crop, tr_arch arch,
                  uint64_t *rng, float *input, float *target, nn_err *err);

/* A permutation of 0..n-1 from rng (Fisher-Yates). */
void tr_shuffle(int *order, int n, uint64_t *rng);
/* The next 64-bit draw of rng (splitmix64). */
uint64_t tr_rand(uint64_t *rng);

#endif
