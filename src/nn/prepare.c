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

int nn_optimize(nn_graph *g, nn_err *err) {
  int rc = nn_pass_widen_fp16(g, err);
  if (!rc) rc = nn_pass_prune(g, err);
  if (!rc) rc = nn_pass_fuse(g, err);
  if (!rc) rc = nn_pass_layout(g, err);
  if (!rc) rc = nn_pass_plan(g, err);
  return rc;
}

int nn_load(const char *path, nn_graph **out, nn_err *err) {
  int rc = nn_onnx_load_file(path, out, err);
  if (rc) return rc;
  rc = nn_prepare(*out, err);
  if (!rc) rc = nn_optimize(*out, err);
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
