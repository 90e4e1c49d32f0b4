/* SGD with momentum, RMSprop, Adam and Adadelta, as PyTorch defines them. */
#include "train/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"sgd", "rmsprop", "adam", "adadelta"};

const char *tr_optim_name(tr_optim_kind kind) {
  return (unsigned)kind < 4 ? names[kind] : "?";
}

int tr_optim_from_name(const char *name) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(name, names[i])) return i;
  return -1;
}

tr_optim_cfg tr_optim_defaults(tr_optim_kind kind) {
  tr_optim_cfg c = {.kind = kind, .alpha = 0.99f, .beta1 = 0.9f, .beta2 = 0.999f, .rho = 0.9f,
                    .eps = 1e-8f, .gamma = 0.1f};
  switch (kind) {
    case TR_SGD: c.lr = 0.01f, c.momentum = 0.9f; break;
    case TR_RMSPROP: c.lr = 1e-3f; break;
    case TR_ADAM: c.lr = 1e-3f; break;
    case TR_ADADELTA: c.lr = 1.0f, c.eps = 1e-6f; break;
  }
  return c;
}

void tr_optim_free(tr_optim *o) {
  for (int i = 0; o->s1 && i < o->n; i++) free(o->s1[i]);
  for (int i = 0; o->s2 && i < o->n; i++) free(o->s2[i]);
  free(o->s1);
  free(o->s2);
  free(o->value);
  free(o->size);
  memset(o, 0, sizeof *o);
}

int tr_optim_init(tr_optim *o, const tr_optim_cfg *cfg, int n, float *const *value,
                  const int64_t *size, nn_err *err) {
  memset(o, 0, sizeof *o);
  o->cfg = *cfg;
  o->n = n;
  size_t k = (size_t)(n ? n : 1);
  o->value = malloc(k * sizeof *o->value);
  o->size = malloc(k * sizeof *o->size);
  o->s1 = calloc(k, sizeof *o->s1);
  o->s2 = calloc(k, sizeof *o->s2);
  int ok = o->value && o->size && o->s1 && o->s2;
  for (int i = 0; ok && i < n; i++) {
    o->value[i] = value[i];
    o->size[i] = size[i];
    size_t c = (size_t)(size[i] ? size[i] : 1);
    o->s1[i] = calloc(c, sizeof(float));
    o->s2[i] = calloc(c, sizeof(float));
    ok = o->s1[i] && o->s2[i];
  }
  if (!ok) {
    tr_optim_free(o);
    return nn_fail(err, NN_ENOMEM, "out of memory for the optimizer's state");
  }
  return NN_OK;
}

float tr_optim_lr(const tr_optim *o) {
  const tr_optim_cfg *c = &o->cfg;
  switch (c->schedule) {
    case TR_LR_STEP:
      return c->step_size > 0 ? c->lr * powf(c->gamma, (float)(o->step / c->step_size)) : c->lr;
    case TR_LR_COSINE:
      if (c->total_steps <= 0 || o->step >= c->total_steps) return c->total_steps > 0 ? 0 : c->lr;
      return c->lr * 0.5f * (1.0f + cosf((float)M_PI * (float)o->step / (float)c->total_steps));
    default: return c->lr;
  }
}

void tr_optim_step(tr_optim *o, float *const *grad) {
  const tr_optim_cfg *c = &o->cfg;
  float lr = tr_optim_lr(o);
  o->step++;
  double bc1 = 1.0 - pow(c->beta1, (double)o->step), bc2 = 1.0 - pow(c->beta2, (double)o->step);
  for (int p = 0; p < o->n; p++) {
    if (!grad[p]) continue;
    float *w = o->value[p], *s1 = o->s1[p], *s2 = o->s2[p];
    const float *g0 = grad[p];
    int64_t n = o->size[p];
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      float g = g0[i] + c->weight_decay * w[i];
      switch (c->kind) {
        case TR_SGD:
          s1[i] = c->momentum ? c->momentum * s1[i] + g : g;
          w[i] -= lr * s1[i];
          break;
        case TR_RMSPROP: {
          s2[i] = c->alpha * s2[i] + (1 - c->alpha) * g * g;
          float step = g / (sqrtf(s2[i]) + c->eps);
          s1[i] = c->momentum ? c->momentum * s1[i] + step : step;
          w[i] -= lr * s1[i];
          break;
        }
        case TR_ADAM: {
          s1[i] = c->beta1 * s1[i] + (1 - c->beta1) * g;
          s2[i] = c->beta2 * s2[i] + (1 - c->beta2) * g * g;
          double m = s1[i] / bc1, v = s2[i] / bc2;
          w[i] -= (float)(lr * m / (sqrt(v) + c->eps));
          break;
        }
        case TR_ADADELTA: {
          s2[i] = c->rho * s2[i] + (1 - c->rho) * g * g;
          float d = sqrtf(s1[i] + c->eps) / sqrtf(s2[i] + c->eps) * g;
          s1[i] = c->rho * s1[i] + (1 - c->rho) * d * d;
          w[i] -= lr * d;
          break;
        }
      }
    }
  }
}
