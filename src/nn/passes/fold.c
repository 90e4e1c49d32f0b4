/* Shape inference and constant folding in one sweep over the sorted nodes. */
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"
#include "nn/passes/passes.h"

static int dims_known(const nn_tensor *t) {
  if (t->ndim < 0) return 0;
  for (int i = 0; i < t->ndim; i++)
    if (t->dims[i] < 0) return 0;
  return 1;
}

int nn_pass_fold(nn_graph *g, nn_err *err) {
  for (int i = 0; i < g->n_nodes;) {
    nn_node *n = &g->nodes[i];
    nn_tensor *in[16] = {0}, out_buf[16], *out[16] = {0};
    if (n->n_in > 16 || n->n_out > 16)
      return nn_node_fail(n, err, NN_EUNSUPPORTED, "more than 16 inputs or outputs");
    int known = 1, all_const = 1;
    for (int k = 0; k < n->n_in; k++) {
      if (n->in[k] < 0) continue;
      nn_value *v = &g->values[n->in[k]];
      in[k] = &v->t;
      if (!dims_known(&v->t)) known = 0;
      if (!v->is_const) all_const = 0;
    }
    memset(out_buf, 0, sizeof out_buf);
    for (int k = 0; k < n->n_out; k++)
      if (n->out[k] >= 0) out[k] = &out_buf[k];
    if (!known) { /* rank or dims unknown: nothing to infer here */
      i++;
      continue;
    }
    int fold = all_const || strcmp(n->op_type, "Shape") == 0;
    int rc = n->op->shape(n, in, n->n_in, out, n->n_out, err);
    if (rc == NN_EUNKNOWN) {
      i++;
      continue;
    }
    if (rc) return rc;
    if (fold) {
      for (int k = 0; k < n->n_out && rc == NN_OK; k++)
        if (out[k]) rc = nn_tensor_alloc(out[k], err);
      if (rc == NN_OK) rc = n->op->run(n, in, n->n_in, out, n->n_out, err);
      if (rc) {
        for (int k = 0; k < n->n_out; k++)
          if (out[k]) nn_tensor_release(out[k]);
        return rc;
      }
    }
    for (int k = 0; k < n->n_out; k++) {
      if (!out[k]) continue;
      nn_value *v = &g->values[n->out[k]];
      nn_tensor_release(&v->t);
      v->t = *out[k];
      v->is_const = fold;
    }
    if (fold)
      nn_graph_remove_node(g, i);
    else
      i++;
  }
  nn_graph_link(g);
  return NN_OK;
}
