/* Reshape: new dims from input 1; 0 copies the input's dim (unless allowzero=1) and one -1
 * is inferred from the element count. */
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

static int reshape_prepare(nn_node *node, nn_err *err) {
  int64_t allowzero = nn_attr_int(node, "allowzero", 0);
  if (allowzero != 0 && allowzero != 1)
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'allowzero' = %lld is not 0 or 1",
                        (long long)allowzero);
  if (node->n_in < 2 || node->in[1] < 0)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "the shape input is missing (Reshape-1's 'shape' attribute is "
                        "not supported)");
  return NN_OK;
}

static int reshape_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                         int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  const nn_tensor *x = in[0], *s = in[1];
  out[0]->dtype = x->dtype;
  out[0]->ndim = -1;
  if (s->dtype != NN_I64)
    return nn_node_fail(node, err, NN_EINVAL, "shape has type %s, not int64",
                        nn_dtype_name(s->dtype));
  if (s->ndim >= 0 && s->ndim != 1)
    return nn_node_fail(node, err, NN_EINVAL, "shape is not 1-D");
  if (s->ndim < 0 || !s->data || x->ndim < 0) return NN_EUNKNOWN;
  int64_t r = s->dims[0];
  if (r > NN_MAX_DIMS)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "output rank %lld exceeds %d",
                        (long long)r, NN_MAX_DIMS);
  int allowzero = nn_attr_int(node, "allowzero", 0) == 1;
  int64_t dims[NN_MAX_DIMS], known = 1;
  int infer = -1, has_zero = 0;
  for (int d = 0; d < r; d++) {
    int64_t v = ((const int64_t *)s->data)[d];
    if (v == 0 && !allowzero) {
      if (d >= x->ndim)
        return nn_node_fail(node, err, NN_EINVAL, "shape[%d] = 0 has no input dim to copy", d);
      v = x->dims[d];
    } else if (v == 0) {
      has_zero = 1;
    }
    if (v == -1) {
      if (infer >= 0) return nn_node_fail(node, err, NN_EINVAL, "more than one -1 in shape");
      infer = d;
    } else if (v < 0) {
      return nn_node_fail(node, err, NN_EINVAL, "shape[%d] = %lld is invalid", d, (long long)v);
    } else {
      if (v > 0 && known > INT64_MAX / v) /* would wrap, and might then match the input */
        return nn_node_fail(node, err, NN_EINVAL, "shape holds more than 2^63 elements");
      known *= v;
    }
    dims[d] = v;
  }
  int64_t n = nn_numel(x);
  if (infer >= 0) {
    if (has_zero)
      return nn_node_fail(node, err, NN_EINVAL, "shape holds both 0 and -1 with allowzero=1");
    if (known == 0 || n % known)
      return nn_node_fail(node, err, NN_EINVAL,
                          "cannot infer the -1 dim: %lld elements into %lld",
                          (long long)n, (long long)known);
    dims[infer] = n / known;
  } else if (known != n) {
    char buf[128];
    return nn_node_fail(node, err, NN_EINVAL,
                        "cannot reshape %s (%lld elements) into %lld elements",
                        nn_shape_str(x, buf, sizeof buf), (long long)n, (long long)known);
  }
  nn_set_shape(out[0], x->dtype, (int)r, dims);
  return NN_OK;
}

const nn_op nn_op_Reshape = {
    .name = "Reshape",
    .min_inputs = 2,
    .max_inputs = 2,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = reshape_prepare,
    .shape = reshape_shape,
    .run = nn_run_copy,
    .backward = nn_backward_copy,
};
