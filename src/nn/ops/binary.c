/* Elementwise arithmetic with numpy broadcasting: Add, Sub, Mul, Div.
 *
 * The output is walked in flat chunks (one per OpenMP task). Broadcasting is handled by
 * per-input strides (0 along broadcast dims); adjacent dims that broadcast the same way are
 * merged, so the inner loop always runs with input strides 0 or 1 and vectorises.
 *
 * Add, Sub and Mul also run on channel-blocked float32 data (nn/layout.h) when both inputs
 * have the same dims: the storages are combined element by element, and the padded channels
 * stay 0 (0 + 0, 0 - 0, 0 * 0). Div is plain only, as 0 / 0 would fill the padding. So
 * do they on channels-last bfloat16 data, each result rounded to bfloat16. */
#include <stdint.h>

#include "nn/layout.h"
#include "nn/op.h"

enum { CHUNK = 32768 };

typedef void (*bin_kernel)(const void *pa, const void *pb, void *po, int64_t n, int64_t sa,
                           int64_t sb);

/* One kernel per (type, op): EXPR combines x (from a) and y (from b). */
#define KERNEL(NAME, T, EXPR)                                                           \
  static void NAME(const void *pa, const void *pb, void *po, int64_t n, int64_t sa,    \
                   int64_t sb) {                                                       \
    const T *a = pa, *b = pb;                                                          \
    T *o = po;                                                                         \
    if (sa && sb) {                                                                    \
      for (int64_t i = 0; i < n; i++) {                                                \
        T x = a[i], y = b[i];                                                          \
        o[i] = (EXPR);                                                                 \
      }                                                                                \
    } else if (sa) {                                                                   \
      const T y = b[0];                                                                \
      for (int64_t i = 0; i < n; i++) {                                                \
        T x = a[i];                                                                    \
        o[i] = (EXPR);                                                                 \
      }                                                                                \
    } else if (sb) {                                                                   \
      const T x = a[0];                                                                \
      for (int64_t i = 0; i < n; i++) {                                                \
        T y = b[i];                                                                    \
        o[i] = (EXPR);                                                                 \
      }                                                                                \
    } else {                                                                           \
      const T x = a[0], y = b[0];                                                      \
      const T v = (EXPR);                                                              \
      for (int64_t i = 0; i < n; i++) o[i] = v;                                        \
    }                                                                                  \
  }

/* Integer arithmetic wraps around: it is done in an unsigned type of at least 32 bits. */
#define INT_KERNELS(SUFFIX, T, U, SIGNED)                                              \
  static inline T div_##SUFFIX(T x, T y) {                                             \
    if (y == 0) return 0;                                                              \
    if (SIGNED && y == (T)-1) return (T)((U)0 - (U)x);                                 \
    return (T)(x / y);                                                                 \
  }                                                                                    \
  KERNEL(add_##SUFFIX, T, (T)((U)x + (U)y))                                            \
  KERNEL(sub_##SUFFIX, T, (T)((U)x - (U)y))                                            \
  KERNEL(mul_##SUFFIX, T, (T)((U)x * (U)y))                                            \
  KERNEL(div_k_##SUFFIX, T, div_##SUFFIX(x, y))

#define FLOAT_KERNELS(SUFFIX, T)     \
  KERNEL(add_##SUFFIX, T, x + y)     \
  KERNEL(sub_##SUFFIX, T, x - y)     \
  KERNEL(mul_##SUFFIX, T, x * y)     \
  KERNEL(div_k_##SUFFIX, T, x / y)

FLOAT_KERNELS(f32, float)
FLOAT_KERNELS(f64, double)
INT_KERNELS(i8, int8_t, uint32_t, 1)
INT_KERNELS(i16, int16_t, uint32_t, 1)
INT_KERNELS(i32, int32_t, uint32_t, 1)
INT_KERNELS(i64, int64_t, uint64_t, 1)
INT_KERNELS(u8, uint8_t, uint32_t, 0)
INT_KERNELS(u16, uint16_t, uint32_t, 0)
INT_KERNELS(u32, uint32_t, uint32_t, 0)
INT_KERNELS(u64, uint64_t, uint64_t, 0)

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

#define ROW(SUFFIX) {add_##SUFFIX, sub_##SUFFIX, mul_##SUFFIX, div_k_##SUFFIX}

/* The kernel for dtype t and op; NULL when the type is not supported. */
static bin_kernel find_kernel(nn_dtype t, int op) {
  static const bin_kernel f32[4] = ROW(f32), f64[4] = ROW(f64), i8[4] = ROW(i8),
                          i16[4] = ROW(i16), i32[4] = ROW(i32), i64[4] = ROW(i64),
                          u8[4] = ROW(u8), u16[4] = ROW(u16), u32[4] = ROW(u32),
                          u64[4] = ROW(u64);
  switch (t) {
    case NN_F32:
    case NN_F16: return f32[op];
    case NN_F64: return f64[op];
    case NN_I8: return i8[op];
    case NN_I16: return i16[op];
    case NN_I32: return i32[op];
    case NN_I64: return i64[op];
    case NN_U8: return u8[op];
    case NN_U16: return u16[op];
    case NN_U32: return u32[op];
    case NN_U64: return u64[op];
    default: return NULL;
  }
}

static int binary_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                        int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  const nn_tensor *a = in[0], *b = in[1];
  if (a->dtype != b->dtype)
    return nn_node_fail(node, err, NN_EINVAL, "input types %s and %s differ",
                        nn_dtype_name(a->dtype), nn_dtype_name(b->dtype));
  if (!find_kernel(a->dtype, OP_ADD))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(a->dtype));
  out[0]->dtype = a->dtype;
  if (a->ndim < 0 || b->ndim < 0) {
    out[0]->ndim = -1;
    return NN_EUNKNOWN;
  }
  return nn_broadcast_shape(node, a, b, out[0], err);
}

/* Output dims with each input's element strides, size-1 dims dropped and runs of dims
 * that broadcast alike merged. */
typedef struct plan {
  int nd;
  int64_t dims[NN_MAX_DIMS], sa[NN_MAX_DIMS], sb[NN_MAX_DIMS];
} plan;

static void input_strides(const nn_tensor *t, int r, int64_t *s) {
  int64_t acc = 1;
  for (int i = r - 1; i >= 0; i--) {
    int k = i - (r - t->ndim);
    int64_t d = k >= 0 ? t->dims[k] : 1;
    s[i] = d == 1 ? 0 : acc;
    acc *= d;
  }
}

static void make_plan(const nn_tensor *a, const nn_tensor *b, const nn_tensor *o, plan *p) {
  int r = o->ndim;
  int64_t sa[NN_MAX_DIMS], sb[NN_MAX_DIMS];
  input_strides(a, r, sa);
  input_strides(b, r, sb);
  p->nd = 0;
  for (int i = 0; i < r; i++) {
    if (o->dims[i] == 1) continue;
    int k = p->nd;
    if (k > 0 && p->sa[k - 1] == sa[i] * o->dims[i] && p->sb[k - 1] == sb[i] * o->dims[i]) {
      p->dims[k - 1] *= o->dims[i];
      p->sa[k - 1] = sa[i];
      p->sb[k - 1] = sb[i];
      continue;
    }
    p->dims[k] = o->dims[i];
    p->sa[k] = sa[i];
    p->sb[k] = sb[i];
    p->nd++;
  }
  if (p->nd == 0) {
    p->nd = 1;
    p->dims[0] = 1;
    p->sa[0] = p->sb[0] = 0;
  }
}

static void run_chunk(const plan *p, bin_kernel k, size_t esz, const char *a, const char *b,
                      char *o, int64_t start, int64_t end) {
  int nd = p->nd, last = nd - 1;
  int64_t idx[NN_MAX_DIMS], rem = start, oa = 0, ob = 0;
  for (int d = last; d >= 0; d--) {
    idx[d] = rem % p->dims[d];
    rem /= p->dims[d];
    oa += idx[d] * p->sa[d];
    ob += idx[d] * p->sb[d];
  }
  int64_t pos = start;
  while (pos < end) {
    int64_t n = p->dims[last] - idx[last];
    if (n > end - pos) n = end - pos;
    k(a + oa * esz, b + ob * esz, o + pos * esz, n, p->sa[last], p->sb[last]);
    pos += n;
    idx[last] += n;
    oa += n * p->sa[last];
    ob += n * p->sb[last];
    for (int d = last; d > 0 && idx[d] == p->dims[d]; d--) {
      idx[d] = 0;
      oa -= p->dims[d] * p->sa[d];
      ob -= p->dims[d] * p->sb[d];
      idx[d - 1]++;
      oa += p->sa[d - 1];
      ob += p->sb[d - 1];
    }
  }
}

/* Channels-last bfloat16 inputs: each value computed as a float and rounded once. */
static void cl_chunk(int op, const uint16_t *a, const uint16_t *b, uint16_t *o, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    float x = nn_bf16_to_f32(a[i]), y = nn_bf16_to_f32(b[i]);
    o[i] = nn_f32_to_bf16(op == OP_ADD ? x + y : op == OP_SUB ? x - y : x * y);
  }
}

/* Channel-blocked or channels-last inputs of the same dims: one flat pass over the
 * storage. */
static int blocked_run(int op, bin_kernel k, const nn_node *node, const nn_tensor *a,
                       const nn_tensor *b, nn_tensor *o, nn_err *err) {
  if (op == OP_DIV || a->block != b->block || o->block != a->block || o->dtype != NN_F32 ||
      !nn_same_shape(a, b))
    return nn_node_fail(node, err, NN_EINVAL,
                        "inputs in a blocked or channels-last layout need float32 data, the "
                        "same dims and layout, and an output of that layout");
  int64_t total = nn_storage_numel(o), nchunks = (total + CHUNK - 1) / CHUNK;
  if (o->block < 0) {
#pragma omp parallel for schedule(static) if (nchunks > 1)
    for (int64_t c = 0; c < nchunks; c++) {
      int64_t start = c * CHUNK, n = total - start < CHUNK ? total - start : CHUNK;
      cl_chunk(op, (const uint16_t *)a->data + start, (const uint16_t *)b->data + start,
               (uint16_t *)o->data + start, n);
    }
    return NN_OK;
  }
  const float *pa = a->data, *pb = b->data;
  float *po = o->data;
#pragma omp parallel for schedule(static) if (nchunks > 1)
  for (int64_t c = 0; c < nchunks; c++) {
    int64_t start = c * CHUNK, n = total - start < CHUNK ? total - start : CHUNK;
    k(pa + start, pb + start, po + start, n, 1, 1);
  }
  return NN_OK;
}

static int binary_run(int op, nn_node *node, nn_tensor *const *in, nn_tensor **out,
                      nn_err *err) {
  const nn_tensor *a = in[0], *b = in[1];
  nn_tensor *o = out[0];
  bin_kernel k = find_kernel(o->dtype, op);
  if (!k)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(o->dtype));
  if (a->block || b->block) return blocked_run(op, k, node, a, b, o, err);
  int64_t total = nn_numel(o);
  if (total == 0) return NN_OK;
  plan p;
  make_plan(a, b, o, &p);
  size_t esz = nn_dtype_size(o->dtype);
  int half = o->dtype == NN_F16;
  int64_t nchunks = (total + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) if (nchunks > 1)
  for (int64_t c = 0; c < nchunks; c++) {
    int64_t start = c * CHUNK, end = start + CHUNK < total ? start + CHUNK : total;
    run_chunk(&p, k, esz, a->data, b->data, o->data, start, end);
    if (half) {
      float *f = o->data;
      for (int64_t i = start; i < end; i++) f[i] = nn_round_half(f[i]);
    }
  }
  return NN_OK;
}

static int binary_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  (void)node;
  if (block == 0 || (block < 0 && block != NN_BLOCK_CL) || n_in != 2 || !in[0] || !in[1])
    return 0;
  const nn_tensor *a = in[0], *b = in[1];
  if (a->dtype != NN_F32 || b->dtype != NN_F32 || a->ndim < 3 || !nn_same_shape(a, b)) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->dims[i] < 0) return 0;
  return 1;
}

/* Gradients: each output element's dy goes to the elements of a and b it was computed from;
 * where an input broadcasts, the contributions of the output elements sharing one add up. */
static int binary_backward(int op, nn_node *node, nn_tensor *const *in, nn_tensor *const *out,
                           nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, 2, out, 1, dout, din, err);
  if (rc || !dout[0] || (!din[0] && !din[1])) return rc;
  if (in[0]->dtype != NN_F32 || in[1]->dtype != NN_F32)
    return nn_node_fail(node, err, NN_EINVAL, "gradients need float32 inputs");
  const nn_tensor *dy = dout[0];
  int r = dy->ndim;
  int64_t sa[NN_MAX_DIMS], sb[NN_MAX_DIMS], idx[NN_MAX_DIMS] = {0}, oa = 0, ob = 0;
  input_strides(in[0], r, sa);
  input_strides(in[1], r, sb);
  const float *x = in[0]->data, *y = in[1]->data, *g = dy->data;
  float *ga = din[0] ? din[0]->data : NULL, *gb = din[1] ? din[1]->data : NULL;
  int64_t total = nn_numel(dy);
  for (int64_t i = 0; i < total; i++) {
    float d = g[i], xa = x[oa], yb = y[ob], da, db;
    switch (op) {
      case OP_ADD: da = d, db = d; break;
      case OP_SUB: da = d, db = -d; break;
      case OP_MUL: da = d * yb, db = d * xa; break;
      default: da = d / yb, db = -d * xa / (yb * yb); break;
    }
    if (ga) ga[oa] += da;
    if (gb) gb[ob] += db;
    for (int k = r - 1; k >= 0; k--) {
      oa += sa[k], ob += sb[k];
      if (++idx[k] < dy->dims[k]) break;
      oa -= sa[k] * dy->dims[k], ob -= sb[k] * dy->dims[k];
      idx[k] = 0;
    }
  }
  return NN_OK;
}

#define BINARY_OP(NAME, OP, BLOCKED)                                                      \
  static int run_##NAME(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,    \
                        int n_out, nn_err *err) {                                         \
    (void)n_in;                                                                           \
    (void)n_out;                                                                          \
    return binary_run(OP, node, in, out, err);                                            \
  }                                                                                       \
  static int backward_##NAME(nn_node *node, nn_tensor *const *in, int n_in,                \
                             nn_tensor *const *out, int n_out, nn_tensor *const *dout,     \
                             nn_tensor **din, nn_err *err) {                               \
    (void)n_in, (void)n_out;                                                              \
    return binary_backward(OP, node, in, out, dout, din, err);                            \
  }                                                                                       \
  const nn_op nn_op_##NAME = {.name = #NAME,                                              \
                              .min_inputs = 2,                                            \
                              .max_inputs = 2,                                            \
                              .min_outputs = 1,                                           \
                              .max_outputs = 1,                                           \
                              .shape = binary_shape,                                      \
                              .run = run_##NAME,                                          \
                              .blocked = BLOCKED,                                         \
                              .backward = backward_##NAME};

BINARY_OP(Add, OP_ADD, binary_blocked)
BINARY_OP(Sub, OP_SUB, binary_blocked)
BINARY_OP(Mul, OP_MUL, binary_blocked)
BINARY_OP(Div, OP_DIV, NULL)
