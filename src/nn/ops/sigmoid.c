/* Sigmoid: 1 / (1 + exp(-x)) elementwise, for float types. */
#include <math.h>
#include <stdint.h>

#include "nn/op.h"

static int sigmoid_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                         int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  return nn_shape_float(node, in, out[0], err);
}

/* Written so that exp() never overflows: for x < 0, e^x / (1 + e^x). */
static inline float sigmoidf(float x) {
  if (x >= 0) return 1.0f / (1.0f + expf(-x));
  float e = expf(x);
  return e / (1.0f + e);
}

static inline double sigmoidd(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

static int sigmoid_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                       int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  int64_t n = nn_numel(out[0]);
  nn_dtype t = out[0]->dtype;
  if (t == NN_F32 || t == NN_F16) {
    const float *x = in[0]->data;
    float *y = out[0]->data;
    int half = t == NN_F16;
#pragma omp parallel for schedule(static) if (n > 16384)
    for (int64_t i = 0; i < n; i++) {
      float v = sigmoidf(x[i]);
      y[i] = half ? nn_round_half(v) : v;
    }
  } else if (t == NN_F64) {
    const double *x = in[0]->data;
    double *y = out[0]->data;
#pragma omp parallel for schedule(static) if (n > 16384)
    for (int64_t i = 0; i < n; i++) y[i] = sigmoidd(x[i]);
  } else {
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(t));
  }
  return NN_OK;
}

/* dx += dy * y (1 - y) */
static int sigmoid_backward(nn_node *node, nn_tensor *const *in, int n_in,
                            nn_tensor *const *out, int n_out, nn_tensor *const *dout,
                            nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  const float *y = out[0]->data, *g = dout[0]->data;
  float *d = din[0]->data;
  int64_t n = nn_numel(in[0]);
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) d[i] += g[i] * y[i] * (1.0f - y[i]);
  return NN_OK;
}

/* Plain layout only: on channel-blocked data the zero padding would turn into 0.5. */
const nn_op nn_op_Sigmoid = {
    .name = "Sigmoid",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = sigmoid_shape,
    .run = sigmoid_run,
    .backward = sigmoid_backward,
};
