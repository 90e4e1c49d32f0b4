/* Runs a prepared graph node by node; each intermediate is freed after its last use. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn/mem.h"
#include "nn/nn.h"
#include "nn/op.h"
#include "nn/passes/passes.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int nn_bind_input(const nn_graph *g, int i, const nn_tensor *given, nn_tensor *rt,
                  nn_err *err) {
  const nn_value *v = &g->values[g->inputs[i]];
  const nn_tensor *want = &v->t;
  if (!given || !given->data)
    return nn_fail(err, NN_EINVAL, "input '%s' was not given", v->name);
  int float_ok = nn_dtype_is_float(want->dtype) && given->dtype == NN_F32 &&
                 want->dtype != NN_F64;
  if (want->dtype != NN_UNDEFINED && given->dtype != want->dtype && !float_ok)
    return nn_fail(err, NN_EINVAL, "input '%s' must be %s, got %s", v->name,
                   nn_dtype_name(want->dtype), nn_dtype_name(given->dtype));
  int shape_ok = want->ndim < 0 || want->ndim == given->ndim;
  for (int d = 0; shape_ok && want->ndim >= 0 && d < want->ndim; d++)
    if (want->dims[d] >= 0 && want->dims[d] != given->dims[d]) shape_ok = 0;
  if (!shape_ok) {
    char a[128], b[128];
    return nn_fail(err, NN_EINVAL, "input '%s' must have shape %s, got %s", v->name,
                   nn_shape_str(want, a, sizeof a), nn_shape_str(given, b, sizeof b));
  }
  *rt = *given;
  rt->owned = 0;
  if (want->dtype == NN_F16) rt->dtype = NN_F16; /* stored as float either way */
  return NN_OK;
}

int nn_exec_node(nn_graph *g, int i, nn_tensor *rt, nn_err *err) {
  nn_node *n = &g->nodes[i];
  nn_tensor *in[16] = {0}, *out[16] = {0};
  for (int k = 0; k < n->n_in; k++)
    if (n->in[k] >= 0) in[k] = &rt[n->in[k]];
  for (int k = 0; k < n->n_out; k++)
    if (n->out[k] >= 0) {
      out[k] = &rt[n->out[k]];
      memset(out[k], 0, sizeof *out[k]);
    }
  int rc = n->op->shape(n, in, n->n_in, out, n->n_out, err);
  if (rc == NN_EUNKNOWN)
    rc = nn_node_fail(n, err, NN_EINVAL, "output shape could not be computed");
  for (int k = 0; k < n->n_out && !rc; k++) {
    if (!out[k]) continue;
    const nn_tensor *planned = &g->values[n->out[k]].t;
    out[k]->block = planned->block; /* the layout chosen by nn_pass_layout */
    int64_t off = g->arena ? g->plan_offset[n->out[k]] : -1;
    if (off >= 0 && nn_same_shape(out[k], planned) && out[k]->dtype == planned->dtype)
      out[k]->data = (char *)g->arena + off; /* not owned: the arena holds it */
    else
      rc = nn_tensor_alloc(out[k], err);
  }
  if (!rc) {
    double t0 = g->prof_sec ? seconds() : 0;
    n->run_scratch = g->arena && g->scratch_offset && g->scratch_offset[i] >= 0
                         ? (char *)g->arena + g->scratch_offset[i]
                         : NULL;
    rc = n->op->run(n, in, n->n_in, out, n->n_out, err);
    n->run_scratch = NULL;
    if (g->prof_sec) g->prof_sec[i] += seconds() - t0;
  }
  nn_packed pk; /* weights mapped from a cache file: held while the node runs, not after */
  if (g->map && n->op->packed && n->op->packed(n, &pk))
    nn_graph_drop_pages(g, pk.data, pk.data_bytes);
  return rc;
}

int nn_run(nn_graph *g, nn_tensor *const *inputs, int n_inputs, nn_tensor **outputs,
           int n_outputs, nn_err *err) {
  if (n_inputs != g->n_inputs || n_outputs != g->n_outputs)
    return nn_fail(err, NN_EINVAL, "the model has %d inputs and %d outputs; %d and %d given",
                   g->n_inputs, g->n_outputs, n_inputs, n_outputs);
  for (int i = 0; i < n_outputs; i++) outputs[i] = NULL;
  nn_apply_threads(); /* OpenMP's thread count belongs to each thread */
  nn_tensor *rt = calloc((size_t)g->n_values + 1, sizeof *rt);
  int *uses = calloc((size_t)g->n_values + 1, sizeof *uses);
  if (!rt || !uses) {
    free(rt);
    free(uses);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  for (int v = 0; v < g->n_values; v++) {
    uses[v] = g->values[v].n_uses;
    if (g->values[v].is_const) {
      rt[v] = g->values[v].t;
      rt[v].owned = 0;
    }
  }
  int rc = NN_OK;
  if (g->plan_offset && (!g->arena || g->arena_size < g->plan_size)) {
    nn_mem_free(g->arena, g->arena_size); /* (a plan made again may need more) */
    size_t bytes = nn_plan_scratch(g);
    g->arena_size = bytes ? bytes : 64;
    g->arena = nn_mem_alloc(g->arena_size);
    if (!g->arena) {
      g->arena_size = 0;
      rc = nn_fail(err, NN_ENOMEM, "out of memory for a %zu-byte arena", bytes);
    }
  }
  for (int i = 0; i < n_inputs && !rc; i++)
    rc = nn_bind_input(g, i, inputs[i], &rt[g->inputs[i]], err);
  for (int i = 0; i < g->n_nodes && !rc; i++) {
    nn_node *n = &g->nodes[i];
    rc = nn_exec_node(g, i, rt, err);
    for (int k = 0; k < n->n_in; k++) {
      int v = n->in[k];
      if (v >= 0 && --uses[v] == 0) nn_tensor_release(&rt[v]);
    }
    for (int k = 0; k < n->n_out; k++) /* outputs nothing reads */
      if (n->out[k] >= 0 && uses[n->out[k]] == 0) nn_tensor_release(&rt[n->out[k]]);
  }
  if (!rc && g->prof_sec) g->prof_runs++;
  for (int i = 0; i < n_outputs && !rc; i++) {
    nn_tensor *t = &rt[g->outputs[i]];
    if (t->owned) { /* hand the storage over */
      outputs[i] = malloc(sizeof(nn_tensor));
      if (!outputs[i]) {
        rc = nn_fail(err, NN_ENOMEM, "out of memory");
        break;
      }
      *outputs[i] = *t;
      t->owned = 0;
      t->data = NULL;
    } else {
      outputs[i] = nn_tensor_clone(t, err);
      if (!outputs[i]) rc = err ? err->code : NN_ENOMEM;
    }
  }
  if (rc)
    for (int i = 0; i < n_outputs; i++) {
      nn_tensor_free(outputs[i]);
      outputs[i] = NULL;
    }
  for (int v = 0; v < g->n_values; v++) nn_tensor_release(&rt[v]);
  free(rt);
  free(uses);
  return rc;
}
