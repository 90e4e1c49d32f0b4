/* MaxPool: 1-D to 3-D max pooling with strides, pads, dilations, ceil_mode and auto_pad, for
 * float, double, uint8 and int8 data, with the optional Indices output (flattened positions
 * in X, row-major or column-major per storage_order). Padding never wins: windows are
 * clipped to the input. NaN inputs are ignored unless a window holds nothing else.
 * 2-D float32 pooling without Indices also runs on channel-blocked and channels-last bfloat16
 * data (nn/layout.h). */
#include <math.h>
#include <stdlib.h>

#include "nn/layout.h"
#include "nn/op.h"
#include "nn/ops/window.h"

typedef struct maxpool_params {
  nn_win_attrs win;
  int storage_order;
} maxpool_params;

static int mp_prepare(nn_node *node, nn_err *err) {
  maxpool_params *p = calloc(1, sizeof *p);
  if (!p) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  int rc = nn_win_parse(node, 1, &p->win, err);
  if (!rc && !p->win.n_kernel)
    rc = nn_node_fail(node, err, NN_EINVAL, "attribute 'kernel_shape' is required");
  int64_t so = nn_attr_int(node, "storage_order", 0);
  if (!rc && so != 0 && so != 1)
    rc = nn_node_fail(node, err, NN_EINVAL, "attribute 'storage_order' must be 0 or 1, not %lld",
                      (long long)so);
  if (rc) {
    free(p);
    return rc;
  }
  p->storage_order = (int)so;
  node->params = p;
  return NN_OK;
}

static void mp_release(nn_node *node) {
  free(node->params);
  node->params = NULL;
}

static int mp_geometry(const nn_node *node, const nn_tensor *x, nn_win *w, nn_err *err) {
  const maxpool_params *p = node->params;
  if (x->ndim < 0) return NN_EUNKNOWN;
  if (x->ndim - 2 != p->win.n_kernel)
    return nn_node_fail(node, err, NN_EINVAL,
                        "input has rank %d but 'kernel_shape' has %d values (rank - 2 expected)",
                        x->ndim, p->win.n_kernel);
  return nn_win_geometry(node, &p->win, x->ndim - 2, x->dims + 2, p->win.kernel, w, err);
}

static int mp_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                    nn_err *err) {
  (void)n_in;
  const nn_tensor *x = in[0];
  switch (x->dtype) {
    case NN_F32:
    case NN_F16:
    case NN_F64:
    case NN_U8:
    case NN_I8: break;
    default:
      return nn_node_fail(node, err, NN_EUNSUPPORTED,
                          "input type %s is not supported (float32, float16, float64, uint8, int8)",
                          nn_dtype_name(x->dtype));
  }
  nn_win w;
  int rc = mp_geometry(node, x, &w, err);
  if (rc) return rc;
  int64_t dims[NN_MAX_DIMS];
  dims[0] = x->dims[0];
  dims[1] = x->dims[1];
  for (int i = 0; i < w.nsp; i++) dims[2 + i] = w.out[i];
  nn_set_shape(out[0], x->dtype, x->ndim, dims);
  if (n_out > 1 && out[1]) nn_set_shape(out[1], NN_I64, x->ndim, dims);
  return NN_OK;
}

/* The kernel taps [lo, hi) of one axis that land inside [0, n) from window start s. */
static inline void tap_range(int64_t s, int64_t k, int64_t d, int64_t n, int64_t *lo, int64_t *hi) {
  if (d == 1) { /* the common case, without divisions */
    *lo = s < 0 ? -s : 0;
    *hi = n - s < k ? (n - s > 0 ? n - s : 0) : k;
    return;
  }
  int64_t a = s < 0 ? (-s + d - 1) / d : 0;
  int64_t b = n - s > 0 ? (n - s + d - 1) / d : 0;
  *lo = a;
  *hi = b < k ? b : k;
}

/* Generic 3-D kernel for one element type. Indices (when idx is not NULL) are the
 * flattened position in X: row-major, or column-major over the spatial axes when col.
 * A window's first tap is taken even when it equals LOWEST, so that every index is valid;
 * a window with no tap inside X (padding and dilation can make one) gives LOWEST and -1. */
#define MAXPOOL_3D(NAME, T, LOWEST, IS_NAN)                                                \
  static void NAME(const T *x, T *y, int64_t *idx, int64_t nc, const nn_win *w, int col) { \
    const int64_t D = w->in[0], H = w->in[1], W = w->in[2];                                \
    const int64_t OD = w->out[0], OH = w->out[1], OW = w->out[2];                          \
    const int64_t isz = D * H * W, osz = OD * OH * OW;                                     \
    _Pragma("omp parallel for schedule(static)") for (int64_t c = 0; c < nc; c++) {        \
      const T *xi = x + c * isz;                                                           \
      int64_t o = c * osz;                                                                 \
      for (int64_t oz = 0; oz < OD; oz++) {                                                \
        int64_t z0 = oz * w->stride[0] - w->pad_l[0], za, zb;                              \
        tap_range(z0, w->kernel[0], w->dilation[0], D, &za, &zb);                          \
        for (int64_t oy = 0; oy < OH; oy++) {                                              \
          int64_t y0 = oy * w->stride[1] - w->pad_l[1], ya, yb;                            \
          tap_range(y0, w->kernel[1], w->dilation[1], H, &ya, &yb);                        \
          for (int64_t ox = 0; ox < OW; ox++, o++) {                                       \
            int64_t x0 = ox * w->stride[2] - w->pad_l[2], xa, xb;                          \
            tap_range(x0, w->kernel[2], w->dilation[2], W, &xa, &xb);                      \
            T best = LOWEST;                                                               \
            int64_t bz = -1, by = 0, bx = 0;                                               \
            for (int64_t a = za; a < zb; a++) {                                            \
              int64_t iz = z0 + a * w->dilation[0];                                        \
              for (int64_t b = ya; b < yb; b++) {                                          \
                int64_t iy = y0 + b * w->dilation[1];                                      \
                const T *row = xi + (iz * H + iy) * W;                                     \
                for (int64_t e = xa; e < xb; e++) {                                        \
                  int64_t ix = x0 + e * w->dilation[2];                                    \
                  if (row[ix] > best || (bz < 0 && !IS_NAN(row[ix])))                      \
                    best = row[ix], bz = iz, by = iy, bx = ix;                             \
                }                                                                          \
              }                                                                            \
            }                                                                              \
            y[o] = best;                                                                   \
            if (!idx) continue;                                                            \
            if (bz < 0 && (za >= zb || ya >= yb || xa >= xb)) { /* no tap inside X */      \
              idx[o] = -1;                                                                 \
              continue;                                                                    \
            }                                                                              \
            if (bz < 0) { /* all NaN: the first tap */                                     \
              bz = z0 + za * w->dilation[0], by = y0 + ya * w->dilation[1];                \
              bx = x0 + xa * w->dilation[2];                                               \
            }                                                                              \
            idx[o] = c * isz + (col ? bz + D * (by + H * bx) : (bz * H + by) * W + bx);    \
          }                                                                                \
        }                                                                                  \
      }                                                                                    \
    }                                                                                      \
  }

#define NEVER_NAN(v) 0
MAXPOOL_3D(maxpool_f32, float, -INFINITY, isnan)
MAXPOOL_3D(maxpool_f64, double, -INFINITY, isnan)
MAXPOOL_3D(maxpool_u8, uint8_t, 0, NEVER_NAN)
MAXPOOL_3D(maxpool_i8, int8_t, -128, NEVER_NAN)

/* 2-D float without indices: the model's hot case. */
static void maxpool_f32_2d(const float *x, float *y, int64_t nc, const nn_win *w) {
  const int64_t H = w->in[1], W = w->in[2], OH = w->out[1], OW = w->out[2];
  const int64_t kh = w->kernel[1], kw = w->kernel[2], sh = w->stride[1], sw = w->stride[2];
  const int64_t dh = w->dilation[1], dw = w->dilation[2], ph = w->pad_l[1], pw = w->pad_l[2];
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t c = 0; c < nc; c++) {
    for (int64_t oy = 0; oy < OH; oy++) {
      const float *xi = x + c * H * W;
      float *yr = y + (c * OH + oy) * OW;
      int64_t y0 = oy * sh - ph, ya, yb;
      tap_range(y0, kh, dh, H, &ya, &yb);
      for (int64_t ox = 0; ox < OW; ox++) {
        int64_t x0 = ox * sw - pw, xa, xb;
        tap_range(x0, kw, dw, W, &xa, &xb);
        float best = -INFINITY;
        for (int64_t b = ya; b < yb; b++) {
          const float *row = xi + (y0 + b * dh) * W + x0;
          for (int64_t e = xa; e < xb; e++) {
            float v = row[e * dw];
            best = v > best ? v : best;
          }
        }
        yr[ox] = best;
      }
    }
  }
}

/* Channel-blocked 2-D float pooling: the B lanes of a pixel are contiguous and pooled
 * together. Same window geometry and comparisons as maxpool_f32_2d, so each real channel
 * gets the same result; the padded lanes (`live` and up) are written as 0 even where a
 * window holds no tap (which would give -inf). */
enum { MP_MAX_LANES = 64 };

static inline __attribute__((always_inline)) void mp_blocked_row(
    const float *restrict xp, float *restrict yr, const nn_win *w, int64_t oy, int64_t live,
    const int B) {
  const int64_t H = w->in[1], W = w->in[2], OW = w->out[2];
  const int64_t kh = w->kernel[1], kw = w->kernel[2], sh = w->stride[1], sw = w->stride[2];
  const int64_t dh = w->dilation[1], dw = w->dilation[2], ph = w->pad_l[1], pw = w->pad_l[2];
  int64_t y0 = oy * sh - ph, ya, yb;
  tap_range(y0, kh, dh, H, &ya, &yb);
  for (int64_t ox = 0; ox < OW; ox++) {
    int64_t x0 = ox * sw - pw, xa, xb;
    tap_range(x0, kw, dw, W, &xa, &xb);
    float best[MP_MAX_LANES];
    for (int l = 0; l < B; l++) best[l] = -INFINITY;
    for (int64_t b = ya; b < yb; b++) {
      const float *row = xp + ((y0 + b * dh) * W + x0) * B;
      for (int64_t e = xa; e < xb; e++) {
        const float *v = row + e * dw * B;
        for (int l = 0; l < B; l++) best[l] = v[l] > best[l] ? v[l] : best[l];
      }
    }
    float *o = yr + ox * B;
    for (int l = 0; l < B; l++) o[l] = l < live ? best[l] : 0.0f;
  }
}

static void maxpool_f32_2d_blocked(const float *x, float *y, int64_t N, int64_t C, int B,
                                   const nn_win *w) {
  const int64_t H = w->in[1], W = w->in[2], OH = w->out[1], OW = w->out[2];
  const int64_t cb = (C + B - 1) / B;
#pragma omp parallel for schedule(static)
  for (int64_t task = 0; task < N * cb * OH; task++) {
    int64_t p = task / OH, oy = task % OH, c0 = (p % cb) * B;
    int64_t live = C - c0 < B ? C - c0 : B;
    const float *xp = x + p * H * W * B;
    float *yr = y + task * OW * B;
    if (B == 16)
      mp_blocked_row(xp, yr, w, oy, live, 16);
    else if (B == 8)
      mp_blocked_row(xp, yr, w, oy, live, 8);
    else
      mp_blocked_row(xp, yr, w, oy, live, B);
  }
}

/* Channels-last bfloat16 2-D pooling (nn/layout.h): the C values of a pixel are contiguous
 * and pooled MP_MAX_LANES at a time, compared as the floats they stand for (the maximum of
 * bfloat16 values is one of them: no rounding). */
static void maxpool_cl_2d(const uint16_t *x, uint16_t *y, int64_t N, int64_t C,
                          const nn_win *w) {
  const int64_t H = w->in[1], W = w->in[2], OH = w->out[1], OW = w->out[2];
  const int64_t kh = w->kernel[1], kw = w->kernel[2], sh = w->stride[1], sw = w->stride[2];
  const int64_t dh = w->dilation[1], dw = w->dilation[2], ph = w->pad_l[1], pw = w->pad_l[2];
#pragma omp parallel for schedule(static)
  for (int64_t task = 0; task < N * OH; task++) {
    int64_t n = task / OH, oy = task % OH, y0 = oy * sh - ph, ya, yb;
    tap_range(y0, kh, dh, H, &ya, &yb);
    const uint16_t *xp = x + n * H * W * C;
    uint16_t *yr = y + task * OW * C;
    for (int64_t ox = 0; ox < OW; ox++) {
      int64_t x0 = ox * sw - pw, xa, xb;
      tap_range(x0, kw, dw, W, &xa, &xb);
      for (int64_t c0 = 0; c0 < C; c0 += MP_MAX_LANES) {
        int lanes = C - c0 < MP_MAX_LANES ? (int)(C - c0) : MP_MAX_LANES;
        float best[MP_MAX_LANES];
        for (int l = 0; l < lanes; l++) best[l] = -INFINITY;
        for (int64_t b = ya; b < yb; b++) {
          const uint16_t *row = xp + ((y0 + b * dh) * W + x0) * C + c0;
          for (int64_t e = xa; e < xb; e++) {
            const uint16_t *v = row + e * dw * C;
#pragma omp simd
            for (int l = 0; l < lanes; l++) {
              float f = nn_bf16_to_f32(v[l]);
              best[l] = f > best[l] ? f : best[l];
            }
          }
        }
        uint16_t *o = yr + ox * C + c0;
#pragma omp simd
        for (int l = 0; l < lanes; l++) o[l] = nn_f32_to_bf16(best[l]);
      }
    }
  }
}

static int mp_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  const maxpool_params *p = node->params;
  const nn_tensor *x = n_in > 0 ? in[0] : NULL;
  if (!p || block == 0 || block > MP_MAX_LANES || !x || x->dtype != NN_F32 || x->ndim != 4 ||
      p->win.n_kernel != 2 || (block < 0 && block != NN_BLOCK_CL))
    return 0;
  if (node->n_out > 1 && node->out[1] >= 0) return 0; /* Indices are positions in plain X */
  for (int i = 0; i < 4; i++)
    if (x->dims[i] < 0) return 0;
  nn_win w;
  return mp_geometry(node, x, &w, NULL) == NN_OK;
}

static int mp_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                  nn_err *err) {
  (void)n_in;
  const maxpool_params *p = node->params;
  const nn_tensor *x = in[0];
  nn_win w, w3;
  int rc = mp_geometry(node, x, &w, err);
  if (rc) return rc == NN_EUNKNOWN ? nn_node_fail(node, err, NN_EINVAL, "shape not known") : rc;
  nn_win_to_3d(&w, &w3);
  int64_t nc = x->dims[0] * x->dims[1];
  int64_t *idx = n_out > 1 && out[1] ? out[1]->data : NULL;
  int col = p->storage_order == 1;
  if (x->block) {
    if (idx || w.nsp != 2 || x->dtype != NN_F32 || out[0]->block != x->block ||
        x->block > MP_MAX_LANES)
      return nn_node_fail(node, err, NN_EINVAL,
                          "channel-blocked input needs 2-D float32 pooling without Indices and "
                          "an output of the same layout");
    if (x->block == NN_BLOCK_CL)
      maxpool_cl_2d(x->data, out[0]->data, x->dims[0], x->dims[1], &w3);
    else
      maxpool_f32_2d_blocked(x->data, out[0]->data, x->dims[0], x->dims[1], x->block, &w3);
    return NN_OK;
  }
  switch (x->dtype) {
    case NN_F32:
    case NN_F16:
      if (!idx && w.nsp == 2)
        maxpool_f32_2d(x->data, out[0]->data, nc, &w3);
      else
        maxpool_f32(x->data, out[0]->data, idx, nc, &w3, col);
      break;
    case NN_F64: maxpool_f64(x->data, out[0]->data, idx, nc, &w3, col); break;
    case NN_U8: maxpool_u8(x->data, out[0]->data, idx, nc, &w3, col); break;
    case NN_I8: maxpool_i8(x->data, out[0]->data, idx, nc, &w3, col); break;
    default:
      return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                          nn_dtype_name(x->dtype));
  }
  return NN_OK;
}

/* Training: each output's gradient goes to the input element its window took (the argmax,
 * found again as the Indices output finds it; windows of one channel stay in it). */
static int mp_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                       int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, 1, dout, din, err);
  (void)n_out;
  if (rc || !dout[0] || !din[0]) return rc;
  nn_win w, w3;
  rc = mp_geometry(node, in[0], &w, err);
  if (rc) return rc;
  nn_win_to_3d(&w, &w3);
  int64_t nc = in[0]->dims[0] * in[0]->dims[1], n = nn_numel(dout[0]);
  int64_t osz = n / (nc ? nc : 1);
  float *y = malloc(sizeof(float) * (size_t)(n ? n : 1));
  int64_t *idx = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
  if (!y || !idx) {
    free(y);
    free(idx);
    return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  }
  maxpool_f32(in[0]->data, y, idx, nc, &w3, 0);
  const float *g = dout[0]->data;
  float *d = din[0]->data;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < nc; c++)
    for (int64_t o = c * osz; o < (c + 1) * osz; o++)
      if (idx[o] >= 0) d[idx[o]] += g[o];
  free(y);
  free(idx);
  return NN_OK;
}

const nn_op nn_op_MaxPool = {
    .name = "MaxPool",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 2,
    .prepare = mp_prepare,
    .shape = mp_shape,
    .run = mp_run,
    .release = mp_release,
    .blocked = mp_blocked,
    .backward = mp_backward,
};
