/* Tanh: the hyperbolic tangent elementwise, for float types; its gradient 1 - y^2. */
#include <math.h>
#include <stdint.h>

#include "nn/op.h"

static int tanh_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  return nn_shape_float(node, in, out[0], err);
}

static int tanh_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                    int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  int64_t n = nn_numel(out[0]);
  nn_dtype t = out[0]->dtype;
  if (t == NN_F32 || t == NN_F16) {
    const float *x = in[0]->data;
    float *y = out[0]->data;
    int half = t == NN_F16;
#pragma omp parallel for schedule(static) if (n > 16384)
    for (int64_t i = 0; i < n; i++) y[i] = half ? nn_round_half(tanhf(x[i])) : tanhf(x[i]);
  } else if (t == NN_F64) {
    const double *x = in[0]->data;
    double *y = out[0]->data;
#pragma omp parallel for schedule(static) if (n > 16384)
    for (int64_t i = 0; i < n; i++) y[i] = tanh(x[i]);
  } else {
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(t));
  }
  return NN_OK;
}

/* dx += dy (1 - y^2) */
static int tanh_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                         int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  const float *y = out[0]->data, *g = dout[0]->data;
  float *d = din[0]->data;
  int64_t n = nn_numel(in[0]);
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) d[i] += g[i] * (1.0f - y[i] * y[i]);
  return NN_OK;
}

const nn_op nn_op_Tanh = {
    .name = "Tanh",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = tanh_shape,
    .run = tanh_run,
    .backward = tanh_backward,
};
