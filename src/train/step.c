/* Training steps. */
#include "train/step.h"

#include <stdlib.h>
#include <string.h>

#include "nn/nn.h"

void tr_net_free(tr_net *n) {
  tr_tape_free(&n->t);
  tr_optim_free(&n->o);
  tr_model_free(&n->m);
  free(n->grads);
  memset(n, 0, sizeof *n);
}

int tr_net_init(tr_net *n, const tr_arch_cfg *cfg, const tr_optim_cfg *ocfg, nn_err *err) {
  memset(n, 0, sizeof *n);
  int rc = tr_model_build(cfg, &n->m, err);
  if (rc) return rc;
  int np = n->m.n_params;
  float **vals = malloc(sizeof(float *) * (size_t)(np + 1));
  int64_t *sizes = malloc(sizeof(int64_t) * (size_t)(np + 1));
  n->grads = calloc((size_t)np + 1, sizeof *n->grads);
  if (!vals || !sizes || !n->grads) rc = nn_fail(err, NN_ENOMEM, "out of memory");
  for (int i = 0; !rc && i < np; i++) {
    nn_tensor *t = &n->m.g->values[n->m.params[i]].t;
    vals[i] = t->data;
    sizes[i] = nn_numel(t);
  }
  if (!rc) rc = tr_optim_init(&n->o, ocfg, np, vals, sizes, err);
  if (!rc) rc = tr_tape_init(&n->t, n->m.g, n->m.params, np, err);
  free(vals);
  free(sizes);
  if (rc) tr_net_free(n);
  return rc;
}

/* forward, backward from dout, optimizer step, running statistics */
static int update(tr_net *n, nn_tensor *dout, nn_err *err) {
  int rc = tr_backward(&n->t, &dout, err);
  if (rc) return rc;
  for (int i = 0; i < n->m.n_params; i++) n->grads[i] = n->t.grad[n->m.params[i]].data;
  tr_optim_step(&n->o, n->grads);
  tr_model_update_stats(&n->m, n->t.val);
  return NN_OK;
}

static nn_tensor *like(const nn_tensor *t, nn_err *err) {
  return nn_tensor_new(NN_F32, t->ndim, t->dims, err);
}

int tr_step_supervised(tr_net *n, nn_tensor *input, const float *target, int l1, double *loss,
                       nn_err *err) {
  int rc = tr_forward(&n->t, &input, err);
  if (rc) return rc;
  const nn_tensor *y = &n->t.val[n->m.g->outputs[0]];
  nn_tensor *dy = like(y, err);
  if (!dy) return err->code;
  int64_t cnt = nn_numel(y);
  *loss = l1 ? tr_loss_l1(y->data, target, cnt, dy->data)
             : tr_loss_mse(y->data, target, cnt, dy->data);
  rc = update(n, dy, err);
  nn_tensor_free(dy);
  return rc;
}

void tr_gan_free(tr_gan *gan) {
  tr_tape_free(&gan->dl_in);
  tr_tape_free(&gan->dg_in);
  tr_net_free(&gan->g);
  tr_net_free(&gan->dl);
  tr_net_free(&gan->dg);
}

int tr_gan_init(tr_gan *gan, const tr_arch_cfg *gcfg, int dbase, const tr_optim_cfg *gopt,
                const tr_optim_cfg *dopt, tr_gan_kind kind, nn_err *err) {
  memset(gan, 0, sizeof *gan);
  gan->kind = kind;
  gan->l1_weight = 100.0f;
  tr_arch_cfg d = *gcfg;
  d.batch = 2 * gcfg->batch;
  d.base = dbase;
  d.levels = 3;
  d.seed = gcfg->seed + 1;
  int rc = tr_net_init(&gan->g, gcfg, gopt, err);
  d.arch = TR_DLOCAL;
  if (!rc) rc = tr_net_init(&gan->dl, &d, dopt, err);
  d.arch = TR_DGLOBAL;
  d.seed++;
  if (!rc) rc = tr_net_init(&gan->dg, &d, dopt, err);
  if (!rc) rc = tr_tape_init(&gan->dl_in, gan->dl.m.g, gan->dl.m.g->inputs, 1, err);
  if (!rc) rc = tr_tape_init(&gan->dg_in, gan->dg.m.g, gan->dg.m.g->inputs, 1, err);
  if (rc) tr_gan_free(gan);
  return rc;
}

/* The discriminators' batch: RGB + true alpha for the first half, RGB + generated alpha for
 * the second. */
static void pairs(const nn_tensor *input, const float *target, const float *fake, float *d) {
  int64_t B = input->dims[0], C = input->dims[1], plane = input->dims[2] * input->dims[3];
  for (int64_t half = 0; half < 2; half++)
    for (int64_t b = 0; b < B; b++) {
      float *o = d + ((half * B + b) * 4) * plane;
      memcpy(o, (const float *)input->data + b * C * plane, sizeof(float) * (size_t)(3 * plane));
      memcpy(o + 3 * plane, (half ? fake : target) + b * plane, sizeof(float) * (size_t)plane);
    }
}

/* the adversarial loss of one discriminator's output (real half then fake half); dd gets
 * its gradient (zero for a half not counted). for_g: the generator's view (fake counts as
 * real, the real half does not count). */
static double adversarial(tr_gan_kind kind, const nn_tensor *out, float *dd, int for_g) {
  int64_t half = nn_numel(out) / 2;
  const float *v = out->data;
  if (for_g) {
    memset(dd, 0, sizeof(float) * (size_t)half);
    return tr_loss_gan(kind, v + half, half, 1, dd + half);
  }
  double l = tr_loss_gan(kind, v, half, 1, dd) + tr_loss_gan(kind, v + half, half, 0, dd + half);
  for (int64_t i = 0; i < 2 * half; i++) dd[i] *= 0.5f;
  return 0.5 * l;
}

int tr_step_gan(tr_gan *gan, nn_tensor *input, const float *target, double losses[3],
                nn_err *err) {
  int rc = tr_forward(&gan->g.t, &input, err);
  if (rc) return rc;
  const nn_tensor *fake = &gan->g.t.val[gan->g.m.g->outputs[0]];
  const nn_tensor *dl_in = &gan->dl.m.g->values[gan->dl.m.g->inputs[0]].t;
  nn_tensor *din = like(dl_in, err), *dfake = like(fake, err);
  nn_tensor *dd[2] = {NULL, NULL};
  if (!din || !dfake) {
    nn_tensor_free(din);
    nn_tensor_free(dfake);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  pairs(input, target, fake->data, din->data);
  tr_net *ds[2] = {&gan->dl, &gan->dg};
  tr_tape *dt[2] = {&gan->dl_in, &gan->dg_in};
  losses[0] = losses[1] = losses[2] = 0;
  /* the discriminators learn to tell the pairs apart */
  for (int k = 0; k < 2 && !rc; k++) {
    rc = tr_forward(&ds[k]->t, &din, err);
    if (rc) break;
    const nn_tensor *o = &ds[k]->t.val[ds[k]->m.g->outputs[0]];
    dd[k] = like(o, err);
    if (!dd[k]) rc = NN_ENOMEM;
    if (!rc) losses[2] += 0.5 * adversarial(gan->kind, o, dd[k]->data, 0);
    if (!rc) rc = update(ds[k], dd[k], err);
  }
  /* the generator learns to fool them (their updated weights) and to match the alpha */
  int64_t n = nn_numel(fake), B = input->dims[0], plane = n / B;
  float *g = dfake->data;
  losses[0] = rc ? 0 : tr_loss_l1(fake->data, target, n, g);
  for (int64_t i = 0; !rc && i < n; i++) g[i] *= gan->l1_weight;
  for (int k = 0; k < 2 && !rc; k++) {
    rc = tr_forward(dt[k], &din, err);
    if (rc) break;
    const nn_tensor *o = &dt[k]->val[ds[k]->m.g->outputs[0]];
    losses[1] += 0.5 * adversarial(gan->kind, o, dd[k]->data, 1);
    for (int64_t i = 0; i < nn_numel(o); i++) ((float *)dd[k]->data)[i] *= 0.5f;
    rc = tr_backward(dt[k], &dd[k], err);
    if (rc) break;
    const float *gi = dt[k]->grad[ds[k]->m.g->inputs[0]].data;
    for (int64_t b = 0; b < B; b++) /* the alpha plane of the fake half */
      for (int64_t i = 0; i < plane; i++) g[b * plane + i] += gi[((B + b) * 4 + 3) * plane + i];
  }
  if (!rc) rc = update(&gan->g, dfake, err);
  nn_tensor_free(din);
  nn_tensor_free(dfake);
  nn_tensor_free(dd[0]);
  nn_tensor_free(dd[1]);
  return rc;
}
