/* Fuses a Relu into the Conv before it (a oneDNN post-op), when the Relu is the
 * convolution's only reader. */
#include <string.h>

#include "nn/ops/conv_common.h"
#include "nn/passes/passes.h"

int nn_pass_fuse(nn_graph *g, nn_err *err) {
  (void)err;
  nn_graph_link(g);
  for (int i = 0; i < g->n_nodes;) {
    nn_node *r = &g->nodes[i];
    int v = r->n_in == 1 ? r->in[0] : -1;
    int p = v >= 0 ? g->values[v].producer : -1;
    if (strcmp(r->op_type, "Relu") || p < 0 || g->values[v].n_uses != 1 ||
        strcmp(g->nodes[p].op_type, "Conv") || nn_conv_fused_relu(&g->nodes[p])) {
      i++;
      continue;
    }
    for (int k = 0; k < g->n_outputs; k++)
      if (g->outputs[k] == v) v = -1;
    if (v < 0) {
      i++;
      continue;
    }
    nn_conv_fuse_relu(&g->nodes[p]);
    g->nodes[p].out[0] = r->out[0];
    nn_graph_remove_node(g, i);
    nn_graph_link(g);
  }
  return NN_OK;
}
