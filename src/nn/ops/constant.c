/* Constant: outputs the tensor held by one of its attributes. */
#include <string.h>

#include "nn/op.h"

/* The one value attribute of the node; fails on none, several or unsupported kinds. */
static int constant_attr(const nn_node *node, const nn_attr **out, nn_err *err) {
  static const char *const unsupported[] = {"sparse_value", "value_string", "value_strings"};
  static const char *const supported[] = {"value", "value_float", "value_floats", "value_int",
                                          "value_ints"};
  for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
    if (nn_attr_get(node, unsupported[i]))
      return nn_node_fail(node, err, NN_EUNSUPPORTED, "attribute '%s' is not supported",
                          unsupported[i]);
  const nn_attr *found = NULL;
  for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++) {
    const nn_attr *a = nn_attr_get(node, supported[i]);
    if (!a) continue;
    if (found)
      return nn_node_fail(node, err, NN_EINVAL, "attributes '%s' and '%s' are both set",
                          found->name, a->name);
    found = a;
  }
  if (!found) return nn_node_fail(node, err, NN_EINVAL, "no value attribute");
  nn_attr_type want = strcmp(found->name, "value") == 0          ? NN_ATTR_TENSOR
                      : strcmp(found->name, "value_float") == 0  ? NN_ATTR_FLOAT
                      : strcmp(found->name, "value_floats") == 0 ? NN_ATTR_FLOATS
                      : strcmp(found->name, "value_int") == 0    ? NN_ATTR_INT
                                                                 : NN_ATTR_INTS;
  if (found->type != want || (want == NN_ATTR_TENSOR && !found->t))
    return nn_node_fail(node, err, NN_EINVAL, "attribute '%s' has the wrong type",
                        found->name);
  if (want == NN_ATTR_TENSOR) {
    const nn_tensor *t = found->t;
    if (!nn_dtype_supported(t->dtype))
      return nn_node_fail(node, err, NN_EUNSUPPORTED,
                          "attribute 'value' of type %s is not supported",
                          nn_dtype_name(t->dtype));
    if (t->ndim < 0 || t->ndim > NN_MAX_DIMS || (!t->data && nn_numel(t) > 0))
      return nn_node_fail(node, err, NN_EINVAL, "attribute 'value' holds no data");
  }
  *out = found;
  return NN_OK;
}

static int constant_prepare(nn_node *node, nn_err *err) {
  const nn_attr *a;
  return constant_attr(node, &a, err);
}

static int constant_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                          int n_out, nn_err *err) {
  (void)in;
  (void)n_in;
  (void)n_out;
  const nn_attr *a;
  int rc = constant_attr(node, &a, err);
  if (rc) return rc;
  int64_t n = a->n;
  switch (a->type) {
    case NN_ATTR_TENSOR: nn_set_shape(out[0], a->t->dtype, a->t->ndim, a->t->dims); break;
    case NN_ATTR_FLOAT: nn_set_shape(out[0], NN_F32, 0, &n); break;
    case NN_ATTR_FLOATS: nn_set_shape(out[0], NN_F32, 1, &n); break;
    case NN_ATTR_INT: nn_set_shape(out[0], NN_I64, 0, &n); break;
    default: nn_set_shape(out[0], NN_I64, 1, &n); break;
  }
  return NN_OK;
}

static int constant_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                        int n_out, nn_err *err) {
  (void)in;
  (void)n_in;
  (void)n_out;
  const nn_attr *a;
  int rc = constant_attr(node, &a, err);
  if (rc) return rc;
  void *o = out[0]->data;
  switch (a->type) {
    case NN_ATTR_TENSOR: {
      size_t bytes = nn_nbytes(a->t);
      if (bytes) memcpy(o, a->t->data, bytes);
      break;
    }
    case NN_ATTR_FLOAT: *(float *)o = a->f; break;
    case NN_ATTR_FLOATS:
      if (a->n) memcpy(o, a->floats, (size_t)a->n * sizeof(float));
      break;
    case NN_ATTR_INT: *(int64_t *)o = a->i; break;
    default:
      if (a->n) memcpy(o, a->ints, (size_t)a->n * sizeof(int64_t));
      break;
  }
  return NN_OK;
}

const nn_op nn_op_Constant = {
    .name = "Constant",
    .min_inputs = 0,
    .max_inputs = 0,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = constant_prepare,
    .shape = constant_shape,
    .run = constant_run,
};
