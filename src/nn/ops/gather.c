/* Gather: picks slices of data along axis by int32/int64 indices (negative ones count from
 * the end). Output dims: data.dims[:axis] + indices.dims + data.dims[axis+1:]. */
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

static int gather_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                        int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  const nn_tensor *x = in[0], *idx = in[1];
  if (idx->dtype != NN_I32 && idx->dtype != NN_I64)
    return nn_node_fail(node, err, NN_EINVAL, "indices have type %s, not int32/int64",
                        nn_dtype_name(idx->dtype));
  if (!nn_dtype_supported(x->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(x->dtype));
  out[0]->dtype = x->dtype;
  if (x->ndim < 0 || idx->ndim < 0) {
    out[0]->ndim = -1;
    return NN_EUNKNOWN;
  }
  int64_t axis_v = nn_attr_int(node, "axis", 0);
  int axis = nn_axis(axis_v, x->ndim);
  if (axis < 0)
    return nn_node_fail(node, err, NN_EINVAL, "axis %lld is out of range for rank %d",
                        (long long)axis_v, x->ndim);
  int r = x->ndim - 1 + idx->ndim;
  if (r > NN_MAX_DIMS)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "output rank %d exceeds %d", r,
                        NN_MAX_DIMS);
  int64_t dims[NN_MAX_DIMS];
  int k = 0;
  for (int d = 0; d < axis; d++) dims[k++] = x->dims[d];
  for (int d = 0; d < idx->ndim; d++) dims[k++] = idx->dims[d];
  for (int d = axis + 1; d < x->ndim; d++) dims[k++] = x->dims[d];
  nn_set_shape(out[0], x->dtype, r, dims);
  return NN_OK;
}

static int gather_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  const nn_tensor *x = in[0], *idx = in[1];
  int axis = nn_axis(nn_attr_int(node, "axis", 0), x->ndim);
  int64_t outer = 1, inner = 1, dim = x->dims[axis], n_idx = nn_numel(idx);
  for (int d = 0; d < axis; d++) outer *= x->dims[d];
  for (int d = axis + 1; d < x->ndim; d++) inner *= x->dims[d];
  size_t block = (size_t)inner * nn_dtype_size(x->dtype);
  for (int64_t j = 0; j < n_idx; j++) {
    int64_t v = nn_get_i64(idx, j);
    if (v < -dim || v >= dim)
      return nn_node_fail(node, err, NN_EINVAL, "index %lld is out of range for dim %lld",
                          (long long)v, (long long)dim);
  }
  if (block == 0 || outer * n_idx == 0) return NN_OK;
  const char *src = x->data;
  char *dst = out[0]->data;
  int64_t total = outer * n_idx;
#pragma omp parallel for schedule(static) if (total * inner > 65536)
  for (int64_t t = 0; t < total; t++) {
    int64_t o = t / n_idx, j = t % n_idx;
    int64_t v = nn_get_i64(idx, j);
    if (v < 0) v += dim;
    memcpy(dst + t * block, src + (o * dim + v) * block, block);
  }
  return NN_OK;
}

const nn_op nn_op_Gather = {
    .name = "Gather",
    .min_inputs = 2,
    .max_inputs = 2,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = gather_shape,
    .run = gather_run,
};
