/* BatchNormalization (opset 9-15): y = scale (x - mean) / sqrt(var + epsilon) + B per channel
 * (axis 1). With training_mode = 1, mean and var are the batch's (over N and the spatial
 * axes, var without Bessel's correction) and the optional outputs 1 and 2 are the running
 * statistics, input_mean * momentum + batch_mean * (1 - momentum) (and the same for var).
 * Its backward() follows the mode: through the batch statistics in training mode, through
 * the fixed ones otherwise. float32 (float16 stored as float) in the plain layout. */
#include <math.h>
#include <stdlib.h>

#include "nn/op.h"

static int bn_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                    nn_err *err) {
  (void)n_in;
  const nn_tensor *x = in[0];
  if (x->dtype != NN_F32 && x->dtype != NN_F16)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(x->dtype));
  if (x->ndim < 0) return NN_EUNKNOWN;
  if (x->ndim < 2) return nn_node_fail(node, err, NN_EINVAL, "input must have rank >= 2");
  for (int k = 1; k < 5; k++) {
    const nn_tensor *p = in[k];
    if (p->dtype != x->dtype)
      return nn_node_fail(node, err, NN_EINVAL, "input %d's type differs from X's", k);
    if (p->ndim >= 0 && (p->ndim != 1 || (p->dims[0] >= 0 && x->dims[1] >= 0 &&
                                           p->dims[0] != x->dims[1])))
      return nn_node_fail(node, err, NN_EINVAL, "input %d must hold one value per channel", k);
  }
  int training = nn_attr_int(node, "training_mode", 0) != 0;
  if (!training && n_out > 1 && (out[1] || (n_out > 2 && out[2])))
    return nn_node_fail(node, err, NN_EINVAL, "running statistics need training_mode = 1");
  nn_shape_as_input(x, out[0]);
  for (int k = 1; k < n_out && k < 3; k++)
    if (out[k]) nn_set_shape(out[k], x->dtype, 1, &x->dims[1]);
  return NN_OK;
}

/* per channel c: the batch's mean and variance over n images of sp values */
static void batch_stats(const float *x, int64_t n, int64_t C, int64_t sp, double *mean,
                        double *var) {
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < C; c++) {
    double s = 0, s2 = 0;
    for (int64_t i = 0; i < n; i++) {
      const float *p = x + (i * C + c) * sp;
      for (int64_t j = 0; j < sp; j++) s += p[j];
    }
    double m = s / (double)(n * sp);
    for (int64_t i = 0; i < n; i++) {
      const float *p = x + (i * C + c) * sp;
      for (int64_t j = 0; j < sp; j++) s2 += (p[j] - m) * (p[j] - m);
    }
    mean[c] = m;
    var[c] = s2 / (double)(n * sp);
  }
}

typedef struct bn_geom {
  int64_t n, C, sp;
  int training;
  float eps, momentum;
} bn_geom;

static bn_geom geometry(const nn_node *node, const nn_tensor *x) {
  bn_geom g = {x->dims[0], x->dims[1], 1, nn_attr_int(node, "training_mode", 0) != 0,
               nn_attr_float(node, "epsilon", 1e-5f), nn_attr_float(node, "momentum", 0.9f)};
  for (int d = 2; d < x->ndim; d++) g.sp *= x->dims[d];
  return g;
}

/* the statistics the output uses: the batch's, or the inputs 3 and 4 */
static int stats(const nn_node *node, nn_tensor *const *in, const bn_geom *g, double *mean,
                 double *var, nn_err *err) {
  if (g->training) {
    if (g->n * g->sp == 0)
      return nn_node_fail(node, err, NN_EINVAL, "training mode needs a non-empty batch");
    batch_stats(in[0]->data, g->n, g->C, g->sp, mean, var);
  } else {
    const float *m = in[3]->data, *v = in[4]->data;
    for (int64_t c = 0; c < g->C; c++) mean[c] = m[c], var[c] = v[c];
  }
  return NN_OK;
}

static int bn_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                  nn_err *err) {
  (void)n_in;
  bn_geom g = geometry(node, in[0]);
  double *mean = malloc(sizeof(double) * (size_t)(2 * g.C + 1)), *var = mean + g.C;
  if (!mean) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  int rc = stats(node, in, &g, mean, var, err);
  const float *x = in[0]->data, *scale = in[1]->data, *bias = in[2]->data;
  float *y = out[0]->data;
  int half = out[0]->dtype == NN_F16;
#pragma omp parallel for collapse(2) schedule(static) if (!rc)
  for (int64_t i = 0; i < g.n; i++)
    for (int64_t c = 0; c < g.C; c++) {
      float k = (float)(scale[c] / sqrt(var[c] + g.eps)), b = (float)(bias[c] - mean[c] * k);
      const float *p = x + (i * g.C + c) * g.sp;
      float *q = y + (i * g.C + c) * g.sp;
      for (int64_t j = 0; j < g.sp; j++) q[j] = half ? nn_round_half(p[j] * k + b) : p[j] * k + b;
    }
  for (int k = 1; !rc && k < 3 && k < n_out; k++) {
    if (!out[k]) continue;
    const float *prev = in[2 + k]->data;
    const double *now = k == 1 ? mean : var;
    float *r = out[k]->data;
    for (int64_t c = 0; c < g.C; c++)
      r[c] = (float)(prev[c] * g.momentum + now[c] * (1.0 - g.momentum));
  }
  free(mean);
  return rc;
}

/* dB = sum dy; dscale = sum dy xhat; dx = scale / sigma (dy - [mean dy + xhat mean(dy xhat)]),
 * the bracket only in training mode (the statistics depend on x there) */
static int bn_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                       int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, 1, dout, din, err);
  (void)n_out;
  if (rc || !dout[0]) return rc;
  bn_geom g = geometry(node, in[0]);
  double *mean = malloc(sizeof(double) * (size_t)(2 * g.C + 1)), *var = mean + g.C;
  if (!mean) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  rc = stats(node, in, &g, mean, var, err);
  const float *x = in[0]->data, *scale = in[1]->data, *dy = dout[0]->data;
  float *dx = din[0] ? din[0]->data : NULL, *ds = din[1] ? din[1]->data : NULL;
  float *db = din[2] ? din[2]->data : NULL;
  double m = (double)(g.n * g.sp);
#pragma omp parallel for schedule(static) if (!rc)
  for (int64_t c = 0; c < g.C; c++) {
    double inv = 1.0 / sqrt(var[c] + g.eps), sdy = 0, sdyx = 0;
    for (int64_t i = 0; i < g.n; i++) {
      const float *p = x + (i * g.C + c) * g.sp, *d = dy + (i * g.C + c) * g.sp;
      for (int64_t j = 0; j < g.sp; j++) sdy += d[j], sdyx += d[j] * (p[j] - mean[c]) * inv;
    }
    if (db) db[c] += (float)sdy;
    if (ds) ds[c] += (float)sdyx;
    if (!dx) continue;
    double k = scale[c] * inv, a = g.training ? sdy / m : 0, b = g.training ? sdyx / m : 0;
    for (int64_t i = 0; i < g.n; i++) {
      const float *p = x + (i * g.C + c) * g.sp, *d = dy + (i * g.C + c) * g.sp;
      float *q = dx + (i * g.C + c) * g.sp;
      for (int64_t j = 0; j < g.sp; j++)
        q[j] += (float)(k * (d[j] - a - (p[j] - mean[c]) * inv * b));
    }
  }
  free(mean);
  return rc;
}

const nn_op nn_op_BatchNormalization = {.name = "BatchNormalization",
                                        .min_inputs = 5,
                                        .max_inputs = 5,
                                        .min_outputs = 1,
                                        .max_outputs = 3,
                                        .shape = bn_shape,
                                        .run = bn_run,
                                        .backward = bn_backward};
