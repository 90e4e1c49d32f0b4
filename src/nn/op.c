/* Helpers shared by op files. */
#include "nn/op.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nn_node_fail(const nn_node *node, nn_err *err, nn_code code, const char *fmt, ...) {
  if (!err) return code;
  char detail[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return nn_fail(err, code, "%s node '%s': %s", node->op_type ? node->op_type : "?",
                 node->name && node->name[0] ? node->name : "(unnamed)", detail);
}

int nn_shape_as_input(const nn_tensor *x, nn_tensor *out) {
  out->dtype = x->dtype;
  if (x->ndim < 0) {
    out->ndim = -1;
    return NN_EUNKNOWN;
  }
  nn_set_shape(out, x->dtype, x->ndim, x->dims);
  return NN_OK;
}

int nn_run_copy(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                nn_err *err) {
  (void)node;
  (void)n_in;
  (void)n_out;
  (void)err;
  size_t bytes = nn_nbytes(out[0]);
  if (bytes && out[0]->data != in[0]->data) memcpy(out[0]->data, in[0]->data, bytes);
  return NN_OK;
}

int nn_shape_float(const nn_node *node, nn_tensor *const *in, nn_tensor *out, nn_err *err) {
  if (!nn_dtype_is_float(in[0]->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(in[0]->dtype));
  return nn_shape_as_input(in[0], out);
}

int nn_backward_check(const nn_node *node, nn_tensor *const *in, int n_in,
                      nn_tensor *const *out, int n_out, nn_tensor *const *dout,
                      nn_tensor **din, nn_err *err) {
  for (int k = 0; k < n_out; k++) {
    const nn_tensor *d = dout[k];
    if (!d) continue;
    if (d->dtype != NN_F32 || d->block || !out[k] || !nn_same_shape(d, out[k]))
      return nn_node_fail(node, err, NN_EINVAL,
                          "the gradient of output %d must be plain float32 of its shape", k);
  }
  for (int k = 0; k < n_in; k++) {
    const nn_tensor *d = din[k];
    if (!d) continue;
    if (d->dtype != NN_F32 || d->block || !in[k] || in[k]->block || !nn_same_shape(d, in[k]))
      return nn_node_fail(node, err, NN_EINVAL,
                          "the gradient of input %d must be plain float32 of its shape", k);
  }
  return NN_OK;
}

int nn_backward_copy(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                     int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  (void)in, (void)out, (void)n_in, (void)n_out;
  if (!dout[0] || !din[0]) return NN_OK;
  if (dout[0]->dtype != NN_F32 || din[0]->dtype != NN_F32 ||
      nn_numel(dout[0]) != nn_numel(din[0]))
    return nn_node_fail(node, err, NN_EINVAL, "gradients must be float32 of the same size");
  const float *g = dout[0]->data;
  float *d = din[0]->data;
  int64_t n = nn_numel(din[0]);
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) d[i] += g[i];
  return NN_OK;
}

int nn_axis(int64_t axis, int rank) {
  if (axis < 0) axis += rank;
  return (axis < 0 || axis >= rank) ? -1 : (int)axis;
}

int nn_broadcast_shape(const nn_node *node, const nn_tensor *a, const nn_tensor *b,
                       nn_tensor *out, nn_err *err) {
  int r = a->ndim > b->ndim ? a->ndim : b->ndim;
  int64_t dims[NN_MAX_DIMS];
  for (int i = 0; i < r; i++) {
    int ia = i - (r - a->ndim), ib = i - (r - b->ndim);
    int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
    if (da != db && da != 1 && db != 1) {
      char sa[128], sb[128];
      return nn_node_fail(node, err, NN_EINVAL, "shapes %s and %s do not broadcast",
                          nn_shape_str(a, sa, sizeof sa), nn_shape_str(b, sb, sizeof sb));
    }
    dims[i] = da == 1 ? db : da;
  }
  out->ndim = r;
  for (int i = 0; i < r; i++) out->dims[i] = dims[i];
  return NN_OK;
}
