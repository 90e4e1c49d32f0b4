/* Training graphs built in code. */
#define _POSIX_C_SOURCE 200809L
#include "train/build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn.h"
#include "nn/op.h"

static int fail(tr_builder *b, nn_code code, const char *msg) {
  if (!b->failed) nn_fail(&b->err, code, "%s", msg);
  b->failed = 1;
  return -1;
}

int tr_build_begin(tr_builder *b) {
  memset(b, 0, sizeof *b);
  b->g = nn_graph_new();
  if (!b->g) return fail(b, NN_ENOMEM, "out of memory");
  b->g->opset = 17;
  return 0;
}

static int push_id(int **list, int *n, int v) {
  int *l = realloc(*list, sizeof(int) * (size_t)(*n + 1));
  if (!l) return -1;
  l[(*n)++] = v;
  *list = l;
  return 0;
}

static int new_value(tr_builder *b, const char *name) {
  if (b->failed) return -1;
  if (nn_graph_find(b->g, name) >= 0) return fail(b, NN_EINVAL, "a value name is used twice");
  int id = nn_graph_value(b->g, name);
  return id < 0 ? fail(b, NN_ENOMEM, "out of memory") : id;
}

int tr_input(tr_builder *b, const char *name, int ndim, const int64_t *dims) {
  int id = new_value(b, name);
  if (id < 0) return -1;
  nn_set_shape(&b->g->values[id].t, NN_F32, ndim, dims);
  if (push_id(&b->g->inputs, &b->g->n_inputs, id)) return fail(b, NN_ENOMEM, "out of memory");
  return id;
}

int tr_param(tr_builder *b, const char *name, int ndim, const int64_t *dims, const float *init) {
  int id = new_value(b, name);
  if (id < 0) return -1;
  nn_tensor *t = &b->g->values[id].t;
  nn_set_shape(t, NN_F32, ndim, dims);
  if (nn_tensor_alloc(t, &b->err)) return fail(b, NN_ENOMEM, "out of memory for a parameter");
  if (init) memcpy(t->data, init, nn_nbytes(t));
  else memset(t->data, 0, nn_nbytes(t));
  b->g->values[id].is_const = 1;
  return id;
}

static int set_attr(nn_attr *a, const tr_attr *s) {
  a->name = strdup(s->name);
  a->type = s->type;
  a->i = s->i;
  a->f = s->f;
  if (!a->name) return -1;
  if (s->type == NN_ATTR_STRING && !(a->s = strdup(s->s ? s->s : ""))) return -1;
  if (s->type == NN_ATTR_INTS) {
    a->n = s->n;
    a->ints = malloc(sizeof(int64_t) * (size_t)(s->n ? s->n : 1));
    if (!a->ints) return -1;
    memcpy(a->ints, s->ints, sizeof(int64_t) * (size_t)s->n);
  }
  return 0;
}

int tr_node(tr_builder *b, const char *op_type, const int *in, int n_in, const tr_attr *attrs,
            int n_attrs, int n_out, int *outs) {
  if (b->failed) return -1;
  const nn_op *op = nn_op_find("", op_type);
  if (!op) return fail(b, NN_EUNSUPPORTED, "an op the engine does not have");
  if (n_out < 1 || n_out > 8) return fail(b, NN_EINVAL, "a node needs 1 to 8 outputs");
  int ids[8];
  char name[96];
  int k = ++b->counter;
  for (int i = 0; i < n_out; i++) {
    snprintf(name, sizeof name, "%s_%d_out%d", op_type, k, i);
    if ((ids[i] = new_value(b, name)) < 0) return -1;
  }
  int idx = nn_graph_add_node(b->g);
  if (idx < 0) return fail(b, NN_ENOMEM, "out of memory");
  nn_node *n = &b->g->nodes[idx];
  snprintf(name, sizeof name, "%s_%d", op_type, k);
  n->name = strdup(name);
  n->op_type = strdup(op_type);
  n->domain = strdup("");
  n->in = malloc(sizeof(int) * (size_t)(n_in + 1));
  n->out = malloc(sizeof(int) * (size_t)n_out);
  n->attrs = calloc((size_t)n_attrs + 1, sizeof *n->attrs);
  if (!n->name || !n->op_type || !n->domain || !n->in || !n->out || !n->attrs)
    return fail(b, NN_ENOMEM, "out of memory");
  n->n_in = n_in;
  n->n_out = n_out;
  memcpy(n->in, in, sizeof(int) * (size_t)n_in);
  memcpy(n->out, ids, sizeof(int) * (size_t)n_out);
  for (int i = 0; i < n_attrs; i++) {
    n->n_attr = i + 1;
    if (set_attr(&n->attrs[i], &attrs[i])) return fail(b, NN_ENOMEM, "out of memory");
  }
  if (op->prepare && op->prepare(n, &b->err)) {
    b->failed = 1;
    return -1;
  }
  n->op = op;
  if (outs)
    for (int i = 0; i < n_out; i++) outs[i] = ids[i];
  return ids[0];
}

int tr_op(tr_builder *b, const char *op, const int *in, int n_in, const tr_attr *attrs,
          int n_attrs) {
  return tr_node(b, op, in, n_in, attrs, n_attrs, 1, NULL);
}

int tr_output(tr_builder *b, int v) {
  if (b->failed) return -1;
  if (v < 0 || v >= b->g->n_values) return fail(b, NN_EINVAL, "no such value");
  if (push_id(&b->g->outputs, &b->g->n_outputs, v)) return fail(b, NN_ENOMEM, "out of memory");
  return v;
}

nn_graph *tr_build_end(tr_builder *b, nn_err *err) {
  if (!b->failed) {
    nn_graph_link(b->g);
    if (nn_prepare(b->g, &b->err)) b->failed = 1;
  }
  if (b->failed) {
    if (err) *err = b->err;
    nn_graph_free(b->g);
    b->g = NULL;
    return NULL;
  }
  nn_graph *g = b->g;
  b->g = NULL;
  return g;
}
