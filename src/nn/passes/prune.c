/* Removes nodes nothing needs and the data of constants nothing reads. */
#include <stdlib.h>
#include <string.h>

#include "nn/passes/passes.h"

int nn_pass_prune(nn_graph *g, nn_err *err) {
  (void)err;
  nn_graph_link(g);
  /* Walk backwards: a node whose outputs are all unused goes, which may free its inputs. */
  for (int i = g->n_nodes - 1; i >= 0; i--) {
    nn_node *n = &g->nodes[i];
    int used = 0;
    for (int k = 0; k < n->n_out; k++)
      if (n->out[k] >= 0 && g->values[n->out[k]].n_uses > 0) used = 1;
    if (used) continue;
    for (int k = 0; k < n->n_in; k++)
      if (n->in[k] >= 0) g->values[n->in[k]].n_uses--;
    nn_node_clear(n); /* op == NULL marks it dead; compacted below */
  }
  int w = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    nn_node *n = &g->nodes[i];
    if (!n->op) continue;
    g->nodes[w++] = *n;
  }
  g->n_nodes = w;
  nn_graph_link(g);
  for (int v = 0; v < g->n_values; v++)
    if (g->values[v].is_const && g->values[v].n_uses == 0) nn_tensor_release(&g->values[v].t);
  return NN_OK;
}
