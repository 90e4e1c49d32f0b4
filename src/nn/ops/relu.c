/* Relu: max(x, 0) elementwise, for float and signed integer types. Float data may also be
 * channel-blocked (nn/layout.h): the whole storage is processed, and the zeros of the
 * padded channels stay zeros; or channels-last bfloat16. */
#include <stdint.h>

#include "nn/layout.h"
#include "nn/op.h"

static int relu_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  nn_dtype t = in[0]->dtype;
  if (!nn_dtype_is_float(t) && t != NN_I8 && t != NN_I16 && t != NN_I32 && t != NN_I64)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(t));
  return nn_shape_as_input(in[0], out[0]);
}

#define RELU_LOOP(T)                                                      \
  do {                                                                    \
    const T *x = in[0]->data;                                             \
    T *y = out[0]->data;                                                  \
    _Pragma("omp parallel for simd schedule(static) if (n > 65536)")     \
    for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0 ? 0 : x[i];           \
  } while (0)

static int relu_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  (void)node;
  const nn_tensor *x = n_in > 0 ? in[0] : NULL;
  if (block == 0 || (block < 0 && block != NN_BLOCK_CL) || !x || x->dtype != NN_F32 ||
      x->ndim < 3)
    return 0;
  for (int i = 0; i < x->ndim; i++)
    if (x->dims[i] < 0) return 0;
  return 1;
}

static int relu_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                    int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  int64_t n = nn_numel(out[0]);
  if (in[0]->block) {
    if (out[0]->block != in[0]->block || in[0]->dtype != NN_F32)
      return nn_node_fail(node, err, NN_EINVAL,
                          "channel-blocked input needs float32 data and an output of the "
                          "same layout");
    n = nn_storage_numel(in[0]);
    if (in[0]->block < 0) { /* channels-last bfloat16: negative values (not NaN) to 0 */
      const uint16_t *x = in[0]->data;
      uint16_t *y = out[0]->data;
#pragma omp parallel for simd schedule(static) if (n > 65536)
      for (int64_t i = 0; i < n; i++) y[i] = nn_bf16_to_f32(x[i]) < 0 ? 0 : x[i];
      return NN_OK;
    }
  }
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

/* dx += dy where x > 0 */
static int relu_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                         int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  const float *x = in[0]->data, *g = dout[0]->data;
  float *d = din[0]->data;
  int64_t n = nn_numel(in[0]);
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) d[i] += x[i] > 0 ? g[i] : 0.0f;
  return NN_OK;
}

const nn_op nn_op_Relu = {
    .name = "Relu",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = relu_shape,
    .run = relu_run,
    .blocked = relu_blocked,
    .backward = relu_backward,
};
