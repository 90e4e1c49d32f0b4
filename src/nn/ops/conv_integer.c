/* ConvInteger: convolution of (u)int8 data and weights, minus their zero points, into exact
 * int32 results. When every partial sum is bounded by 2^24 the f32 oneDNN convolution is
 * exact and is used. Past that, the data is split into base-b digits small enough for exact
 * f32 sums, one oneDNN convolution per digit (at most 8); past that again, an integer
 * im2col + GEMM computes it. */
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"
#include "nn/ops/conv_common.h"

/* Output columns one im2col tile holds. */
#define TILE_MAX 256
/* Loops shorter than this run on one thread. */
#define PAR_MIN 65536

static int is_int8(nn_dtype t) { return t == NN_U8 || t == NN_I8; }

static int64_t numel_known(const nn_tensor *t) {
  if (t->ndim < 0) return -1;
  int64_t n = 1;
  for (int i = 0; i < t->ndim; i++) {
    if (t->dims[i] < 0) return -1;
    n *= t->dims[i];
  }
  return n;
}

static int ci_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                    nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0], *w = in[1];
  const nn_tensor *xz = n_in > 2 ? in[2] : NULL, *wz = n_in > 3 ? in[3] : NULL;
  if (!is_int8(x->dtype) || !is_int8(w->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "input types %s and %s are not supported (uint8, int8)",
                        nn_dtype_name(x->dtype), nn_dtype_name(w->dtype));
  if ((xz && xz->dtype != x->dtype) || (wz && wz->dtype != w->dtype))
    return nn_node_fail(node, err, NN_EINVAL, "zero point types must match their inputs");
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  int rc = nn_conv_geometry(node, x, w, &g, dims, err);
  if (rc) return rc;
  int64_t nxz = xz ? numel_known(xz) : 1, nwz = wz ? numel_known(wz) : 1;
  if (nxz >= 0 && nxz != 1)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "x_zero_point must be a scalar (it has %lld values)", (long long)nxz);
  if (nwz >= 0 && nwz != 1 && (g.m < 0 || nwz != g.m || wz->ndim != 1))
    return nn_node_fail(node, err, NN_EINVAL,
                        "w_zero_point must be a scalar or hold one value per output channel");
  nn_set_shape(out[0], NN_I32, x->ndim, dims);
  return NN_OK;
}

static inline int32_t ld(const void *p, int is_signed, int64_t i) {
  return is_signed ? ((const int8_t *)p)[i] : ((const uint8_t *)p)[i];
}

/* t minus its zero point z[b] for each of its nblocks blocks of block values, as float. */
static void sub_zero_f32(const nn_tensor *t, const int32_t *z, int64_t nblocks, int64_t block,
                         float *dst) {
  int s = t->dtype == NN_I8;
#pragma omp parallel for collapse(2) schedule(static) if (nblocks * block > PAR_MIN)
  for (int64_t b = 0; b < nblocks; b++)
    for (int64_t j = 0; j < block; j++)
      dst[b * block + j] = (float)(ld(t->data, s, b * block + j) - z[b]);
}

/* The same as int16 (values fit: |v - z| <= 255). */
static void sub_zero_i16(const nn_tensor *t, const int32_t *z, int64_t nblocks, int64_t block,
                         int16_t *dst) {
  int s = t->dtype == NN_I8;
#pragma omp parallel for collapse(2) schedule(static) if (nblocks * block > PAR_MIN)
  for (int64_t b = 0; b < nblocks; b++)
    for (int64_t j = 0; j < block; j++)
      dst[b * block + j] = (int16_t)(ld(t->data, s, b * block + j) - z[b]);
}

/* max over i of |t[i] - z| for a scalar zero point. */
static int64_t max_abs_dev(const nn_tensor *t, int32_t z) {
  int64_t n = nn_numel(t);
  int32_t lo = 255, hi = -128;
  if (t->dtype == NN_I8) {
    const int8_t *p = t->data;
#pragma omp parallel for simd reduction(min : lo) reduction(max : hi) if (n > PAR_MIN)
    for (int64_t i = 0; i < n; i++) {
      lo = p[i] < lo ? p[i] : lo;
      hi = p[i] > hi ? p[i] : hi;
    }
  } else {
    const uint8_t *p = t->data;
#pragma omp parallel for simd reduction(min : lo) reduction(max : hi) if (n > PAR_MIN)
    for (int64_t i = 0; i < n; i++) {
      lo = p[i] < lo ? p[i] : lo;
      hi = p[i] > hi ? p[i] : hi;
    }
  }
  if (n == 0) return 0;
  int64_t a = hi - z, b = z - lo;
  return a > b ? a : b;
}

/* max over output channels of sum_k |w[m, k] - z[m]|. */
static int64_t max_abs_row_sum(const nn_tensor *w, const int32_t *z, int64_t m, int64_t k) {
  int s = w->dtype == NN_I8;
  int64_t best = 0;
#pragma omp parallel for reduction(max : best) schedule(static) if (m * k > PAR_MIN)
  for (int64_t r = 0; r < m; r++) {
    int64_t sum = 0;
    for (int64_t j = 0; j < k; j++) sum += llabs((long long)(ld(w->data, s, r * k + j) - z[r]));
    if (sum > best) best = sum;
  }
  return best;
}

/* Columns [p0, p0 + nt) of the im2col matrix of image n, group gi: col[k * nt + t]. */
static void im2col_tile(const int16_t *x, const nn_conv_geom *g, const nn_win *w3, int64_t n,
                        int64_t gi, int64_t p0, int64_t nt, int64_t *base, int16_t *col) {
  const int64_t D = w3->in[0], H = w3->in[1], W = w3->in[2];
  const int64_t OH = w3->out[1], OW = w3->out[2];
  const int64_t cg = g->c / g->group;
  int64_t *bz = base, *by = base + nt, *bx = base + 2 * nt;
  for (int64_t t = 0; t < nt; t++) {
    int64_t p = p0 + t, ox = p % OW, oy = (p / OW) % OH, oz = p / (OW * OH);
    bz[t] = oz * w3->stride[0] - w3->pad_l[0];
    by[t] = oy * w3->stride[1] - w3->pad_l[1];
    bx[t] = ox * w3->stride[2] - w3->pad_l[2];
  }
  int16_t *dst = col;
  for (int64_t c = 0; c < cg; c++) {
    const int16_t *img = x + ((n * g->c) + gi * cg + c) * D * H * W;
    for (int64_t a = 0; a < w3->kernel[0]; a++)
      for (int64_t b = 0; b < w3->kernel[1]; b++)
        for (int64_t d = 0; d < w3->kernel[2]; d++, dst += nt) {
          int64_t dz = a * w3->dilation[0], dy = b * w3->dilation[1], dx = d * w3->dilation[2];
          for (int64_t t = 0; t < nt; t++) {
            int64_t iz = bz[t] + dz, iy = by[t] + dy, ix = bx[t] + dx;
            dst[t] = (iz >= 0 && iz < D && iy >= 0 && iy < H && ix >= 0 && ix < W)
                         ? img[(iz * H + iy) * W + ix]
                         : 0;
          }
        }
  }
}

/* y[m, t] = sum_k wq[m, k] * col[k, t] for the mg rows of one group; y rows are ystride
 * apart. acc32 when every partial sum fits in int32, else int64 accumulation. */
static void gemm_tile(const int16_t *wq, const int16_t *col, int64_t mg, int64_t k, int64_t nt,
                      int wide, void *acc, int32_t *y, int64_t ystride) {
  for (int64_t m = 0; m < mg; m++) {
    const int16_t *wr = wq + m * k;
    if (!wide) {
      int32_t *a = acc;
      memset(a, 0, (size_t)nt * sizeof *a);
      for (int64_t j = 0; j < k; j++) {
        int32_t wv = wr[j];
        if (!wv) continue;
        const int16_t *cr = col + j * nt;
#pragma omp simd
        for (int64_t t = 0; t < nt; t++) a[t] += wv * (int32_t)cr[t];
      }
      memcpy(y + m * ystride, a, (size_t)nt * sizeof *a);
    } else {
      int64_t *a = acc;
      memset(a, 0, (size_t)nt * sizeof *a);
      for (int64_t j = 0; j < k; j++) {
        int64_t wv = wr[j];
        if (!wv) continue;
        const int16_t *cr = col + j * nt;
#pragma omp simd
        for (int64_t t = 0; t < nt; t++) a[t] += wv * cr[t];
      }
      for (int64_t t = 0; t < nt; t++) y[m * ystride + t] = (int32_t)(uint32_t)a[t];
    }
  }
}

/* Exact integer convolution of xq (x minus its zero point) and wq into y. */
static int conv_int(const nn_node *node, const nn_conv_geom *g, const int16_t *xq,
                    const int16_t *wq, int wide, int32_t *y, nn_err *err) {
  nn_win w3;
  nn_win_to_3d(&g->win, &w3);
  const int64_t P = w3.out[0] * w3.out[1] * w3.out[2];
  const int64_t mg = g->m / g->group,
                kg = (g->c / g->group) * w3.kernel[0] * w3.kernel[1] * w3.kernel[2];
  int64_t nt_max = (512 * 1024) / (2 * (kg ? kg : 1));
  if (nt_max > TILE_MAX) nt_max = TILE_MAX;
  if (nt_max < 16) nt_max = 16;
  if (nt_max > P) nt_max = P;
  const int64_t ntiles = (P + nt_max - 1) / nt_max;
  const int64_t jobs = g->n * g->group * ntiles;
  int failed = 0;
#pragma omp parallel
  {
    int16_t *col = malloc((size_t)(kg * nt_max) * sizeof *col + 1);
    int64_t *base = malloc((size_t)(3 * nt_max) * sizeof *base);
    void *acc = malloc((size_t)nt_max * sizeof(int64_t));
    if (!col || !base || !acc) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(dynamic)
    for (int64_t job = 0; job < jobs; job++) {
      if (!col || !base || !acc) continue;
      int64_t tile = job % ntiles, gi = (job / ntiles) % g->group, n = job / (ntiles * g->group);
      int64_t p0 = tile * nt_max, nt = P - p0 < nt_max ? P - p0 : nt_max;
      im2col_tile(xq, g, &w3, n, gi, p0, nt, base, col);
      gemm_tile(wq + gi * mg * kg, col, mg, kg, nt, wide, acc, y + (n * g->m + gi * mg) * P + p0,
                P);
    }
    free(col);
    free(base);
    free(acc);
  }
  return failed ? nn_node_fail(node, err, NN_ENOMEM, "out of memory") : NN_OK;
}

/* Digit j of n (base b) of t - z as float: t - z = sum_j d_j b^j with the lower digits in
 * [0, b - 1] and the top digit signed. With n = 1 the digit is t - z itself. */
static void digit_f32(const nn_tensor *t, int32_t z, int64_t b, int j, int n, float *dst) {
  /* A table over the 256 possible bytes of t's storage. */
  int s = t->dtype == NN_I8;
  float table[256];
  int64_t p = 1, count = nn_numel(t);
  for (int i = 0; i < j; i++) p *= b;
  for (int r = 0; r < 256; r++) {
    int64_t v = (s ? (int8_t)(uint8_t)r : r) - z;
    int64_t q = v >= 0 ? v / p : -((-v + p - 1) / p); /* floor(v / b^j) */
    if (j < n - 1) q = ((q % b) + b) % b;
    table[r] = (float)q;
  }
  const uint8_t *raw = t->data;
#pragma omp parallel for schedule(static) if (count > PAR_MIN)
  for (int64_t i = 0; i < count; i++) dst[i] = table[raw[i]];
}

/* y = conv(x - zx, wf) exactly through n f32 convolutions, one per base-b digit of x - zx,
 * each small enough for exact f32 sums; y accumulates sum_j b^j conv(d_j, wf) modulo 2^32. */
static int conv_digits(const nn_node *node, const nn_conv_geom *g, const nn_tensor *x, int32_t zx,
                       const float *wf, int64_t b, int n, int32_t *y, int64_t ny, nn_err *err) {
  float *xf = malloc((size_t)nn_numel(x) * sizeof *xf + 1);
  float *yf = n > 1 ? malloc((size_t)ny * sizeof *yf) : NULL;
  int rc = NN_OK;
  if (!xf || (n > 1 && !yf)) rc = nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  int64_t p = 1;
  for (int j = 0; j < n && !rc; j++, p *= b) {
    digit_f32(x, zx, b, j, n, xf);
    if (j == 0) {
      /* The first digit's f32 result goes into y's storage and is converted in place. */
      rc = nn_conv_f32(node, g, xf, 0, wf, NULL, (float *)(void *)y, 0, err);
      if (rc) break;
#pragma omp parallel for schedule(static) if (ny > PAR_MIN)
      for (int64_t i = 0; i < ny; i++) {
        float v;
        memcpy(&v, &y[i], sizeof v);
        int32_t q = (int32_t)v;
        memcpy(&y[i], &q, sizeof q);
      }
    } else {
      rc = nn_conv_f32(node, g, xf, 0, wf, NULL, yf, 0, err);
      if (rc) break;
#pragma omp parallel for schedule(static) if (ny > PAR_MIN)
      for (int64_t i = 0; i < ny; i++)
        y[i] = (int32_t)((uint32_t)y[i] + (uint32_t)((int64_t)yf[i] * p));
    }
  }
  free(xf);
  free(yf);
  return rc;
}

/* Digits the f32 path needs: every partial sum is at most |digit| * s, which must stay
 * below 2^24; a is max|x - zx|, s = max_m sum_k |w[m, k] - zw[m]|. Sets *base; returns 0
 * when more than 8 convolutions would be needed. */
static int digits_needed(int64_t a, int64_t s, int64_t *base) {
  const int64_t lim = (int64_t)1 << 24;
  *base = 2;
  if (a * s < lim) return 1;
  int64_t dmax = (lim - 1) / (s ? s : 1); /* largest digit magnitude allowed */
  if (dmax < 1) return 0;
  int64_t b = dmax + 1, p = 1;
  int n = 1;
  while ((a + p - 1) / p > dmax) { /* the top digit's magnitude is ceil(a / b^(n-1)) */
    p *= b;
    n++;
  }
  *base = b;
  return n <= 8 ? n : 0;
}

static int ci_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                  nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0], *w = in[1];
  const nn_tensor *xz = n_in > 2 ? in[2] : NULL, *wz = n_in > 3 ? in[3] : NULL;
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  int rc = nn_conv_geometry(node, x, w, &g, dims, err);
  if (rc) return rc == NN_EUNKNOWN ? nn_node_fail(node, err, NN_EINVAL, "shapes not known") : rc;
  int64_t nx = nn_numel(x), nw = nn_numel(w), ny = nn_numel(out[0]);
  if (ny == 0) return NN_OK;
  int64_t kg = g.m ? nw / g.m : 0;
  int32_t zx = xz ? (int32_t)nn_get_i64(xz, 0) : 0;
  int32_t *zw = malloc((size_t)g.m * sizeof *zw);
  if (!zw) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  int per_channel = wz && nn_numel(wz) > 1;
  for (int64_t m = 0; m < g.m; m++) zw[m] = wz ? (int32_t)nn_get_i64(wz, per_channel ? m : 0) : 0;
  /* Every partial sum of an output is at most max|x - zx| * sum_k |w[m,k] - zw[m]|. */
  int64_t a = max_abs_dev(x, zx), s = max_abs_row_sum(w, zw, g.m, kg), base;
  int32_t *y = out[0]->data;
  int n = digits_needed(a, s, &base);
  if (n) {
    float *wf = malloc((size_t)nw * sizeof *wf + 1);
    if (!wf) {
      rc = nn_node_fail(node, err, NN_ENOMEM, "out of memory");
    } else {
      sub_zero_f32(w, zw, g.m, kg, wf);
      rc = conv_digits(node, &g, x, zx, wf, base, n, y, ny, err);
    }
    free(wf);
  } else {
    int16_t *xq = malloc((size_t)nx * sizeof *xq + 1), *wq = malloc((size_t)nw * sizeof *wq + 1);
    if (!xq || !wq) {
      rc = nn_node_fail(node, err, NN_ENOMEM, "out of memory");
    } else {
      sub_zero_i16(x, &zx, 1, nx, xq);
      sub_zero_i16(w, zw, g.m, kg, wq);
      rc = conv_int(node, &g, xq, wq, a * s >= ((int64_t)1 << 31), y, err);
    }
    free(xq);
    free(wq);
  }
  free(zw);
  return rc;
}

const nn_op nn_op_ConvInteger = {
    .name = "ConvInteger",
    .min_inputs = 2,
    .max_inputs = 4,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = nn_conv_prepare,
    .shape = ci_shape,
    .run = ci_run,
    .release = nn_conv_release,
};
