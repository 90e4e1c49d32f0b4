/* Resampling for Resize and Upsample.
 *
 * Every axis gets a table of taps: for each output index, the input indices it reads
 * (1 for nearest, 2 for linear, 4 for cubic; clamped into the axis, which is the same as
 * repeating the edge values) and their weights. The N-D result is the separable product
 * of the axes' taps, as ONNX defines it. Three kernels use the tables:
 *   gather    every axis has one tap (nearest, or axes left as they are): copies elements
 *             of any type, and repeats the previous output row when it reads the same input;
 *   bilinear  only the last two axes interpolate, float data: the common image case;
 *   general   anything else on floating-point data, accumulated in double.
 * Gather and bilinear also have channel-blocked forms (nn/layout.h) for rank-4 float32 data
 * whose N and C axes are left alone; they give the same bits as the plain kernels. And
 * channels-last bfloat16 forms, whose results are the plain kernels' rounded to bfloat16. */
#include "nn/ops/resize_core.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "nn/isa.h"
#include "nn/layout.h"
#include "nn/op.h"

static int lookup(const char *s, const char *const *names, int n) {
  if (!s) return -1;
  for (int i = 0; i < n; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

int nn_resize_mode_from_str(const char *s) {
  static const char *const names[] = {"nearest", "linear", "cubic"};
  return lookup(s, names, 3);
}

int nn_resize_coord_from_str(const char *s) {
  static const char *const names[] = {"half_pixel", "pytorch_half_pixel",   "align_corners",
                                      "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  return lookup(s, names, 6);
}

int nn_resize_round_from_str(const char *s) {
  static const char *const names[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  return lookup(s, names, 4);
}

int64_t nn_resize_out_len(int64_t in, double scale) {
  float len = floorf((float)in * (float)scale);
  if (!(len >= 0 && len <= (float)NN_RESIZE_MAX_LEN)) return -1; /* NaN too */
  return (int64_t)len;
}

int nn_resize_supports(nn_resize_mode m, nn_dtype t) {
  if (m == NN_RESIZE_NEAREST) return nn_dtype_supported(t) && nn_dtype_size(t) > 0;
  return nn_dtype_is_float(t);
}

/* ---- per-axis tap tables ---- */

typedef struct taps {
  int k;                  /* taps per output index */
  int identity;           /* output index o reads input index o alone */
  int64_t *idx;           /* out * k input indices */
  double *w;              /* out * k weights */
  unsigned char *outside; /* per output index: extrapolate; NULL when no index does */
} taps;

/* Where output index x of an axis lies on the input axis. scale is the axis' factor,
 * out_len the resized length the spec's formulas use (scale * in, or the size given). */
static double original_coord(const nn_resize_attrs *a, int64_t x, double scale, int64_t in,
                             double out_len, double start, double end) {
  double xr = (double)x;
  switch (a->coord) {
    case NN_RESIZE_PYTORCH_HALF_PIXEL: return out_len > 1 ? (xr + 0.5) / scale - 0.5 : 0.0;
    case NN_RESIZE_ALIGN_CORNERS: return out_len > 1 ? xr * (double)(in - 1) / (out_len - 1) : 0.0;
    case NN_RESIZE_ASYMMETRIC: return xr / scale;
    case NN_RESIZE_TF_HALF_PIXEL_FOR_NN: return (xr + 0.5) / scale;
    case NN_RESIZE_TF_CROP_AND_RESIZE:
      return out_len > 1
                 ? start * (double)(in - 1) + xr * (end - start) * (double)(in - 1) / (out_len - 1)
                 : 0.5 * (start + end) * (double)(in - 1);
    case NN_RESIZE_HALF_PIXEL:
    default: return (xr + 0.5) / scale - 0.5;
  }
}

static int64_t nearest_index(nn_resize_round r, double x, int shrinks) {
  double f = floor(x), frac = x - f;
  switch (r) {
    case NN_RESIZE_ROUND_PREFER_CEIL: return (int64_t)(frac < 0.5 ? f : f + 1);
    case NN_RESIZE_FLOOR: return (int64_t)f;
    case NN_RESIZE_CEIL: return (int64_t)ceil(x);
    case NN_RESIZE_SIMPLE: return (int64_t)(shrinks ? ceil(x) : f);
    case NN_RESIZE_ROUND_PREFER_FLOOR:
    default: return (int64_t)(frac <= 0.5 ? f : f + 1);
  }
}

/* Keys cubic convolution weights of the taps at floor(x) - 1 .. floor(x) + 2, t = x - floor(x). */
static void cubic_weights(double A, double t, double *w) {
  double s0 = t + 1, s3 = 2 - t, u = 1 - t;
  w[0] = ((A * s0 - 5 * A) * s0 + 8 * A) * s0 - 4 * A;
  w[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
  w[2] = ((A + 2) * u - (A + 3)) * u * u + 1;
  w[3] = ((A * s3 - 5 * A) * s3 + 8 * A) * s3 - 4 * A;
}

static void free_taps(taps *t) {
  free(t->idx);
  free(t->w);
  free(t->outside);
}

static int build_taps(const nn_resize_attrs *a, int64_t in, int64_t out, double scale,
                      double out_len, double start, double end, taps *t) {
  int k = a->mode == NN_RESIZE_NEAREST ? 1 : a->mode == NN_RESIZE_LINEAR ? 2 : 4;
  size_t n = (size_t)(out > 0 ? out : 1);
  t->k = k;
  t->identity = 0;
  t->idx = malloc(n * (size_t)k * sizeof *t->idx);
  t->w = malloc(n * (size_t)k * sizeof *t->w);
  t->outside = NULL;
  if (!t->idx || !t->w) return NN_ENOMEM;
  int crop = a->coord == NN_RESIZE_TF_CROP_AND_RESIZE;
  for (int64_t o = 0; o < out; o++) {
    double x = original_coord(a, o, scale, in, out_len, start, end);
    int64_t *idx = t->idx + o * k;
    double *w = t->w + o * k;
    if (crop && (x < 0 || x > (double)(in - 1))) {
      if (!t->outside && !(t->outside = calloc(n, 1))) return NN_ENOMEM;
      t->outside[o] = 1;
    }
    if (k == 1) {
      idx[0] = nearest_index(a->nearest, x, scale < 1);
      w[0] = 1;
    } else {
      double f = floor(x), frac = x - f;
      int64_t first = (int64_t)f - (k == 4);
      for (int j = 0; j < k; j++) idx[j] = first + j;
      if (k == 2) {
        w[0] = 1 - frac;
        w[1] = frac;
      } else {
        cubic_weights(a->cubic_a, frac, w);
      }
      if (a->exclude_outside) {
        double sum = 0;
        for (int j = 0; j < k; j++) {
          if (idx[j] < 0 || idx[j] >= in) w[j] = 0;
          sum += w[j];
        }
        if (sum != 0)
          for (int j = 0; j < k; j++) w[j] /= sum;
      }
    }
    for (int j = 0; j < k; j++) idx[j] = idx[j] < 0 ? 0 : idx[j] >= in ? in - 1 : idx[j];
  }
  /* An axis that keeps its length and maps every index onto itself is left alone. */
  int same = in == out && !t->outside;
  for (int64_t o = 0; same && o < out; o++)
    for (int j = 0; j < k && same; j++) {
      double w = t->w[o * k + j];
      if (!(w == 0 || (w == 1 && t->idx[o * k + j] == o))) same = 0;
    }
  if (same) {
    for (int64_t o = 0; o < out; o++) {
      t->idx[o] = o;
      t->w[o] = 1;
    }
    t->k = 1;
    t->identity = 1;
  }
  return NN_OK;
}

/* ---- kernels ---- */

/* f rounded to half precision (nearest, ties to even), as nn_round_half; values in half's
 * normal range below 2^15 are done here on the bits, the rest by nn_round_half. */
static inline float round_half(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  uint32_t e = (u >> 23) & 0xff;
  if ((u & 0x7fffffffu) == 0) return f;
  if (e < 113 || e > 141) return nn_round_half(f);
  u += 0x0fffu + ((u >> 13) & 1u);
  u &= ~0x1fffu;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Below this many output elements a kernel runs on one thread. */
enum { PARALLEL_MIN = 8192 };

/* Input offset of output row `row` (all axes but the last) and whether it extrapolates. */
static int64_t row_source(const taps *t, int r, const int64_t *odims, const int64_t *istr,
                          int64_t row, int *outside) {
  int64_t off = 0;
  *outside = 0;
  for (int d = r - 2; d >= 0; d--) {
    int64_t o = row % odims[d];
    row /= odims[d];
    off += t[d].idx[o] * istr[d];
    if (t[d].outside && t[d].outside[o]) *outside = 1;
  }
  return off;
}

static void gather(const taps *t, const nn_tensor *x, nn_tensor *y, double extrap) {
  int r = x->ndim;
  int64_t istr[NN_MAX_DIMS];
  nn_strides(x, istr);
  int64_t ow = y->dims[r - 1], rows = nn_numel(y) / ow;
  const taps *tl = &t[r - 1];
  size_t es = nn_dtype_size(x->dtype);
  const char *src = x->data;
  char *dst = y->data;
#pragma omp parallel if (rows * ow >= PARALLEL_MIN)
  {
    int nt = omp_get_num_threads(), id = omp_get_thread_num();
    int64_t lo = rows * id / nt, hi = rows * (id + 1) / nt, prev = -1;
    int prev_out = 1;
    for (int64_t row = lo; row < hi; row++) {
      int out;
      int64_t off = row_source(t, r, y->dims, istr, row, &out);
      char *o = dst + (size_t)(row * ow) * es;
      if (!out && !prev_out && off == prev) { /* same source as the row above */
        memcpy(o, o - (size_t)ow * es, (size_t)ow * es);
        continue;
      }
      prev = off;
      prev_out = out;
      const char *s = src + (size_t)off * es;
      const int64_t *ix = tl->idx;
      switch (es) {
        case 1:
          for (int64_t i = 0; i < ow; i++) ((uint8_t *)o)[i] = ((const uint8_t *)s)[ix[i]];
          break;
        case 2:
          for (int64_t i = 0; i < ow; i++) ((uint16_t *)o)[i] = ((const uint16_t *)s)[ix[i]];
          break;
        case 4:
          for (int64_t i = 0; i < ow; i++) ((uint32_t *)o)[i] = ((const uint32_t *)s)[ix[i]];
          break;
        default:
          for (int64_t i = 0; i < ow; i++) ((uint64_t *)o)[i] = ((const uint64_t *)s)[ix[i]];
          break;
      }
      if (out || tl->outside)
        for (int64_t i = 0; i < ow; i++)
          if (out || tl->outside[i]) nn_set(y, row * ow + i, extrap);
    }
  }
}

/* Linear resampling of the last two axes of float data; the leading axes are left alone. */
/* Where output index o lies on an input axis, computed in float exactly as onnxruntime's
 * bilinear kernel does, so that quantised models downstream see the same bits. */
static float ort_coord(nn_resize_coord c, float o, float scale, float out_len) {
  switch (c) {
    case NN_RESIZE_PYTORCH_HALF_PIXEL: return out_len > 1 ? (o + 0.5f) / scale - 0.5f : 0.0f;
    case NN_RESIZE_ASYMMETRIC: return o / scale;
    default: return (o + 0.5f) / scale - 0.5f;
  }
}

/* Per output index of one axis: the two source indices and their weights (w1 for the
 * first, w2 for the second), onnxruntime's way. */
static void ort_axis(nn_resize_coord c, int64_t in, int64_t out, float scale, int64_t *i1,
                     int64_t *i2, float *w1, float *w2) {
  for (int64_t o = 0; o < out; o++) {
    float x = scale == 1 ? (float)o : ort_coord(c, (float)o, scale, (float)out);
    x = x < 0 ? 0 : x > (float)(in - 1) ? (float)(in - 1) : x;
    int64_t a = (int64_t)x < in - 1 ? (int64_t)x : in - 1, b = a + 1 < in - 1 ? a + 1 : in - 1;
    float d1 = fabsf(x - (float)a), d2 = fabsf(x - (float)b);
    if (a == b) d1 = d2 = 0.5f;
    i1[o] = a;
    i2[o] = b;
    w1[o] = d2; /* the first source is weighted by the distance to the second */
    w2[o] = d1;
  }
}

/* The per-axis source indices and weights of the bilinear kernels, for the last two axes
 * (rows: y, columns: x). */
typedef struct bl_tables {
  int64_t *y1, *y2, *x1, *x2;
  float *wy1, *wy2, *wx1, *wx2;
} bl_tables;

static void bl_free(bl_tables *t) {
  free(t->y1);
  free(t->x1);
  free(t->wy1);
  free(t->wx1);
}

static int bl_tables_init(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                          const nn_tensor *y, bl_tables *t) {
  int r = x->ndim;
  int64_t ih = x->dims[r - 2], iw = x->dims[r - 1], oh = y->dims[r - 2], ow = y->dims[r - 1];
  float sh = scales ? (float)scales[r - 2] : (float)oh / (float)ih;
  float sw = scales ? (float)scales[r - 1] : (float)ow / (float)iw;
  t->y1 = malloc((size_t)oh * 2 * sizeof *t->y1);
  t->x1 = malloc((size_t)ow * 2 * sizeof *t->x1);
  t->wy1 = malloc((size_t)oh * 2 * sizeof *t->wy1);
  t->wx1 = malloc((size_t)ow * 2 * sizeof *t->wx1);
  if (!t->y1 || !t->x1 || !t->wy1 || !t->wx1) {
    bl_free(t);
    return NN_ENOMEM;
  }
  t->y2 = t->y1 + oh;
  t->x2 = t->x1 + ow;
  t->wy2 = t->wy1 + oh;
  t->wx2 = t->wx1 + ow;
  ort_axis(a->coord, ih, oh, sh, t->y1, t->y2, t->wy1, t->wy2);
  ort_axis(a->coord, iw, ow, sw, t->x1, t->x2, t->wx1, t->wx2);
  return NN_OK;
}

/* Linear resize of the last two axes of float data (the leading axes keep their length).
 * y = wx1*wy1*X11 + wx2*wy1*X21 + wx1*wy2*X12 + wx2*wy2*X22, in that order. */
static int bilinear(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                    nn_tensor *y) {
  int r = x->ndim;
  int64_t ih = x->dims[r - 2], iw = x->dims[r - 1], oh = y->dims[r - 2], ow = y->dims[r - 1];
  int64_t planes = nn_numel(y) / (oh * ow);
  bl_tables t;
  if (bl_tables_init(a, x, scales, y, &t)) return NN_ENOMEM;
  const int64_t *y1 = t.y1, *y2 = t.y2, *x1 = t.x1, *x2 = t.x2;
  const float *wy1 = t.wy1, *wy2 = t.wy2, *wx1 = t.wx1, *wx2 = t.wx2;
  const float *src = x->data;
  float *dst = y->data;
  int half = y->dtype == NN_F16;
#pragma omp parallel for schedule(static) if (planes * oh * ow >= PARALLEL_MIN)
  for (int64_t task = 0; task < planes * oh; task++) {
    int64_t p = task / oh, oy = task % oh;
    const float *plane = src + p * ih * iw;
    const float *r1 = plane + y1[oy] * iw, *r2 = plane + y2[oy] * iw;
    float a1 = wy1[oy], a2 = wy2[oy];
    float *o = dst + task * ow;
    for (int64_t ox = 0; ox < ow; ox++) {
      int64_t c1 = x1[ox], c2 = x2[ox];
      float b1 = wx1[ox], b2 = wx2[ox];
      o[ox] = b1 * a1 * r1[c1] + b2 * a1 * r1[c2] + b1 * a2 * r2[c1] + b2 * a2 * r2[c2];
    }
    if (half)
      for (int64_t ox = 0; ox < ow; ox++) o[ox] = round_half(o[ox]);
  }
  bl_free(&t);
  return NN_OK;
}

/* ---- channel-blocked kernels (nn/layout.h): rank 4, float32, N and C left alone ---- */

/* One output row of the blocked bilinear kernel: bilinear()'s sum, term by term, for each
 * of the B contiguous lanes of a pixel (padded lanes read zeros and give zeros). */
static inline __attribute__((always_inline)) void bl_blocked_row(
    const float *restrict r1, const float *restrict r2, float *restrict o, float a1, float a2,
    const bl_tables *t, int64_t ow, const int B) {
  for (int64_t ox = 0; ox < ow; ox++) {
    const float *p11 = r1 + t->x1[ox] * B, *p12 = r1 + t->x2[ox] * B;
    const float *p21 = r2 + t->x1[ox] * B, *p22 = r2 + t->x2[ox] * B;
    float b1 = t->wx1[ox], b2 = t->wx2[ox];
    float *q = o + ox * B;
    for (int l = 0; l < B; l++)
      q[l] = b1 * a1 * p11[l] + b2 * a1 * p12[l] + b1 * a2 * p21[l] + b2 * a2 * p22[l];
  }
}

static int bilinear_blocked(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                            nn_tensor *y) {
  const int B = x->block;
  int64_t ih = x->dims[2], iw = x->dims[3], oh = y->dims[2], ow = y->dims[3];
  int64_t planes = x->dims[0] * ((x->dims[1] + B - 1) / B);
  bl_tables t;
  if (bl_tables_init(a, x, scales, y, &t)) return NN_ENOMEM;
  const float *src = x->data;
  float *dst = y->data;
#pragma omp parallel for schedule(static) if (planes * oh * ow * B >= PARALLEL_MIN)
  for (int64_t task = 0; task < planes * oh; task++) {
    int64_t p = task / oh, oy = task % oh;
    const float *plane = src + p * ih * iw * B;
    const float *r1 = plane + t.y1[oy] * iw * B, *r2 = plane + t.y2[oy] * iw * B;
    float a1 = t.wy1[oy], a2 = t.wy2[oy];
    float *o = dst + task * ow * B;
    if (B == 16)
      bl_blocked_row(r1, r2, o, a1, a2, &t, ow, 16);
    else if (B == 8)
      bl_blocked_row(r1, r2, o, a1, a2, &t, ow, 8);
    else
      bl_blocked_row(r1, r2, o, a1, a2, &t, ow, B);
  }
  bl_free(&t);
  return NN_OK;
}

/* Nearest (single-tap) resampling of H and W: whole B-lane pixels are copied. Extrapolated
 * pixels (tf_crop_and_resize) get the value in the real channels and 0 in the padded ones. */
static void gather_blocked(const taps *t, const nn_tensor *x, nn_tensor *y, double extrap) {
  const int64_t B = x->block, C = x->dims[1], cb = (C + B - 1) / B;
  const int64_t ih = x->dims[2], iw = x->dims[3], oh = y->dims[2], ow = y->dims[3];
  const int64_t rows = x->dims[0] * cb * oh;
  const size_t pix = (size_t)B * sizeof(float);
  const taps *ty = &t[2], *tx = &t[3];
  const float *src = x->data;
  float *dst = y->data;
#pragma omp parallel if (rows * ow * B >= PARALLEL_MIN)
  {
    int nt = omp_get_num_threads(), id = omp_get_thread_num();
    int64_t lo = rows * id / nt, hi = rows * (id + 1) / nt, prev = -1;
    for (int64_t row = lo; row < hi; row++) {
      int64_t p = row / oh, oy = row % oh, live = C - (p % cb) * B;
      int out = ty->outside && ty->outside[oy];
      int64_t off = (p * ih + ty->idx[oy]) * iw * B;
      float *o = dst + row * ow * B;
      if (!out && off == prev) { /* same source as the row above */
        memcpy(o, o - ow * B, (size_t)ow * pix);
        continue;
      }
      prev = out ? -1 : off;
      const float *s = src + off;
      for (int64_t i = 0; i < ow; i++) {
        float *q = o + i * B;
        if (out || (tx->outside && tx->outside[i]))
          for (int64_t l = 0; l < B; l++) q[l] = l < live ? (float)extrap : 0.0f;
        else
          memcpy(q, s + tx->idx[i] * B, pix);
      }
    }
  }
}

/* ---- channels-last bfloat16 kernels (nn/layout.h): rank 4, N and C left alone ---- */

/* One output row of bilinear_cl: bilinear()'s sum for each of the C contiguous values of a
 * pixel, rounded to bfloat16. Compiled twice, plain and for AVX-512, and chosen by the
 * effective ISA (nn/isa.h), so that ONEDNN_MAX_CPU_ISA caps it as it caps oneDNN. */
static inline __attribute__((always_inline)) void bl_cl_row_body(
    const uint16_t *restrict r1, const uint16_t *restrict r2, uint16_t *restrict o, float a1,
    float a2, const bl_tables *t, int64_t ow, int64_t C) {
  for (int64_t ox = 0; ox < ow; ox++) {
    const uint16_t *p11 = r1 + t->x1[ox] * C, *p12 = r1 + t->x2[ox] * C;
    const uint16_t *p21 = r2 + t->x1[ox] * C, *p22 = r2 + t->x2[ox] * C;
    float w11 = t->wx1[ox] * a1, w12 = t->wx2[ox] * a1, w21 = t->wx1[ox] * a2,
          w22 = t->wx2[ox] * a2;
    uint16_t *q = o + ox * C;
#pragma omp simd
    for (int64_t c = 0; c < C; c++)
      q[c] = nn_f32_to_bf16(w11 * nn_bf16_to_f32(p11[c]) + w12 * nn_bf16_to_f32(p12[c]) +
                            w21 * nn_bf16_to_f32(p21[c]) + w22 * nn_bf16_to_f32(p22[c]));
  }
}

typedef void bl_cl_row_fn(const uint16_t *restrict, const uint16_t *restrict,
                          uint16_t *restrict, float, float, const bl_tables *, int64_t, int64_t);

static void bl_cl_row_plain(const uint16_t *restrict r1, const uint16_t *restrict r2,
                            uint16_t *restrict o, float a1, float a2, const bl_tables *t,
                            int64_t ow, int64_t C) {
  bl_cl_row_body(r1, r2, o, a1, a2, t, ow, C);
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) static void bl_cl_row_avx512(
    const uint16_t *restrict r1, const uint16_t *restrict r2, uint16_t *restrict o, float a1,
    float a2, const bl_tables *t, int64_t ow, int64_t C) {
  bl_cl_row_body(r1, r2, o, a1, a2, t, ow, C);
}

static int bilinear_cl(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                       nn_tensor *y) {
  const int64_t C = x->dims[1], ih = x->dims[2], iw = x->dims[3];
  const int64_t oh = y->dims[2], ow = y->dims[3], rows = x->dims[0] * oh;
  bl_tables t;
  if (bl_tables_init(a, x, scales, y, &t)) return NN_ENOMEM;
  const uint16_t *src = x->data;
  uint16_t *dst = y->data;
  bl_cl_row_fn *bl_cl_row = nn_cpu_isa() >= NN_ISA_AVX512 ? bl_cl_row_avx512 : bl_cl_row_plain;
#pragma omp parallel for schedule(static) if (rows * ow * C >= PARALLEL_MIN)
  for (int64_t task = 0; task < rows; task++) {
    int64_t n = task / oh, oy = task % oh;
    const uint16_t *img = src + n * ih * iw * C;
    bl_cl_row(img + t.y1[oy] * iw * C, img + t.y2[oy] * iw * C, dst + task * ow * C,
              t.wy1[oy], t.wy2[oy], &t, ow, C);
  }
  bl_free(&t);
  return NN_OK;
}

/* Nearest (single-tap) resampling of H and W: whole C-value pixels are copied; extrapolated
 * pixels (tf_crop_and_resize) get the value, rounded to bfloat16. */
static void gather_cl(const taps *t, const nn_tensor *x, nn_tensor *y, double extrap) {
  const int64_t C = x->dims[1], ih = x->dims[2], iw = x->dims[3];
  const int64_t oh = y->dims[2], ow = y->dims[3], rows = x->dims[0] * oh;
  const taps *ty = &t[2], *tx = &t[3];
  const uint16_t *src = x->data, fill = nn_f32_to_bf16((float)extrap);
  uint16_t *dst = y->data;
#pragma omp parallel for schedule(static) if (rows * ow * C >= PARALLEL_MIN)
  for (int64_t row = 0; row < rows; row++) {
    int64_t n = row / oh, oy = row % oh;
    int out = ty->outside && ty->outside[oy];
    const uint16_t *s = src + (n * ih + ty->idx[oy]) * iw * C;
    uint16_t *o = dst + row * ow * C;
    for (int64_t i = 0; i < ow; i++) {
      uint16_t *q = o + i * C;
      if (out || (tx->outside && tx->outside[i]))
        for (int64_t c = 0; c < C; c++) q[c] = fill;
      else
        memcpy(q, s + tx->idx[i] * C, (size_t)C * sizeof *q);
    }
  }
}

/* One output row of the general kernel: `n` source rows (offsets, weights) combined,
 * each resampled along the last axis. T is the element type. */
#define GENERAL_ROW(NAME, T)                                                            \
  static void NAME(const T *src, T *o, const taps *tl, int64_t ow, const int64_t *roff, \
                   const double *rw, int64_t n) {                                       \
    int k = tl->k;                                                                      \
    for (int64_t i = 0; i < ow; i++) {                                                  \
      const int64_t *ix = tl->idx + i * k;                                              \
      const double *w = tl->w + i * k;                                                  \
      double acc = 0;                                                                   \
      for (int64_t c = 0; c < n; c++) {                                                 \
        const T *s = src + roff[c];                                                     \
        double v = 0;                                                                   \
        for (int j = 0; j < k; j++) v += w[j] * (double)s[ix[j]];                       \
        acc += rw[c] * v;                                                               \
      }                                                                                 \
      o[i] = (T)acc;                                                                    \
    }                                                                                   \
  }
GENERAL_ROW(general_row_f32, float)
GENERAL_ROW(general_row_f64, double)

static int general(const taps *t, const nn_tensor *x, nn_tensor *y, double extrap) {
  int r = x->ndim;
  int64_t istr[NN_MAX_DIMS];
  nn_strides(x, istr);
  int64_t ow = y->dims[r - 1], rows = nn_numel(y) / ow, combos = 1;
  for (int d = 0; d < r - 1; d++) combos *= t[d].k;
  const taps *tl = &t[r - 1];
  int failed = 0;
#pragma omp parallel if (rows * ow >= PARALLEL_MIN)
  {
    int64_t *roff = malloc((size_t)combos * sizeof *roff);
    double *rw = malloc((size_t)combos * sizeof *rw);
    if (!roff || !rw) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int64_t row = 0; row < rows; row++) {
      if (!roff || !rw) continue;
      /* the output index along every leading axis */
      int64_t oi[NN_MAX_DIMS], rem = row;
      int out = 0;
      for (int d = r - 2; d >= 0; d--) {
        oi[d] = rem % y->dims[d];
        rem /= y->dims[d];
        if (t[d].outside && t[d].outside[oi[d]]) out = 1;
      }
      if (!out) { /* every combination of the leading axes' taps */
        int64_t n = 1;
        roff[0] = 0;
        rw[0] = 1;
        for (int d = 0; d < r - 1; d++) {
          int k = t[d].k;
          const int64_t *ix = t[d].idx + oi[d] * k;
          const double *w = t[d].w + oi[d] * k;
          for (int64_t c = n - 1; c >= 0; c--)
            for (int j = k - 1; j >= 0; j--) {
              roff[c * k + j] = roff[c] + ix[j] * istr[d];
              rw[c * k + j] = rw[c] * w[j];
            }
          n *= k;
        }
        if (y->dtype == NN_F64)
          general_row_f64(x->data, (double *)y->data + row * ow, tl, ow, roff, rw, n);
        else
          general_row_f32(x->data, (float *)y->data + row * ow, tl, ow, roff, rw, n);
      }
      for (int64_t i = 0; i < ow; i++) {
        int64_t at = row * ow + i;
        if (out || (tl->outside && tl->outside[i]))
          nn_set(y, at, extrap);
        else if (y->dtype == NN_F16)
          ((float *)y->data)[at] = round_half(((float *)y->data)[at]);
      }
    }
    free(roff);
    free(rw);
  }
  return failed ? NN_ENOMEM : NN_OK;
}

typedef enum kernel { K_GATHER, K_BILINEAR, K_GENERAL } kernel;

/* The taps of every axis of x resized to ydims, and the kernel that computes the result. */
static int plan(const nn_resize_attrs *a, const nn_tensor *x, const int64_t *ydims,
                const double *scales, const double *roi, taps *t, kernel *k) {
  int r = x->ndim;
  memset(t, 0, sizeof *t * (size_t)r);
  for (int d = 0; d < r; d++) {
    int64_t in = x->dims[d], out = ydims[d];
    double scale = scales ? scales[d] : (double)out / (double)in;
    double out_len = scales ? scale * (double)in : (double)out;
    double start = roi ? roi[d] : 0.0, end = roi ? roi[r + d] : 1.0;
    int rc = build_taps(a, in, out, scale, out_len, start, end, &t[d]);
    if (rc) return rc;
  }
  int all_single = 1, lead_identity = r >= 2;
  for (int d = 0; d < r; d++) {
    if (t[d].k != 1) all_single = 0;
    if (d < r - 2 && !t[d].identity) lead_identity = 0;
  }
  int float_stored = x->dtype == NN_F32 || x->dtype == NN_F16;
  if (all_single)
    *k = K_GATHER;
  else if (lead_identity && float_stored && a->mode == NN_RESIZE_LINEAR &&
           (a->coord == NN_RESIZE_HALF_PIXEL || a->coord == NN_RESIZE_PYTORCH_HALF_PIXEL ||
            a->coord == NN_RESIZE_ASYMMETRIC))
    *k = K_BILINEAR;
  else
    *k = K_GENERAL;
  return NN_OK;
}

/* Whether a planned resize of x can run on blocked data: N and C untouched, and a kernel
 * with a blocked form. */
static int blocked_plan_ok(const nn_tensor *x, const taps *t, kernel k) {
  return x->ndim == 4 && x->dtype == NN_F32 && t[0].identity && t[1].identity &&
         k != K_GENERAL;
}

int nn_resize_blocked_ok(const nn_resize_attrs *a, const nn_tensor *x, const int64_t *ydims,
                         const double *scales, const double *roi, int block) {
  if (block == 0 || (block < 0 && block != NN_BLOCK_CL) || x->ndim != 4 || x->dtype != NN_F32)
    return 0;
  for (int d = 0; d < 4; d++)
    if (x->dims[d] < 0 || ydims[d] < 0) return 0;
  taps t[4];
  kernel k;
  int rc = plan(a, x, ydims, scales, roi, t, &k);
  int ok = !rc && blocked_plan_ok(x, t, k);
  for (int d = 0; d < 4; d++) free_taps(&t[d]);
  return ok;
}

int nn_resize(const nn_resize_attrs *a, const nn_tensor *x, const double *scales, const double *roi,
              nn_tensor *y) {
  int r = x->ndim;
  if (r < 1 || nn_numel(y) == 0) return NN_OK;
  taps t[NN_MAX_DIMS];
  kernel k;
  int rc = plan(a, x, y->dims, scales, roi, t, &k);
  if (!rc && x->block) {
    if (y->block != x->block || !blocked_plan_ok(x, t, k))
      rc = NN_EUNSUPPORTED;
    else if (x->block == NN_BLOCK_CL && k == K_GATHER)
      gather_cl(t, x, y, a->extrapolation);
    else if (x->block == NN_BLOCK_CL)
      rc = bilinear_cl(a, x, scales, y);
    else if (k == K_GATHER)
      gather_blocked(t, x, y, a->extrapolation);
    else
      rc = bilinear_blocked(a, x, scales, y);
  } else if (!rc) {
    if (k == K_GATHER)
      gather(t, x, y, a->extrapolation);
    else if (k == K_BILINEAR)
      rc = bilinear(a, x, scales, y);
    else
      rc = general(t, x, y, a->extrapolation);
  }
  for (int d = 0; d < r; d++) free_taps(&t[d]);
  return rc;
}

int nn_resize_check_input(const nn_node *node, const nn_resize_attrs *a, const nn_tensor *x,
                          nn_tensor *out, nn_err *err) {
  out->dtype = x->dtype;
  out->ndim = -1;
  if (!nn_resize_supports(a->mode, x->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported in %s mode",
                        nn_dtype_name(x->dtype), nn_attr_str(node, "mode", "nearest"));
  if (x->ndim < 0) return NN_EUNKNOWN;
  if (x->ndim == 0) return nn_node_fail(node, err, NN_EINVAL, "cannot resize a scalar");
  for (int d = 0; d < x->ndim; d++)
    if (x->dims[d] < 0) return NN_EUNKNOWN;
  return NN_OK;
}
