/* Cast: converts between bool, the integer types, float16, float and double.
 *
 * Elements go through an exact intermediate in blocks: double for float sources, int64 for
 * signed and bool sources, uint64 for unsigned ones. Float to integer truncates toward zero;
 * integer results wrap around to the target width. Out-of-range floats and NaN follow
 * x86's truncating conversions: types up to 32 bits (except uint32) go through int32, the
 * others through int64, and an unrepresentable value becomes that type's minimum. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

enum { BLOCK = 4096 };

typedef enum { AS_DOUBLE, AS_INT, AS_UINT } mid_kind;

typedef union mid {
  double d[BLOCK];
  int64_t i[BLOCK];
  uint64_t u[BLOCK];
} mid;

static int cast_prepare(nn_node *node, nn_err *err) {
  const nn_attr *a = nn_attr_get(node, "to");
  if (!a || a->type != NN_ATTR_INT)
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'to' is missing");
  if (a->i < 0 || a->i > 64 || !nn_dtype_supported((nn_dtype)a->i)) {
    const char *name = a->i >= 0 && a->i <= 64 ? nn_dtype_name((nn_dtype)a->i) : "?";
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "attribute 'to' = %lld (%s) is not supported", (long long)a->i, name);
  }
  return NN_OK;
}

static int cast_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  int64_t to = nn_attr_int(node, "to", 0);
  if (to < 0 || to > 64 || !nn_dtype_supported((nn_dtype)to))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "attribute 'to' = %lld is not supported",
                        (long long)to);
  if (!nn_dtype_supported(in[0]->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(in[0]->dtype));
  if (in[0]->ndim < 0) {
    out[0]->dtype = (nn_dtype)to;
    out[0]->ndim = -1;
    return NN_EUNKNOWN;
  }
  nn_set_shape(out[0], (nn_dtype)to, in[0]->ndim, in[0]->dims);
  return NN_OK;
}

/* Reads n elements of src (from element off) into m; returns the kind used. */
static mid_kind load(const nn_tensor *src, int64_t off, int64_t n, mid *m) {
#define LOAD(T, FIELD)                                          \
  do {                                                          \
    const T *s = (const T *)src->data + off;                    \
    for (int64_t k = 0; k < n; k++) m->FIELD[k] = s[k];         \
  } while (0)
  switch (src->dtype) {
    case NN_F32:
    case NN_F16: LOAD(float, d); return AS_DOUBLE;
    case NN_F64: LOAD(double, d); return AS_DOUBLE;
    case NN_I8: LOAD(int8_t, i); return AS_INT;
    case NN_I16: LOAD(int16_t, i); return AS_INT;
    case NN_I32: LOAD(int32_t, i); return AS_INT;
    case NN_I64: LOAD(int64_t, i); return AS_INT;
    case NN_BOOL: {
      const uint8_t *s = (const uint8_t *)src->data + off;
      for (int64_t k = 0; k < n; k++) m->i[k] = s[k] != 0;
      return AS_INT;
    }
    case NN_U8: LOAD(uint8_t, u); return AS_UINT;
    case NN_U16: LOAD(uint16_t, u); return AS_UINT;
    case NN_U32: LOAD(uint32_t, u); return AS_UINT;
    default: LOAD(uint64_t, u); return AS_UINT;
  }
#undef LOAD
}

static int64_t double_to_i64(double d) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return INT64_MIN;
  return (int64_t)d;
}

static int32_t double_to_i32(double d) {
  if (!(d > -2147483649.0 && d < 2147483648.0)) return INT32_MIN;
  return (int32_t)d;
}

static uint64_t double_to_u64(double d) {
  if (d >= 9223372036854775808.0 && d < 18446744073709551616.0) return (uint64_t)d;
  return (uint64_t)double_to_i64(d);
}

/* d rounded to half precision without double rounding: d is first rounded to float with
 * round-to-odd, which keeps enough information for the second rounding to be exact. */
static float double_to_half(double d) {
  float f = (float)d;
  if ((double)f != d && isfinite(f)) {
    if (fabs((double)f) > fabs(d)) f = nextafterf(f, 0.0f);
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    bits |= 1u;
    memcpy(&f, &bits, sizeof f);
  }
  return nn_round_half(f);
}

/* Writes the n intermediates in m (of kind k) to dst from element off. */
static void store(nn_tensor *dst, int64_t off, int64_t n, const mid *m, mid_kind k) {
#define STORE(T, FROM_D, FROM_I, FROM_U)                                   \
  do {                                                                     \
    T *o = (T *)dst->data + off;                                           \
    if (k == AS_DOUBLE)                                                    \
      for (int64_t j = 0; j < n; j++) {                                    \
        double v = m->d[j];                                                \
        o[j] = (FROM_D);                                                   \
      }                                                                    \
    else if (k == AS_INT)                                                  \
      for (int64_t j = 0; j < n; j++) {                                    \
        int64_t v = m->i[j];                                               \
        o[j] = (FROM_I);                                                   \
      }                                                                    \
    else                                                                   \
      for (int64_t j = 0; j < n; j++) {                                    \
        uint64_t v = m->u[j];                                              \
        o[j] = (FROM_U);                                                   \
      }                                                                    \
  } while (0)
#define STORE_INT(T) STORE(T, (T)double_to_i32(v), (T)v, (T)v)
  switch (dst->dtype) {
    case NN_F32: STORE(float, (float)v, (float)v, (float)v); break;
    case NN_F16:
      STORE(float, double_to_half(v), nn_round_half((float)v), nn_round_half((float)v));
      break;
    case NN_F64: STORE(double, v, (double)v, (double)v); break;
    case NN_BOOL: STORE(uint8_t, v != 0, v != 0, v != 0); break;
    case NN_I8: STORE_INT(int8_t); break;
    case NN_I16: STORE_INT(int16_t); break;
    case NN_I32: STORE_INT(int32_t); break;
    case NN_I64: STORE(int64_t, double_to_i64(v), v, (int64_t)v); break;
    case NN_U8: STORE_INT(uint8_t); break;
    case NN_U16: STORE_INT(uint16_t); break;
    case NN_U32: STORE(uint32_t, (uint32_t)double_to_i64(v), (uint32_t)v, (uint32_t)v); break;
    default: STORE(uint64_t, double_to_u64(v), (uint64_t)v, v); break;
  }
#undef STORE_INT
#undef STORE
}

static int cast_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                    int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  const nn_tensor *x = in[0];
  nn_tensor *y = out[0];
  if (!nn_dtype_supported(x->dtype) || !nn_dtype_supported(y->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "cast from %s to %s is not supported",
                        nn_dtype_name(x->dtype), nn_dtype_name(y->dtype));
  int64_t n = nn_numel(y);
  if (n == 0) return NN_OK;
  /* Same storage: F16 and F32 share float storage, and F32 -> F16 only needs rounding. */
  int same = x->dtype == y->dtype || (x->dtype == NN_F16 && y->dtype == NN_F32);
  if (same) {
    if (y->data != x->data) memcpy(y->data, x->data, nn_nbytes(y));
    return NN_OK;
  }
  if (x->dtype == NN_F32 && y->dtype == NN_F16) {
    const float *s = x->data;
    float *d = y->data;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) d[i] = nn_round_half(s[i]);
    return NN_OK;
  }
  int64_t nblocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static) if (nblocks > 4)
  for (int64_t b = 0; b < nblocks; b++) {
    mid m;
    int64_t off = b * BLOCK, cnt = n - off < BLOCK ? n - off : BLOCK;
    mid_kind k = load(x, off, cnt, &m);
    store(y, off, cnt, &m, k);
  }
  return NN_OK;
}

const nn_op nn_op_Cast = {
    .name = "Cast",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = cast_prepare,
    .shape = cast_shape,
    .run = cast_run,
};
