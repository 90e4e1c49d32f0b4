/* Reverse-mode differentiation over the engine's graphs. A training model is an nn_graph
 * (plain layout, not optimised) whose trainable parameters are float32 initialisers. The
 * tape runs it forward keeping every value, then walks the nodes backwards, each op's
 * backward() (nn/op.h) turning its outputs' gradients into its inputs' gradients. */
#ifndef CUTOUT_TRAIN_TAPE_H
#define CUTOUT_TRAIN_TAPE_H

#include <stdint.h>

#include "nn/graph.h"
#include "nn/tensor.h"

typedef struct tr_tape {
  nn_graph *g;
  nn_tensor *val;  /* per value: its tensor in the last forward pass */
  nn_tensor *grad; /* per value: d loss / d value after tr_backward (data NULL when none) */
  uint8_t *wants;  /* per value: a gradient is kept for it (tr_tape_init's list) */
  uint8_t *needs;  /* per value: its gradient is computed (it leads to a wanted one) */
} tr_tape;

/* A tape over g (prepared with nn_prepare, not nn_optimize) keeping the gradients of the n
 * values listed in ids (parameters, and inputs whose gradient the caller needs). */
int tr_tape_init(tr_tape *t, nn_graph *g, const int *ids, int n, nn_err *err);
void tr_tape_free(tr_tape *t);

/* Runs the graph on inputs (one per graph input), keeping every value: the outputs are
 * t->val[g->outputs[i]]. */
int tr_forward(tr_tape *t, nn_tensor *const *inputs, nn_err *err);

/* Back-propagates dout[i] (the loss's gradient with respect to graph output i, NULL for an
 * output the loss does not use) through the last forward pass. The wanted gradients are
 * then in t->grad[id], zeroed first: each call gives the gradient of this loss alone. */
int tr_backward(tr_tape *t, nn_tensor *const *dout, nn_err *err);

#endif
