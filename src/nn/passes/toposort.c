/* Orders nodes so that every value is produced before it is used. */
#include <stdlib.h>
#include <string.h>

#include "nn/passes/passes.h"

int nn_pass_toposort(nn_graph *g, nn_err *err) {
  int n = g->n_nodes;
  int *ready = calloc((size_t)g->n_values + 1, sizeof(int)); /* value known? */
  int *done = calloc((size_t)n + 1, sizeof(int));
  nn_node *sorted = malloc(sizeof(nn_node) * ((size_t)n + 1));
  if (!ready || !done || !sorted) {
    free(ready);
    free(done);
    free(sorted);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  for (int v = 0; v < g->n_values; v++) ready[v] = g->values[v].is_const;
  for (int i = 0; i < g->n_inputs; i++) ready[g->inputs[i]] = 1;
  int count = 0, progress = 1;
  while (count < n && progress) {
    progress = 0;
    for (int i = 0; i < n; i++) {
      if (done[i]) continue;
      nn_node *nd = &g->nodes[i];
      int ok = 1;
      for (int k = 0; k < nd->n_in && ok; k++)
        if (nd->in[k] >= 0 && !ready[nd->in[k]]) ok = 0;
      if (!ok) continue;
      for (int k = 0; k < nd->n_out; k++)
        if (nd->out[k] >= 0) ready[nd->out[k]] = 1;
      sorted[count++] = *nd;
      done[i] = 1;
      progress = 1;
    }
  }
  int rc = NN_OK;
  if (count < n) {
    for (int i = 0; i < n; i++) {
      if (done[i]) continue;
      const nn_node *nd = &g->nodes[i];
      const char *missing = "?";
      for (int k = 0; k < nd->n_in; k++)
        if (nd->in[k] >= 0 && !ready[nd->in[k]]) missing = g->values[nd->in[k]].name;
      rc = nn_fail(err, NN_EINVAL, "%s node '%s': input '%s' is never produced (or the graph "
                   "has a cycle)", nd->op_type, nd->name, missing);
      break;
    }
  } else {
    if (n) memcpy(g->nodes, sorted, sizeof(nn_node) * (size_t)n); /* no nodes: nodes is NULL */
    nn_graph_link(g);
  }
  free(ready);
  free(done);
  free(sorted);
  return rc;
}
