/* Optimizers over a model's parameters: SGD with momentum, RMSprop, Adam, Adadelta, with
 * L2 weight decay (added to the gradient), and the learning-rate schedule. */
#ifndef CUTOUT_TRAIN_OPTIM_H
#define CUTOUT_TRAIN_OPTIM_H

#include <stdint.h>

#include "nn/error.h"

typedef enum tr_optim_kind { TR_SGD, TR_RMSPROP, TR_ADAM, TR_ADADELTA } tr_optim_kind;
typedef enum tr_schedule { TR_LR_CONSTANT, TR_LR_STEP, TR_LR_COSINE } tr_schedule;

typedef struct tr_optim_cfg {
  tr_optim_kind kind;
  float lr;           /* base learning rate (Adadelta: a scale, 1 is the method's own) */
  float momentum;     /* SGD and RMSprop: heavy-ball momentum (0: none) */
  float alpha;        /* RMSprop: decay of the squared-gradient average (0.99) */
  float beta1, beta2; /* Adam (0.9, 0.999) */
  float rho;          /* Adadelta (0.9) */
  float eps;          /* RMSprop, Adam 1e-8; Adadelta 1e-6 */
  float weight_decay; /* L2: weight_decay * w added to each gradient */
  tr_schedule schedule;
  int64_t step_size;  /* TR_LR_STEP: lr *= gamma every step_size steps */
  float gamma;
  int64_t total_steps; /* TR_LR_COSINE: from lr down to 0 over this many steps */
} tr_optim_cfg;

/* The usual defaults for kind (the learning rate included). */
tr_optim_cfg tr_optim_defaults(tr_optim_kind kind);
/* "sgd", "rmsprop", "adam", "adadelta" -> kind; -1 when unknown. */
int tr_optim_from_name(const char *name);
const char *tr_optim_name(tr_optim_kind kind);

typedef struct tr_optim {
  tr_optim_cfg cfg;
  int n;             /* parameters */
  float **value;     /* each parameter's values (not owned) */
  int64_t *size;     /* their element counts */
  float **s1, **s2;  /* per-parameter state (momentum / first moment, second moment...) */
  int64_t step;      /* steps taken */
} tr_optim;

/* n parameters of size[i] values at value[i]; their state starts at zero. */
int tr_optim_init(tr_optim *o, const tr_optim_cfg *cfg, int n, float *const *value,
                  const int64_t *size, nn_err *err);
void tr_optim_free(tr_optim *o);
/* The learning rate of the next step, by the schedule. */
float tr_optim_lr(const tr_optim *o);
/* One update from the gradients grad[i] (size[i] values each; NULL: the parameter got no
 * gradient and stays). */
void tr_optim_step(tr_optim *o, float *const *grad);

#endif
