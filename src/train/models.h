/* The trainable architectures, built as engine graphs (tr_builder):
 *   TR_ENCDEC   encoder-decoder mask generator: 3x3 convolutions, batch norm and ReLU, max
 *               pooling down and bilinear upsampling back, channels doubling at each level
 *               down (base, 2 base, 4 base, ...) so that information survives the
 *               downsampling; a 1x1 convolution and Sigmoid give the mask. Input RGB.
 *   TR_UNET     U-Net generator (pix2pix style): 4x4 stride-2 convolutions with LeakyReLU
 *               0.2 down, transposed convolutions with ReLU up, skip connections joined by
 *               Concat, dropout on the deepest level up; Sigmoid alpha. Input RGB + coarse
 *               alpha + trimap (5 channels): the tile refiner.
 *   TR_DLOCAL   local discriminator (PatchGAN): a map of logits, one per overlapping patch.
 *   TR_DGLOBAL  global discriminator: stride-2 convolutions down to a few pixels, then one
 *               convolution over all of them: a single logit for the whole image.
 *               Both discriminators see RGB + alpha (4 channels).
 * Parameters have stable names ("enc1.conv.weight", ...) shared by the training graph, the
 * inference graph, checkpoints and the exported ONNX model. */
#ifndef CUTOUT_TRAIN_MODELS_H
#define CUTOUT_TRAIN_MODELS_H

#include <stdint.h>

#include "nn/graph.h"

typedef enum tr_arch { TR_ENCDEC, TR_UNET, TR_DLOCAL, TR_DGLOBAL } tr_arch;

typedef struct tr_arch_cfg {
  tr_arch arch;
  int base;                  /* channels of the first level (16) */
  int levels;                /* levels down (3) */
  int batch, height, width;  /* input size (height and width divisible by 2^levels) */
  int training;              /* 1: batch norm on batch statistics, dropout on */
  uint64_t seed;             /* initial weights (He-normal), dropout draws */
} tr_arch_cfg;

typedef struct tr_model {
  nn_graph *g;
  int *params, n_params;     /* trainable parameters (value ids) */
  int *stats_out, *stats_to; /* training mode: batch norm's running statistics, output value
                              * stats_out[i] to be copied into initialiser stats_to[i] */
  int n_stats;
  int in_ch;
} tr_model;

/* Input channels of an architecture. */
int tr_arch_inputs(tr_arch arch);
/* "encdec", "unet", "dlocal", "dglobal" -> arch; -1 when unknown. */
int tr_arch_from_name(const char *name);

int tr_model_build(const tr_arch_cfg *cfg, tr_model *m, nn_err *err);
void tr_model_free(tr_model *m);

/* Copies the running statistics of the last training forward pass into their initialisers. */
void tr_model_update_stats(tr_model *m, const nn_tensor *values);

/* Copies every initialiser of src into the one of dst with the same name and size (the
 * trained weights into an inference graph), except the bool flags that set a mode (dropout's
 * training flag stays dst's). Fails when one of dst's is missing in src. */
int tr_model_copy_weights(const nn_graph *src, nn_graph *dst, nn_err *err);

#endif
