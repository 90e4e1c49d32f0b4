/* DynamicQuantizeLinear: float -> uint8 with a scale and zero point computed from the data:
 *   x_min = min(0, min(x)), x_max = max(0, max(x)), y_scale = (x_max - x_min) / 255,
 *   y_zero_point = saturate(round(0 - x_min / y_scale)),
 *   y = saturate(round(x / y_scale) + y_zero_point),
 * rounding half to even, saturating to [0, 255]. An all-zero input gives scale 1 (as
 * onnxruntime does; the formula would divide 0 by 0), zero point 0 and y 0. */
#include <string.h>

#include "nn/op.h"

static int dql_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                     nn_err *err) {
  (void)n_in;
  const nn_tensor *x = in[0];
  if (x->dtype != NN_F32 && x->dtype != NN_F16)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "input type %s is not supported (float32, float16)",
                        nn_dtype_name(x->dtype));
  if (x->ndim < 0) return NN_EUNKNOWN;
  nn_set_shape(out[0], NN_U8, x->ndim, x->dims);
  if (n_out > 1 && out[1]) nn_set_shape(out[1], NN_F32, 0, NULL);
  if (n_out > 2 && out[2]) nn_set_shape(out[2], NN_U8, 0, NULL);
  return NN_OK;
}

/* Clamps to [0, 255]; NaN gives 0. */
static inline float saturate_u8(float v) { return v >= 0.0f ? (v <= 255.0f ? v : 255.0f) : 0.0f; }

/* v rounded to the nearest integer, ties to even, for |v| <= 2^22: adding 1.5 * 2^23 leaves
 * no fraction bits, so the addition itself rounds (in the default rounding mode). Unlike
 * nearbyintf this needs no library call and vectorises. */
static inline float round_even(float v) {
  const float magic = 12582912.0f;
  return (v + magic) - magic;
}

static int dql_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                   nn_err *err) {
  (void)node, (void)n_in, (void)err;
  const float *x = in[0]->data;
  uint8_t *y = out[0]->data;
  int64_t n = nn_numel(in[0]);
  float lo = 0.0f, hi = 0.0f; /* the range always includes 0; NaN is ignored */
#pragma omp parallel for simd reduction(min                 \
                                        : lo) reduction(max \
                                                        : hi) schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  /* An all-zero input has no range: onnxruntime then uses scale 1 (zero point 0, y 0). */
  float scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
  uint8_t zp = 0;
  if (scale > 0.0f) {
    /* |x / scale| <= 255 (plus rounding), well inside round_even's range */
    zp = (uint8_t)round_even(saturate_u8(0.0f - lo / scale));
    const float fzp = zp;
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++)
      y[i] = (uint8_t)(int32_t)saturate_u8(round_even(x[i] / scale) + fzp);
  } else { /* a range so small that the scale underflows */
    memset(y, 0, (size_t)n);
  }
  if (n_out > 1 && out[1]) *(float *)out[1]->data = scale;
  if (n_out > 2 && out[2]) *(uint8_t *)out[2]->data = zp;
  return NN_OK;
}

const nn_op nn_op_DynamicQuantizeLinear = {
    .name = "DynamicQuantizeLinear",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 3,
    .prepare = NULL,
    .shape = dql_shape,
    .run = dql_run,
    .release = NULL,
};
