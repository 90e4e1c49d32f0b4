/* Loading and preparing a model; the thread count. */
#include <omp.h>

#include "nn/nn.h"
#include "nn/passes/passes.h"

int nn_prepare(nn_graph *g, nn_err *err) {
  int rc = nn_pass_toposort(g, err);
  if (!rc) rc = nn_pass_fold(g, err);
  if (!rc) rc = nn_pass_prune(g, err);
  return rc;
}

/* The optimising passes; outputs > 0 keeps only the first outputs (before any work on the
 * rest); drop: see nn_pass_pack. */
static int optimize(nn_graph *g, int outputs, int drop, nn_err *err) {
  int rc = nn_pass_widen_fp16(g, err);
  if (!rc) rc = outputs ? nn_keep_outputs(g, outputs, err) : nn_pass_prune(g, err);
  if (!rc) rc = nn_pass_fuse(g, err);
  if (!rc) rc = nn_pass_layout(g, err);
  if (!rc) rc = nn_pass_plan(g, err);
  if (!rc) rc = nn_pass_pack(g, NULL, drop, err);
  return rc;
}

int nn_optimize(nn_graph *g, nn_err *err) { return optimize(g, 0, 0, err); }

/* A front-end's result (rc, *out) prepared and optimised; the graph freed on failure. */
static int prepare_loaded(int rc, nn_graph **out, nn_err *err) {
  if (rc) return rc;
  rc = nn_prepare(*out, err);
  if (!rc) rc = nn_optimize(*out, err);
  if (rc) {
    nn_graph_free(*out);
    *out = NULL;
  }
  return rc;
}

int nn_load(const char *path, nn_graph **out, nn_err *err) {
  return prepare_loaded(nn_onnx_load_file(path, out, err), out, err);
}

int nn_load_tfjs(const char *json_path, const char *const *outputs, int n_outputs,
                 nn_graph **out, nn_err *err) {
  return prepare_loaded(nn_tfjs_load_file(json_path, outputs, n_outputs, out, err), out, err);
}

int nn_load_buffer(const void *buf, size_t len, int outputs, nn_graph **out, nn_err *err) {
  int rc = nn_onnx_load_buffer(buf, len, out, err);
  if (rc) return rc;
  if (outputs > (*out)->n_outputs)
    rc = nn_fail(err, NN_EINVAL, "the model has %d outputs, not %d", (*out)->n_outputs, outputs);
  if (!rc) rc = nn_prepare(*out, err);
  if (!rc) rc = optimize(*out, outputs, 1, err);
  if (rc) {
    nn_graph_free(*out);
    *out = NULL;
  }
  return rc;
}

static _Atomic int threads_wanted; /* 0: not set */

void nn_set_threads(int n) {
  if (n <= 0) n = omp_get_num_procs();
  threads_wanted = n;
  omp_set_num_threads(n);
}

void nn_apply_threads(void) {
  int n = threads_wanted;
  if (n > 0 && omp_get_max_threads() != n) omp_set_num_threads(n);
}

int nn_get_threads(void) {
  int n = threads_wanted;
  return n > 0 ? n : omp_get_max_threads();
}
