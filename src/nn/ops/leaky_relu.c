/* LeakyRelu: x for x >= 0, alpha x below (attribute alpha, default 0.01), for float types;
 * its gradient 1 or alpha. */
#include <stdint.h>

#include "nn/op.h"

static int leaky_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                       int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  return nn_shape_float(node, in, out[0], err);
}

static int leaky_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                     int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  float alpha = nn_attr_float(node, "alpha", 0.01f);
  int64_t n = nn_numel(out[0]);
  nn_dtype t = out[0]->dtype;
  if (t == NN_F32 || t == NN_F16) {
    const float *x = in[0]->data;
    float *y = out[0]->data;
    int half = t == NN_F16;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      float v = x[i] < 0 ? alpha * x[i] : x[i];
      y[i] = half ? nn_round_half(v) : v;
    }
  } else if (t == NN_F64) {
    const double *x = in[0]->data;
    double *y = out[0]->data;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0 ? (double)alpha * x[i] : x[i];
  } else {
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(t));
  }
  return NN_OK;
}

/* dx += dy, or alpha dy where x < 0 */
static int leaky_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                          int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  float alpha = nn_attr_float(node, "alpha", 0.01f);
  const float *x = in[0]->data, *g = dout[0]->data;
  float *d = din[0]->data;
  int64_t n = nn_numel(in[0]);
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) d[i] += x[i] < 0 ? alpha * g[i] : g[i];
  return NN_OK;
}

const nn_op nn_op_LeakyRelu = {
    .name = "LeakyRelu",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = leaky_shape,
    .run = leaky_run,
    .backward = leaky_backward,
};
