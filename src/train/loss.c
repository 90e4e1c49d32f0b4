/* Training losses with their gradients. */
#include "train/loss.h"

#include <math.h>

double tr_loss_mse(const float *pred, const float *target, int64_t n, float *grad) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = (double)pred[i] - target[i];
    s += d * d;
    if (grad) grad[i] = (float)(2.0 * d / (double)n);
  }
  return n ? s / (double)n : 0;
}

double tr_loss_l1(const float *pred, const float *target, int64_t n, float *grad) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = (double)pred[i] - target[i];
    s += fabs(d);
    if (grad) grad[i] = (float)((d > 0) - (d < 0)) / (float)n;
  }
  return n ? s / (double)n : 0;
}

/* one element of BCE with logits: the loss, and d/dz into *dz */
static double bce(double z, double t, double *dz) {
  double p = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
  *dz = p - t;
  return (z > 0 ? z : 0) - z * t + log1p(exp(-fabs(z)));
}

double tr_loss_bce_logits(const float *logit, const float *target, int64_t n, float *grad) {
  double s = 0, dz;
  for (int64_t i = 0; i < n; i++) {
    s += bce(logit[i], target[i], &dz);
    if (grad) grad[i] = (float)(dz / (double)n);
  }
  return n ? s / (double)n : 0;
}

double tr_loss_gan(tr_gan_kind kind, const float *d, int64_t n, int real, float *grad) {
  double t = real ? 1.0 : 0.0, s = 0, dz;
  for (int64_t i = 0; i < n; i++) {
    if (kind == TR_GAN_NONSAT) {
      s += bce(d[i], t, &dz);
    } else {
      dz = d[i] - t;
      s += 0.5 * dz * dz;
    }
    if (grad) grad[i] = (float)(dz / (double)n);
  }
  return n ? s / (double)n : 0;
}
