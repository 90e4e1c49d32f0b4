/* Resampling for Resize and Upsample.
 *
 * Every axis gets a table of taps: for each output index, the input indices it reads
 * (1 for nearest, 2 for linear, 4 for cubic; clamped into the axis, which is the same as
 * repeating the edge values) and their weights. The N-D result is the separable product
 * of the axes' taps, as ONNX defines it. Three kernels use the tables:
 *   gather    every axis has one tap (nearest, or axes left as they are): copies elements
 *             of any type, and repeats the previous output row when it reads the same input;
 *   bilinear  only the last two axes interpolate, float data: the common image case;
 *   general   anything else on floating-point data, accumulated in double. */
#include "nn/ops/resize_core.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

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
  float len = (float)in * (float)scale;
  return (int64_t)floorf(len);
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

/* Linear resize of the last two axes of float data (the leading axes keep their length).
 * y = wx1*wy1*X11 + wx2*wy1*X21 + wx1*wy2*X12 + wx2*wy2*X22, in that order. */
static int bilinear(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                    nn_tensor *y) {
  int r = x->ndim;
  int64_t ih = x->dims[r - 2], iw = x->dims[r - 1], oh = y->dims[r - 2], ow = y->dims[r - 1];
  int64_t planes = nn_numel(y) / (oh * ow);
  float sh = scales ? (float)scales[r - 2] : (float)oh / (float)ih;
  float sw = scales ? (float)scales[r - 1] : (float)ow / (float)iw;
  int64_t *y1 = malloc((size_t)oh * 2 * sizeof *y1), *x1 = malloc((size_t)ow * 2 * sizeof *x1);
  float *wy = malloc((size_t)oh * 2 * sizeof *wy), *wx = malloc((size_t)ow * 2 * sizeof *wx);
  if (!y1 || !x1 || !wy || !wx) {
    free(y1);
    free(x1);
    free(wy);
    free(wx);
    return NN_ENOMEM;
  }
  int64_t *y2 = y1 + oh, *x2 = x1 + ow;
  float *wy1 = wy, *wy2 = wy + oh, *wx1 = wx, *wx2 = wx + ow;
  ort_axis(a->coord, ih, oh, sh, y1, y2, wy1, wy2);
  ort_axis(a->coord, iw, ow, sw, x1, x2, wx1, wx2);
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
  free(y1);
  free(x1);
  free(wy);
  free(wx);
  return NN_OK;
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

int nn_resize(const nn_resize_attrs *a, const nn_tensor *x, const double *scales, const double *roi,
              nn_tensor *y) {
  int r = x->ndim;
  if (r < 1 || nn_numel(y) == 0) return NN_OK;
  taps t[NN_MAX_DIMS];
  memset(t, 0, sizeof t);
  int rc = NN_OK;
  for (int d = 0; d < r && !rc; d++) {
    int64_t in = x->dims[d], out = y->dims[d];
    double scale = scales ? scales[d] : (double)out / (double)in;
    double out_len = scales ? scale * (double)in : (double)out;
    double start = roi ? roi[d] : 0.0, end = roi ? roi[r + d] : 1.0;
    rc = build_taps(a, in, out, scale, out_len, start, end, &t[d]);
  }
  if (!rc) {
    int all_single = 1, lead_identity = r >= 2;
    for (int d = 0; d < r; d++) {
      if (t[d].k != 1) all_single = 0;
      if (d < r - 2 && !t[d].identity) lead_identity = 0;
    }
    int float_stored = x->dtype == NN_F32 || x->dtype == NN_F16;
    if (all_single)
      gather(t, x, y, a->extrapolation);
    else if (lead_identity && float_stored && a->mode == NN_RESIZE_LINEAR &&
             (a->coord == NN_RESIZE_HALF_PIXEL || a->coord == NN_RESIZE_PYTORCH_HALF_PIXEL ||
              a->coord == NN_RESIZE_ASYMMETRIC))
      rc = bilinear(a, x, scales, y);
    else
      rc = general(t, x, y, a->extrapolation);
  }
  for (int d = 0; d < r; d++) free_taps(&t[d]);
  return rc;
}
