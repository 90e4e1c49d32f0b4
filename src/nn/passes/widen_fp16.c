/* Computes an fp16 graph in fp32: every float16 value becomes float32, and Casts between
 * the two float types (now no-ops) are bypassed. fp16 models (e.g. ISNet "medium") cast
 * their input to fp16, compute, and cast back; onnxruntime's CPU provider runs them in fp32
 * between those casts too, and fp32 all through stays closest to its output while doing
 * less work. Initialisers were widened at load. */
#include <string.h>

#include "nn/passes/passes.h"

static int is_float_cast(const nn_graph *g, const nn_node *n) {
  if (strcmp(n->op_type, "Cast") || n->n_in != 1 || n->in[0] < 0) return 0;
  int64_t to = nn_attr_int(n, "to", 0);
  nn_dtype from = g->values[n->in[0]].t.dtype;
  return (to == NN_F16 || to == NN_F32) && (from == NN_F16 || from == NN_F32);
}

int nn_pass_widen_fp16(nn_graph *g, nn_err *err) {
  (void)err;
  /* Bypass float<->float16 casts: consumers read the cast's input instead. */
  for (int i = 0; i < g->n_nodes;) {
    nn_node *n = &g->nodes[i];
    if (!is_float_cast(g, n)) {
      i++;
      continue;
    }
    int from = n->in[0], to = n->out[0];
    for (int j = 0; j < g->n_nodes; j++)
      for (int k = 0; k < g->nodes[j].n_in; k++)
        if (g->nodes[j].in[k] == to) g->nodes[j].in[k] = from;
    int is_output = 0;
    for (int k = 0; k < g->n_outputs; k++) is_output |= g->outputs[k] == to;
    int is_input = 0;
    for (int k = 0; k < g->n_inputs; k++) is_input |= g->inputs[k] == from;
    if (is_output && (is_input || g->values[from].is_const)) { /* keep a copy node */
      i++;
      continue;
    }
    for (int k = 0; k < g->n_outputs; k++)
      if (g->outputs[k] == to) g->outputs[k] = from;
    nn_graph_remove_node(g, i);
  }
  for (int v = 0; v < g->n_values; v++)
    if (g->values[v].t.dtype == NN_F16) g->values[v].t.dtype = NN_F32;
  nn_graph_link(g);
  return NN_OK;
}

int nn_keep_outputs(nn_graph *g, int n, nn_err *err) {
  if (n < 1 || n > g->n_outputs)
    return nn_fail(err, NN_EINVAL, "cannot keep %d of %d outputs", n, g->n_outputs);
  g->n_outputs = n;
  int rc = nn_pass_prune(g, err);
  return rc || !g->plan_offset ? rc : nn_pass_plan(g, err);
}
