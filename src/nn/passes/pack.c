/* Packing: each node whose op prepares work at load (nn_op.pack: oneDNN primitives, weights
 * in their kernels' layouts) does it now, once, from the planned shapes, so that the first
 * run does no more than the others. With drop, constants that only packed nodes read, and
 * that they no longer need (nn_packed.replaces), lose their data: the packed copy is what
 * runs read (a graph to run at another precision must then be loaded again). */
#include <stdlib.h>

#include "nn/mem.h"
#include "nn/nn.h"
#include "nn/op.h"
#include "nn/precision.h"
#include "nn/passes/passes.h"

static int shape_known(const nn_tensor *t) {
  if (t->ndim < 0) return 0;
  for (int d = 0; d < t->ndim; d++)
    if (t->dims[d] < 0) return 0;
  return 1;
}

/* 1 when every reader of constant v is a packed node that no longer needs its data. */
static int replaced(const nn_graph *g, int v) {
  for (int k = 0; k < g->n_outputs; k++)
    if (g->outputs[k] == v) return 0;
  int readers = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    const nn_node *n = &g->nodes[i];
    nn_packed p = {0};
    int packed = -1; /* not asked yet */
    for (int k = 0; k < n->n_in; k++) {
      if (n->in[k] != v) continue;
      readers++;
      if (packed < 0) packed = n->op->packed && n->op->packed(n, &p);
      if (!packed || k >= 32 || !(p.replaces & (1u << k))) return 0;
    }
  }
  return readers > 0;
}

/* Packs node i; NN_OK when its shapes are not all known (its first run does the work). */
static int pack_node(nn_graph *g, int i, const nn_packed *prev, nn_err *err) {
  nn_node *n = &g->nodes[i];
  nn_tensor *in[16] = {0}, *out[16] = {0};
  if (!n->op->pack || n->n_in > 16 || n->n_out > 16) return NN_OK;
  for (int k = 0; k < n->n_in; k++)
    if (n->in[k] >= 0 && !shape_known(in[k] = &g->values[n->in[k]].t)) return NN_OK;
  for (int k = 0; k < n->n_out; k++)
    if (n->out[k] >= 0 && !shape_known(out[k] = &g->values[n->out[k]].t)) return NN_OK;
  return n->op->pack(n, in, n->n_in, out, n->n_out, prev && prev[i].data ? &prev[i] : NULL,
                     err);
}

int nn_pass_pack(nn_graph *g, const nn_packed *prev, int drop, nn_err *err) {
  int rc = NN_OK;
  if (prev) {
    /* From the cache, packing makes kernels (oneDNN's JIT compiler) and runs nothing: the
     * nodes are packed in parallel. */
    nn_apply_threads();
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < g->n_nodes; i++) {
      nn_err e;
      int r = rc ? NN_OK : pack_node(g, i, prev, &e);
      if (r) {
#pragma omp critical
        if (!rc) {
          rc = r;
          if (err) *err = e;
        }
      }
    }
  } else {
    /* (packing may run weight reorders, which share one oneDNN stream: in turn) */
    for (int i = 0; i < g->n_nodes && !rc; i++) rc = pack_node(g, i, prev, err);
  }
  if (rc) return rc;
  /* the nodes' scratch may have changed: the arena and its placement are made again */
  free(g->scratch_offset);
  g->scratch_offset = NULL;
  nn_mem_free(g->arena, g->arena_size);
  g->arena = NULL;
  g->arena_size = 0;
  for (int v = 0; drop && v < g->n_values; v++) {
    nn_value *val = &g->values[v];
    if (val->is_const && val->t.data && replaced(g, v)) nn_tensor_release(&val->t);
  }
  return NN_OK;
}
