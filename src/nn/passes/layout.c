/* Chooses the layout of every value: convolutions write the active layout (channel-blocked
 * float32, or channels-last bfloat16 when convolutions run in bfloat16: nn/layout.h), ops
 * that can follow it (nn_op.blocked) keep it, and a Reorder node is put
 * wherever a value must cross to the other layout: before ops that need plain data, before
 * graph outputs, and before ops whose inputs disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layout.h"
#include "nn/op.h"
#include "nn/passes/passes.h"

extern const nn_op nn_op_Reorder;

typedef struct lay {
  nn_graph *g;
  nn_node *nodes; /* the new node list */
  int n, cap;
  int *conv[2]; /* per value: id of its copy in plain [0] / blocked [1] layout, or -1 */
} lay;

static int push(lay *L, const nn_node *n, nn_err *err) {
  if (L->n == L->cap) {
    int cap = L->cap ? 2 * L->cap : 64;
    nn_node *p = realloc(L->nodes, sizeof *p * (size_t)cap);
    if (!p) return nn_fail(err, NN_ENOMEM, "out of memory");
    L->nodes = p;
    L->cap = cap;
  }
  L->nodes[L->n++] = *n;
  return NN_OK;
}

/* The id of value v in layout `block`, emitting a Reorder node the first time. */
static int converted(lay *L, int v, int block, int *id, nn_err *err) {
  nn_graph *g = L->g;
  int k = block ? 1 : 0;
  if (g->values[v].t.block == block) {
    *id = v;
    return NN_OK;
  }
  if (L->conv[k][v] >= 0) {
    *id = L->conv[k][v];
    return NN_OK;
  }
  char name[600];
  snprintf(name, sizeof name, "%.500s/%s", g->values[v].name,
           block > 0 ? "blocked" : block < 0 ? "cl" : "plain");
  int before = g->n_values, nv = nn_graph_value(g, name);
  if (nv < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
  if (nv < before) return nn_fail(err, NN_EINVAL, "layout pass: value '%s' exists already", name);
  nn_value *src = &g->values[v], *dst = &g->values[nv];
  nn_set_shape(&dst->t, src->t.dtype, src->t.ndim, src->t.dims);
  dst->t.block = block;
  nn_node n = {0};
  n.name = strdup(name);
  n.op_type = strdup("Reorder");
  n.domain = strdup("cutout");
  n.in = malloc(sizeof(int));
  n.out = malloc(sizeof(int));
  n.attrs = calloc(1, sizeof(nn_attr));
  if (!n.name || !n.op_type || !n.domain || !n.in || !n.out || !n.attrs) {
    nn_node_clear(&n);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  n.n_in = n.n_out = 1;
  n.in[0] = v;
  n.out[0] = nv;
  n.n_attr = 1;
  n.attrs[0].name = strdup("block");
  n.attrs[0].type = NN_ATTR_INT;
  n.attrs[0].i = block;
  n.op = &nn_op_Reorder;
  if (!n.attrs[0].name || push(L, &n, err)) {
    nn_node_clear(&n);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  L->conv[k][v] = nv;
  *id = nv;
  return NN_OK;
}

static int known(const nn_tensor *t) {
  if (t->ndim < 0) return 0;
  for (int i = 0; i < t->ndim; i++)
    if (t->dims[i] < 0) return 0;
  return 1;
}

/* A data input: a computed float tensor of rank 4 (constants stay plain). */
static int is_data(const nn_graph *g, int v) {
  const nn_value *x = &g->values[v];
  return v >= 0 && !x->is_const && x->t.dtype == NN_F32 && x->t.ndim == 4 && known(&x->t);
}

/* Fewer channels than this stay plain after a convolution: a mask padded to a block, or
 * converted to bfloat16, would cost the ops after it more than it saves. */
static int few_channels(int B) { return B > 0 ? B / 2 : NN_CL_MIN_CHANNELS; }

/* The layout node n's data inputs should have (*in_block) and its output gets (the return
 * value), for the active layout B. */
static int choose(const nn_graph *g, const nn_node *n, int B, int *in_block) {
  nn_tensor *in[16] = {0}, view[16];
  int any_data = 0, any_blocked = 0, conv = strcmp(n->op_type, "Conv") == 0;
  *in_block = 0;
  for (int k = 0; k < n->n_in && k < 16; k++) {
    if (n->in[k] < 0) continue;
    view[k] = g->values[n->in[k]].t;
    view[k].block = is_data(g, n->in[k]) ? B : 0;
    in[k] = &view[k];
    if (is_data(g, n->in[k])) {
      if (!conv && g->values[n->in[k]].t.dims[1] < few_channels(B)) return 0;
      any_data = 1;
      any_blocked |= g->values[n->in[k]].t.block != 0;
    } else if (!conv && g->values[n->in[k]].t.ndim == 4 &&
               nn_dtype_is_float(g->values[n->in[k]].t.dtype)) {
      return 0; /* a constant or unknown image-like input: stay plain */
    }
  }
  if (!any_data || !n->op->blocked || !n->op->blocked(n, in, n->n_in, B)) return 0;
  *in_block = B;
  if (!conv) return any_blocked ? B : 0;
  /* Convolutions write the active layout; channels-last ones write a mask (few channels)
   * plain, in float32. */
  const nn_tensor *w = &g->values[n->in[1]].t;
  return B == NN_BLOCK_CL && w->ndim > 0 && w->dims[0] < few_channels(B) ? 0 : B;
}

int nn_pass_layout(nn_graph *g, nn_err *err) {
  int B = nn_layout_active();
  g->layout = B;
  if (!B) return NN_OK;
  lay L = {g, NULL, 0, 0, {NULL, NULL}};
  int cap = g->n_values * 3 + 16; /* values created here are fewer than nodes * 2 */
  L.conv[0] = malloc(sizeof(int) * (size_t)cap);
  L.conv[1] = malloc(sizeof(int) * (size_t)cap);
  int rc = (!L.conv[0] || !L.conv[1]) ? nn_fail(err, NN_ENOMEM, "out of memory") : NN_OK;
  for (int i = 0; i < cap && !rc; i++) L.conv[0][i] = L.conv[1][i] = -1;
  for (int v = 0; v < g->n_values; v++) g->values[v].t.block = 0;
  int n_old = g->n_nodes;
  for (int i = 0; i < n_old && !rc; i++) {
    nn_node n = g->nodes[i];
    if (g->n_values + 2 >= cap) {
      rc = nn_fail(err, NN_EINVAL, "layout pass: too many values");
      break;
    }
    int in_block, block = choose(g, &n, B, &in_block);
    int is_conv = strcmp(n.op_type, "Conv") == 0;
    for (int k = 0; k < n.n_in && !rc; k++) {
      int v = n.in[k];
      if (v < 0 || g->values[v].is_const) continue;
      int want = block && is_data(g, v) && !is_conv ? B : 0;
      /* A convolution reads blocked input, or plain input with few channels (an image):
       * oneDNN has no fast kernel for plain input with many channels and blocked output.
       * Channels-last, it reads that layout whatever it writes. */
      if (is_conv && k == 0 && block > 0)
        want = g->values[v].t.block || g->values[v].t.dims[1] >= NN_BLOCKED_MIN_IN_CHANNELS
                   ? B
                   : 0;
      if (is_conv && k == 0 && B == NN_BLOCK_CL) want = in_block;
      if (is_conv && k == 3) want = block; /* a fused addend: the output's layout */
      rc = converted(&L, v, want, &n.in[k], err);
    }
    for (int k = 0; k < n.n_out && !rc; k++)
      if (n.out[k] >= 0) g->values[n.out[k]].t.block = k == 0 ? block : 0;
    if (!rc) rc = push(&L, &n, err);
  }
  for (int k = 0; k < g->n_outputs && !rc; k++) {
    int v = g->outputs[k], plain;
    if (!g->values[v].t.block) continue;
    rc = converted(&L, v, 0, &plain, err);
    if (rc) break;
    char *tmp = g->values[v].name; /* the plain copy takes the output's name */
    g->values[v].name = g->values[plain].name;
    g->values[plain].name = tmp;
    g->outputs[k] = plain;
  }
  if (!rc) {
    free(g->nodes);
    g->nodes = L.nodes;
    g->n_nodes = g->cap_nodes = L.n;
    L.nodes = NULL;
    nn_graph_link(g);
  } else {
    for (int i = 0; i < L.n; i++)
      if (strcmp(L.nodes[i].domain, "cutout") == 0) nn_node_clear(&L.nodes[i]);
    free(L.nodes);
  }
  free(L.conv[0]);
  free(L.conv[1]);
  return rc;
}
