/* Losses and optimizers: each loss's gradient against finite differences and its value on a
 * hand-worked case; each optimizer's first step as its definition gives it, and each one
 * taking an ill-conditioned quadratic bowl down by orders of magnitude; weight decay; the
 * learning-rate schedules. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "train/loss.h"
#include "train/optim.h"

typedef double (*loss_fn)(const float *p, const float *t, int64_t n, float *grad);

static double gan_nonsat_real(const float *p, const float *t, int64_t n, float *grad) {
  (void)t;
  return tr_loss_gan(TR_GAN_NONSAT, p, n, 1, grad);
}
static double gan_ls_fake(const float *p, const float *t, int64_t n, float *grad) {
  (void)t;
  return tr_loss_gan(TR_GAN_LSGAN, p, n, 0, grad);
}

static void loss_gradient(const char *name, loss_fn f) {
  float p[6] = {0.3f, -1.2f, 2.5f, 0.05f, -0.4f, 4.0f}, t[6] = {0, 1, 0.5f, 1, 0, 0.2f}, g[6];
  f(p, t, 6, g);
  double worst = 0;
  for (int i = 0; i < 6; i++) {
    float keep = p[i];
    p[i] = keep + 1e-2f;
    double up = f(p, t, 6, NULL);
    p[i] = keep - 1e-2f;
    double down = f(p, t, 6, NULL);
    p[i] = keep;
    double num = (up - down) / 2e-2, d = fabs(num - g[i]);
    if (d > worst) worst = d;
  }
  printf("%-16s gradient vs finite differences: %.2e\n", name, worst);
  CHECK(worst < 1e-4);
}

/* f = 0.5 (10 x^2 + y^2), from (1, 1) */
static double bowl(const float *w, float *g) {
  g[0] = 10 * w[0];
  g[1] = w[1];
  return 0.5 * (10.0 * w[0] * w[0] + (double)w[1] * w[1]);
}

static void converges(tr_optim_kind kind, float lr, int steps, double below) {
  float w[2] = {1, 1}, g[2];
  float *v[1] = {w}, *gp[1] = {g};
  int64_t size[1] = {2};
  tr_optim_cfg c = tr_optim_defaults(kind);
  c.lr = lr;
  tr_optim o;
  nn_err err;
  CHECK(tr_optim_init(&o, &c, 1, v, size, &err) == NN_OK);
  double f0 = bowl(w, g), f = f0;
  for (int s = 0; s < steps; s++) {
    f = bowl(w, g);
    tr_optim_step(&o, gp);
  }
  f = bowl(w, g);
  printf("%-9s %5d steps: f %.3g -> %.3g\n", tr_optim_name(kind), steps, f0, f);
  CHECK(f < below * f0);
  tr_optim_free(&o);
}

/* one step from w = 1 with gradient 0.5 */
static float first_step(tr_optim_kind kind, float wd) {
  float w[1] = {1}, g[1] = {0.5f};
  float *v[1] = {w}, *gp[1] = {g};
  int64_t size[1] = {1};
  tr_optim_cfg c = tr_optim_defaults(kind);
  c.weight_decay = wd;
  tr_optim o;
  nn_err err;
  tr_optim_init(&o, &c, 1, v, size, &err);
  tr_optim_step(&o, gp);
  tr_optim_free(&o);
  return w[0];
}

int main(void) {
  /* values */
  float p[2] = {0.0f, 2.0f}, t[2] = {1.0f, 0.0f};
  CHECK_NEAR(tr_loss_mse(p, t, 2, NULL), 2.5, 1e-9);
  CHECK_NEAR(tr_loss_l1(p, t, 2, NULL), 1.5, 1e-9);
  CHECK_NEAR(tr_loss_bce_logits(p, t, 2, NULL), (log(2.0) + 2.0 + log1p(exp(-2.0))) / 2, 1e-7);
  float big[1] = {-200.0f}, one[1] = {1.0f};
  CHECK(isfinite(tr_loss_bce_logits(big, one, 1, NULL))); /* no overflow far out */
  CHECK_NEAR(tr_loss_bce_logits(big, one, 1, NULL), 200.0, 1e-6);
  CHECK_NEAR(tr_loss_gan(TR_GAN_LSGAN, p, 2, 1, NULL), (0.5 * 1 + 0.5 * 1) / 2, 1e-9);
  /* gradients */
  loss_gradient("mse", tr_loss_mse);
  loss_gradient("l1", tr_loss_l1);
  loss_gradient("bce-with-logits", tr_loss_bce_logits);
  loss_gradient("gan nonsat real", gan_nonsat_real);
  loss_gradient("lsgan fake", gan_ls_fake);

  /* first steps, from the definitions */
  CHECK_NEAR(first_step(TR_SGD, 0), 1 - 0.01 * 0.5, 1e-7);
  CHECK_NEAR(first_step(TR_SGD, 0.1f), 1 - 0.01 * (0.5 + 0.1), 1e-7);
  CHECK_NEAR(first_step(TR_RMSPROP, 0), 1 - 1e-3 * 0.5 / (sqrt(0.01 * 0.25) + 1e-8), 1e-6);
  CHECK_NEAR(first_step(TR_ADAM, 0), 1 - 1e-3, 1e-6); /* bias-corrected: lr * sign(g) */
  CHECK_NEAR(first_step(TR_ADADELTA, 0), 1 - sqrt(1e-6) / sqrt(0.1 * 0.25 + 1e-6) * 0.5, 1e-6);
  /* each one goes down the bowl */
  converges(TR_SGD, 0.05f, 300, 1e-6);
  converges(TR_RMSPROP, 0.01f, 1000, 1e-6);
  converges(TR_ADAM, 0.05f, 1000, 1e-6);
  converges(TR_ADADELTA, 1.0f, 5000, 2e-3); /* its steps start at sqrt(eps): slow */

  /* schedules */
  tr_optim o = {0};
  o.cfg = tr_optim_defaults(TR_ADAM);
  o.cfg.schedule = TR_LR_STEP, o.cfg.step_size = 10, o.cfg.gamma = 0.5f;
  o.step = 25;
  CHECK_NEAR(tr_optim_lr(&o), 1e-3 * 0.25, 1e-9);
  o.cfg.schedule = TR_LR_COSINE, o.cfg.total_steps = 100;
  o.step = 0;
  CHECK_NEAR(tr_optim_lr(&o), 1e-3, 1e-9);
  o.step = 50;
  CHECK_NEAR(tr_optim_lr(&o), 0.5e-3, 1e-8);
  o.step = 100;
  CHECK_NEAR(tr_optim_lr(&o), 0, 1e-9);
  CHECK(tr_optim_from_name("rmsprop") == TR_RMSPROP && tr_optim_from_name("lbfgs") < 0);
  return CHECK_DONE();
}
