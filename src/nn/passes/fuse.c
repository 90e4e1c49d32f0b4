/* Fuses into the Conv before them, as oneDNN post-ops:
 *   Relu(conv)        when the Relu is the convolution's only reader;
 *   Add(conv, s)      likewise, when the Add is the last reader of s: the convolution then
 *                     adds its result onto s, in s's buffer (nn_pass_plan). */
#include <string.h>

#include "nn/layout.h"
#include "nn/ops/conv_common.h"
#include "nn/passes/passes.h"

static int is_output(const nn_graph *g, int v) {
  for (int k = 0; k < g->n_outputs; k++)
    if (g->outputs[k] == v) return 1;
  for (int k = 0; k < g->n_inputs; k++)
    if (g->inputs[k] == v) return 1;
  return 0;
}

/* Add node i = conv + s: fuses when conv's output is read by this Add alone and the Add is
 * the last reader of s (an activation of the same shape). Returns 1 when fused. */
static int fuse_add(nn_graph *g, int i, nn_err *err, int *rc) {
  nn_node *a = &g->nodes[i];
  if (strcmp(a->op_type, "Add") || a->n_in != 2) return 0;
  for (int side = 0; side < 2; side++) {
    int v = a->in[side], s = a->in[1 - side];
    if (v < 0 || s < 0 || v == s) continue;
    int p = g->values[v].producer;
    if (p < 0 || strcmp(g->nodes[p].op_type, "Conv") || g->values[v].n_uses != 1 ||
        is_output(g, v) || nn_conv_fused_sum(&g->nodes[p]) || g->values[s].is_const ||
        is_output(g, s) || g->values[s].t.dtype != NN_F32 ||
        !nn_same_shape(&g->values[s].t, &g->values[v].t))
      continue;
    int later_reader = 0; /* s must not be read after the Add */
    for (int j = i + 1; j < g->n_nodes && !later_reader; j++)
      for (int k = 0; k < g->nodes[j].n_in; k++)
        if (g->nodes[j].in[k] == s) later_reader = 1;
    if (later_reader || g->values[s].producer > p) continue; /* s must exist before the conv */
    /* Only where oneDNN has a fast blocked kernel for conv (+ relu) + sum: version 2.6
     * lacks some, and its reference kernel is a hundred times slower than an Add. */
    nn_conv_params *cp = g->nodes[p].params;
    int B = nn_layout_block();
    cp->sum = 1;
    int fast = B && nn_conv_blocked_ok(&g->nodes[p], &g->values[g->nodes[p].in[0]].t,
                                       &g->values[g->nodes[p].in[1]].t, B);
    cp->sum = 0;
    if (!fast) continue;
    if ((*rc = nn_conv_fuse_sum(&g->nodes[p], s, err))) return 0;
    g->nodes[p].out[0] = a->out[0];
    nn_graph_remove_node(g, i);
    nn_graph_link(g);
    return 1;
  }
  return 0;
}

/* Relu node i reading a Conv's output alone: fused. Returns 1 when fused. */
static int fuse_relu(nn_graph *g, int i, nn_err *err, int *rc) {
  nn_node *r = &g->nodes[i];
  int v = r->n_in == 1 ? r->in[0] : -1;
  int p = v >= 0 ? g->values[v].producer : -1;
  if (strcmp(r->op_type, "Relu") || p < 0 || g->values[v].n_uses != 1 || is_output(g, v) ||
      strcmp(g->nodes[p].op_type, "Conv") || nn_conv_fused_relu(&g->nodes[p]) ||
      nn_conv_fused_sum(&g->nodes[p]))
    return 0;
  if ((*rc = nn_conv_fuse_relu(&g->nodes[p], err))) return 0;
  g->nodes[p].out[0] = r->out[0];
  nn_graph_remove_node(g, i);
  nn_graph_link(g);
  return 1;
}

int nn_pass_fuse(nn_graph *g, nn_err *err) {
  nn_graph_link(g);
  for (int i = 0; i < g->n_nodes;) { /* Relu first: an Add may then follow conv + relu */
    int rc = NN_OK;
    if (fuse_relu(g, i, err, &rc)) continue;
    if (rc) return rc;
    i++;
  }
  for (int i = 0; i < g->n_nodes;) {
    int rc = NN_OK;
    if (fuse_add(g, i, err, &rc)) continue;
    if (rc) return rc;
    i++;
  }
  return NN_OK;
}
