/* The forward pass that keeps every value, and the backward walk. */
#include "train/tape.h"

#include <stdlib.h>
#include <string.h>

#include "nn/nn.h"
#include "nn/op.h"

void tr_tape_free(tr_tape *t) {
  if (!t || !t->g) return;
  for (int v = 0; v < t->g->n_values; v++) {
    nn_tensor_release(&t->val[v]);
    nn_tensor_release(&t->grad[v]);
  }
  free(t->val);
  free(t->grad);
  free(t->wants);
  free(t->needs);
  memset(t, 0, sizeof *t);
}

int tr_tape_init(tr_tape *t, nn_graph *g, const int *ids, int n, nn_err *err) {
  memset(t, 0, sizeof *t);
  size_t nv = (size_t)g->n_values + 1;
  t->g = g;
  t->val = calloc(nv, sizeof *t->val);
  t->grad = calloc(nv, sizeof *t->grad);
  t->wants = calloc(nv, 1);
  t->needs = calloc(nv, 1);
  if (!t->val || !t->grad || !t->wants || !t->needs) {
    tr_tape_free(t);
    return nn_fail(err, NN_ENOMEM, "out of memory for the tape");
  }
  for (int i = 0; i < n; i++) {
    if (ids[i] < 0 || ids[i] >= g->n_values) {
      tr_tape_free(t);
      return nn_fail(err, NN_EINVAL, "no value %d in the graph", ids[i]);
    }
    t->wants[ids[i]] = t->needs[ids[i]] = 1;
  }
  /* a node's outputs need gradients when one of its inputs does (nodes are in order) */
  for (int i = 0; i < g->n_nodes; i++) {
    const nn_node *nd = &g->nodes[i];
    int any = 0;
    for (int k = 0; k < nd->n_in; k++) any |= nd->in[k] >= 0 && t->needs[nd->in[k]];
    for (int k = 0; any && k < nd->n_out; k++)
      if (nd->out[k] >= 0) t->needs[nd->out[k]] = 1;
    if (any && !nd->op->backward) {
      nn_err e;
      nn_node_fail(nd, &e, NN_EUNSUPPORTED, "has no gradient");
      tr_tape_free(t);
      return nn_fail(err, NN_EUNSUPPORTED, "%s", e.msg);
    }
  }
  return NN_OK;
}

int tr_forward(tr_tape *t, nn_tensor *const *inputs, nn_err *err) {
  nn_graph *g = t->g;
  for (int v = 0; v < g->n_values; v++) {
    nn_tensor_release(&t->val[v]);
    if (g->values[v].is_const) {
      t->val[v] = g->values[v].t;
      t->val[v].owned = 0;
    }
  }
  int rc = NN_OK;
  for (int i = 0; i < g->n_inputs && !rc; i++)
    rc = nn_bind_input(g, i, inputs[i], &t->val[g->inputs[i]], err);
  for (int i = 0; i < g->n_nodes && !rc; i++) rc = nn_exec_node(g, i, t->val, err);
  return rc;
}

/* a zeroed float32 tensor shaped as like */
static int zeros_like(nn_tensor *dst, const nn_tensor *like, nn_err *err) {
  nn_tensor_release(dst);
  nn_set_shape(dst, NN_F32, like->ndim, like->dims);
  int rc = nn_tensor_alloc(dst, err);
  if (!rc) memset(dst->data, 0, nn_nbytes(dst));
  return rc;
}

int tr_backward(tr_tape *t, nn_tensor *const *dout, nn_err *err) {
  nn_graph *g = t->g;
  int rc = NN_OK;
  for (int v = 0; v < g->n_values && !rc; v++) {
    nn_tensor_release(&t->grad[v]);
    if (t->needs[v] && t->val[v].data) rc = zeros_like(&t->grad[v], &t->val[v], err);
  }
  for (int i = 0; i < g->n_outputs && !rc; i++) {
    int v = g->outputs[i];
    if (!dout[i] || !t->grad[v].data) continue;
    if (!nn_same_shape(dout[i], &t->val[v]) || dout[i]->dtype != NN_F32)
      return nn_fail(err, NN_EINVAL, "the gradient of output '%s' must be float32 of its shape",
                     g->values[v].name);
    float *d = t->grad[v].data;
    const float *s = dout[i]->data;
    for (int64_t k = 0, n = nn_numel(dout[i]); k < n; k++) d[k] += s[k];
  }
  for (int i = g->n_nodes - 1; i >= 0 && !rc; i--) {
    nn_node *nd = &g->nodes[i];
    nn_tensor *in[16] = {0}, *out[16] = {0}, *dy[16] = {0}, *dx[16] = {0};
    int any = 0;
    for (int k = 0; k < nd->n_in; k++)
      if (nd->in[k] >= 0) {
        in[k] = &t->val[nd->in[k]];
        if (t->grad[nd->in[k]].data) dx[k] = &t->grad[nd->in[k]], any = 1;
      }
    if (!any) continue;
    for (int k = 0; k < nd->n_out; k++)
      if (nd->out[k] >= 0) {
        out[k] = &t->val[nd->out[k]];
        if (t->grad[nd->out[k]].data) dy[k] = &t->grad[nd->out[k]];
      }
    rc = nd->op->backward(nd, in, nd->n_in, out, nd->n_out, dy, dx, err);
  }
  /* only the wanted gradients are kept */
  for (int v = 0; v < g->n_values; v++)
    if (!t->wants[v]) nn_tensor_release(&t->grad[v]);
  return rc;
}
