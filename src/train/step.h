/* One training step of each kind: a network with its tape and optimizer; the supervised
 * step (encoder-decoder: MSE; U-Net alone: L1) and the adversarial step of the U-Net with
 * its local and global discriminators (pix2pix: L1 + adversarial). */
#ifndef CUTOUT_TRAIN_STEP_H
#define CUTOUT_TRAIN_STEP_H

#include "train/loss.h"
#include "train/models.h"
#include "train/optim.h"
#include "train/tape.h"

typedef struct tr_net {
  tr_model m;
  tr_tape t;
  tr_optim o;
  float **grads; /* per parameter: its gradient in the tape (set by each backward) */
} tr_net;

int tr_net_init(tr_net *n, const tr_arch_cfg *cfg, const tr_optim_cfg *ocfg, nn_err *err);
void tr_net_free(tr_net *n);

/* input: batch x in_ch x H x W; target: batch x 1 x H x W. Updates the weights and gives
 * the loss before the update (MSE, or L1 when l1). */
int tr_step_supervised(tr_net *n, nn_tensor *input, const float *target, int l1, double *loss,
                       nn_err *err);

typedef struct tr_gan {
  tr_net g, dl, dg;   /* generator, local and global discriminators (batch 2x: real, fake) */
  tr_tape dl_in, dg_in; /* the discriminators' tapes for the generator's step: gradient of
                         * their input only */
  tr_gan_kind kind;
  float l1_weight;    /* 100 as in pix2pix */
} tr_gan;

/* The generator of gcfg (TR_UNET) with discriminators of its crop at base dbase. */
int tr_gan_init(tr_gan *gan, const tr_arch_cfg *gcfg, int dbase, const tr_optim_cfg *gopt,
                const tr_optim_cfg *dopt, tr_gan_kind kind, nn_err *err);
void tr_gan_free(tr_gan *gan);

/* One step of each discriminator (real pairs RGB + true alpha against RGB + generated
 * alpha), then of the generator (L1 to the true alpha + fooling both). losses: generator
 * L1, generator adversarial (mean of both), discriminators (mean of both). */
int tr_step_gan(tr_gan *gan, nn_tensor *input, const float *target, double losses[3],
                nn_err *err);

#endif
