/* Training losses. Each returns the loss (a mean over the elements) and, when grad is not
 * NULL, writes d loss / d prediction into it (n values). */
#ifndef CUTOUT_TRAIN_LOSS_H
#define CUTOUT_TRAIN_LOSS_H

#include <stdint.h>

/* mean (pred - target)^2 */
double tr_loss_mse(const float *pred, const float *target, int64_t n, float *grad);
/* mean |pred - target| (gradient sign(pred - target), 0 where equal) */
double tr_loss_l1(const float *pred, const float *target, int64_t n, float *grad);
/* binary cross-entropy of sigmoid(logit) against target in [0, 1], computed stably from the
 * logits: mean max(z, 0) - z t + log(1 + exp(-|z|)) */
double tr_loss_bce_logits(const float *logit, const float *target, int64_t n, float *grad);

/* Adversarial losses on a discriminator's raw outputs (logits):
 *   TR_GAN_NONSAT  non-saturating GAN: BCE with logits against 1 (real) and 0 (fake); the
 *                  generator minimises BCE(D(fake), 1)
 *   TR_GAN_LSGAN   least squares: (D - 1)^2 / 2 for real, D^2 / 2 for fake; the generator
 *                  minimises (D(fake) - 1)^2 / 2 */
typedef enum tr_gan_kind { TR_GAN_NONSAT, TR_GAN_LSGAN } tr_gan_kind;

/* The discriminator's loss on target 1 (real = 1) or 0 (real = 0); mean over n outputs. */
double tr_loss_gan(tr_gan_kind kind, const float *d, int64_t n, int real, float *grad);

#endif
