/* Unsqueeze: inserts size-1 dims at the given axes of the output. The axes come from
 * input 1 (opset 13+) when present, else from the 'axes' attribute (earlier opsets). */
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

static int unsqueeze_prepare(nn_node *node, nn_err *err) {
  int has_input = node->n_in > 1 && node->in[1] >= 0;
  if (!has_input && !nn_attr_get(node, "axes"))
    return nn_node_fail(node, err, NN_EINVAL, "no axes given (input or attribute)");
  return NN_OK;
}

static int unsqueeze_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                           int n_out, nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0];
  out[0]->dtype = x->dtype;
  out[0]->ndim = -1;
  int64_t axes[NN_MAX_DIMS];
  int64_t n;
  if (n_in > 1 && in[1]) {
    const nn_tensor *a = in[1];
    if (a->dtype != NN_I64 && a->dtype != NN_I32)
      return nn_node_fail(node, err, NN_EINVAL, "axes have type %s, not int64",
                          nn_dtype_name(a->dtype));
    if (a->ndim < 0 || !a->data) return NN_EUNKNOWN;
    if (a->ndim > 1) return nn_node_fail(node, err, NN_EINVAL, "axes are not 1-D");
    n = nn_numel(a);
    if (n > NN_MAX_DIMS)
      return nn_node_fail(node, err, NN_EUNSUPPORTED, "too many axes (%lld)", (long long)n);
    for (int64_t i = 0; i < n; i++) axes[i] = nn_get_i64(a, i);
  } else {
    int count = 0;
    const int64_t *v = nn_attr_ints(node, "axes", &count);
    if (!v) return nn_node_fail(node, err, NN_EINVAL, "no axes given (input or attribute)");
    if (count > NN_MAX_DIMS)
      return nn_node_fail(node, err, NN_EUNSUPPORTED, "too many axes (%d)", count);
    n = count;
    for (int64_t i = 0; i < n; i++) axes[i] = v[i];
  }
  if (x->ndim < 0) return NN_EUNKNOWN;
  int r = x->ndim + (int)n;
  if (r > NN_MAX_DIMS)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "output rank %d exceeds %d", r,
                        NN_MAX_DIMS);
  int is_new[NN_MAX_DIMS] = {0};
  for (int64_t i = 0; i < n; i++) {
    int a = nn_axis(axes[i], r);
    if (a < 0)
      return nn_node_fail(node, err, NN_EINVAL, "axis %lld is out of range for rank %d",
                          (long long)axes[i], r);
    if (is_new[a]++)
      return nn_node_fail(node, err, NN_EINVAL, "axis %lld is repeated", (long long)axes[i]);
  }
  int64_t dims[NN_MAX_DIMS];
  for (int d = 0, k = 0; d < r; d++) dims[d] = is_new[d] ? 1 : x->dims[k++];
  nn_set_shape(out[0], x->dtype, r, dims);
  return NN_OK;
}

const nn_op nn_op_Unsqueeze = {
    .name = "Unsqueeze",
    .min_inputs = 1,
    .max_inputs = 2,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = unsqueeze_prepare,
    .shape = unsqueeze_shape,
    .run = nn_run_copy,
    .backward = nn_backward_copy,
};
