/* Clip: min(max(x, lo), hi) elementwise on float32, the bounds from the optional scalar
 * inputs min and max (opset 11 on) or, in older models, the attributes min and max; absent
 * bounds do not limit. Channel-blocked float32 data (nn/layout.h) is clipped storage and
 * padding alike when the bounds keep 0 at 0. */
#include <float.h>
#include <stdint.h>

#include "nn/op.h"

/* The bounds: from inputs 1 and 2 where given (their data must be known), else attributes.
 * NN_EUNKNOWN when a bound input's data is not known yet. */
static int bounds(const nn_node *node, nn_tensor *const *in, int n_in, float *lo, float *hi,
                  nn_err *err) {
  *lo = nn_attr_float(node, "min", -FLT_MAX);
  *hi = nn_attr_float(node, "max", FLT_MAX);
  for (int k = 1; k < n_in && k < 3; k++) {
    const nn_tensor *b = in[k];
    if (!b) continue;
    if (nn_numel(b) != 1 || !nn_dtype_is_float(b->dtype))
      return err ? nn_node_fail(node, err, NN_EINVAL, "input %d must be one float", k)
                 : NN_EINVAL;
    if (!b->data) return NN_EUNKNOWN;
    *(k == 1 ? lo : hi) = (float)nn_get(b, 0);
  }
  return NN_OK;
}

static int clip_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_out;
  float lo, hi;
  int rc = bounds(node, in, n_in, &lo, &hi, err);
  if (rc && rc != NN_EUNKNOWN) return rc;
  if (in[0]->dtype != NN_F32 && in[0]->ndim >= 0)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(in[0]->dtype));
  return nn_shape_as_input(in[0], out[0]);
}

static int clip_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  const nn_tensor *x = n_in > 0 ? in[0] : NULL;
  float lo, hi;
  if (block <= 0 || !x || x->dtype != NN_F32 || x->ndim < 3 ||
      bounds(node, in, n_in, &lo, &hi, NULL) || lo > 0 || hi < 0)
    return 0;
  for (int i = 0; i < x->ndim; i++)
    if (x->dims[i] < 0) return 0;
  return 1;
}

static int clip_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                    int n_out, nn_err *err) {
  (void)n_out;
  float lo, hi;
  int rc = bounds(node, in, n_in, &lo, &hi, err);
  if (rc == NN_EUNKNOWN)
    return nn_node_fail(node, err, NN_EINVAL, "the bounds are not known");
  if (rc) return rc;
  if (in[0]->block != out[0]->block || in[0]->block < 0 || (in[0]->block && (lo > 0 || hi < 0)))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "layout %d is not supported here",
                        in[0]->block);
  const float *x = in[0]->data;
  float *y = out[0]->data;
  int64_t n = nn_storage_numel(out[0]);
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) {
    float v = x[i] < lo ? lo : x[i];
    y[i] = v > hi ? hi : v;
  }
  return NN_OK;
}

const nn_op nn_op_Clip = {
    .name = "Clip",
    .min_inputs = 1,
    .max_inputs = 3,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = clip_shape,
    .run = clip_run,
    .blocked = clip_blocked,
};
