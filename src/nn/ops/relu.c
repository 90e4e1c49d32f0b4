/* Relu: max(x, 0) elementwise, for float and signed integer types. */
#include <stdint.h>

#include "nn/op.h"

static int relu_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  nn_dtype t = in[0]->dtype;
  if (!nn_dtype_is_float(t) && t != NN_I8 && t != NN_I16 && t != NN_I32 && t != NN_I64)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(t));
  if (in[0]->ndim < 0) {
    out[0]->dtype = t;
    out[0]->ndim = -1;
    return NN_EUNKNOWN;
  }
  nn_set_shape(out[0], t, in[0]->ndim, in[0]->dims);
  return NN_OK;
}

#define RELU_LOOP(T)                                                      \
  do {                                                                    \
    const T *x = in[0]->data;                                             \
    T *y = out[0]->data;                                                  \
    _Pragma("omp parallel for schedule(static) if (n > 65536)")          \
    for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0 ? 0 : x[i];           \
  } while (0)

static int relu_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                    int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  int64_t n = nn_numel(out[0]);
  switch (out[0]->dtype) {
    case NN_F32:
    case NN_F16: RELU_LOOP(float); break;
    case NN_F64: RELU_LOOP(double); break;
    case NN_I8: RELU_LOOP(int8_t); break;
    case NN_I16: RELU_LOOP(int16_t); break;
    case NN_I32: RELU_LOOP(int32_t); break;
    case NN_I64: RELU_LOOP(int64_t); break;
    default:
      return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                          nn_dtype_name(out[0]->dtype));
  }
  return NN_OK;
}

const nn_op nn_op_Relu = {"Relu", 1, 1, 1, 1, NULL, relu_shape, relu_run, NULL};
