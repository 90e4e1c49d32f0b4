/* The Winograd F(4x4, 3x3) convolution (nn/ops/winograd.h) in AVX2 + FMA: the only file
 * compiled for them; called only where the effective ISA has them. Vectors hold the 8
 * channels of one pixel of the blocked layout: input channels in the transforms, output
 * channels in the products. */
#include <immintrin.h>
#include <omp.h>
#include <stdint.h>

#include "nn/ops/winograd.h"

#define INLINE static inline __attribute__((always_inline))

/* o = B^T d for one line of 6 (F(4x4, 3x3) at 0, 1, -1, 2, -2). */
INLINE void in_line(const __m256 d[6], __m256 o[6]) {
  const __m256 four = _mm256_set1_ps(4.0f), five = _mm256_set1_ps(5.0f),
               two = _mm256_set1_ps(2.0f);
  __m256 a = _mm256_fnmadd_ps(four, d[2], d[4]); /* d4 - 4 d2 */
  __m256 b = _mm256_fnmadd_ps(four, d[1], d[3]); /* d3 - 4 d1 */
  __m256 c = _mm256_sub_ps(d[4], d[2]);
  __m256 e = _mm256_mul_ps(two, _mm256_sub_ps(d[3], d[1]));
  o[0] = _mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4]));
  o[1] = _mm256_add_ps(a, b);
  o[2] = _mm256_sub_ps(a, b);
  o[3] = _mm256_add_ps(c, e);
  o[4] = _mm256_sub_ps(c, e);
  o[5] = _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5]));
}

/* o = A^T m for one line of 6 (4 out). */
INLINE void out_line(const __m256 m[6], __m256 o[4]) {
  const __m256 two = _mm256_set1_ps(2.0f), four = _mm256_set1_ps(4.0f),
               eight = _mm256_set1_ps(8.0f);
  __m256 s12 = _mm256_add_ps(m[1], m[2]), d12 = _mm256_sub_ps(m[1], m[2]);
  __m256 s34 = _mm256_add_ps(m[3], m[4]), d34 = _mm256_sub_ps(m[3], m[4]);
  o[0] = _mm256_add_ps(_mm256_add_ps(m[0], s12), s34);
  o[1] = _mm256_fmadd_ps(two, d34, d12);
  o[2] = _mm256_fmadd_ps(four, s34, s12);
  o[3] = _mm256_add_ps(_mm256_fmadd_ps(eight, d34, d12), m[5]);
}

/* The geometry and buffers one run shares between its threads. */
typedef struct run {
  const nn_wino_geom *g;
  nn_wino_plan plan;
  int64_t cb, mb, cp; /* input blocks, output blocks, padded input channels */
  const float *x, *u, *b;
  float *y;
  int relu, sum;
} run;

/* Tile t's image and the origin of its outputs (rows oy0 + dy * i, columns ox0 + dx * j). */
INLINE void tile_pos(const run *r, int64_t t, int64_t *n, int64_t *oy0, int64_t *ox0) {
  const nn_wino_geom *g = r->g;
  int64_t tx = t % r->plan.tx;
  t /= r->plan.tx;
  int64_t rx = t % g->dx;
  t /= g->dx;
  int64_t ty = t % r->plan.ty;
  t /= r->plan.ty;
  int64_t ry = t % g->dy;
  *n = t / g->dy;
  *oy0 = ry + g->dy * 4 * ty;
  *ox0 = rx + g->dx * 4 * tx;
}

/* V of tile t (its chunk's tile k) for every input block: 36 vectors per block, at
 * v + (xi * chunk + k) * cp + cb * 8. */
static void tile_in(const run *r, int64_t t, int64_t k, float *v) {
  const nn_wino_geom *g = r->g;
  int64_t n, oy0, ox0;
  tile_pos(r, t, &n, &oy0, &ox0);
  int64_t iy0 = oy0 - g->pad_t, ix0 = ox0 - g->pad_l, dy = g->dy, dx = g->dx;
  int inside = iy0 >= 0 && ix0 >= 0 && iy0 + 5 * dy < g->h && ix0 + 5 * dx < g->w;
  /* which of the 6 rows and columns are in the image */
  int row_in[6], col_in[6];
  for (int i = 0; i < 6; i++) {
    row_in[i] = iy0 + dy * i >= 0 && iy0 + dy * i < g->h;
    col_in[i] = ix0 + dx * i >= 0 && ix0 + dx * i < g->w;
  }
  size_t xs = (size_t)r->plan.chunk * (size_t)r->cp; /* floats from one xi to the next */
  float *vk = v + k * r->cp;
  for (int64_t cb = 0; cb < r->cb; cb++) {
    const float *xc = r->x + ((n * r->cb + cb) * g->h * g->w) * 8;
    __m256 t6[6][6];
    for (int i = 0; i < 6; i++) {
      __m256 d[6];
      const float *row = xc + ((iy0 + dy * i) * g->w + ix0) * 8;
      if (inside) {
        for (int j = 0; j < 6; j++) d[j] = _mm256_loadu_ps(row + dx * j * 8);
      } else {
        for (int j = 0; j < 6; j++)
          d[j] = row_in[i] && col_in[j] ? _mm256_loadu_ps(row + dx * j * 8)
                                        : _mm256_setzero_ps();
      }
      in_line(d, t6[i]);
    }
    for (int j = 0; j < 6; j++) {
      __m256 d[6], o[6];
      for (int i = 0; i < 6; i++) d[i] = t6[i][j];
      in_line(d, o);
      for (int i = 0; i < 6; i++) _mm256_storeu_ps(vk + (size_t)(i * 6 + j) * xs + cb * 8, o[i]);
    }
  }
}

/* o[i][j] (+)= sum over c of v[i][c] u[j][c], for nt tiles (v rows cp apart) and nm output
 * blocks (u blocks us apart), o rows os apart. */
INLINE void gemm_kernel(int nt, int nm, const float *v, int64_t cp, const float *u, int64_t us,
                        float *o, int64_t os) {
  /* (named accumulators: an array of them the compiler keeps in memory) */
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0;
  const float *v1 = v + cp, *v2 = v + 2 * cp, *v3 = v + 3 * cp, *v4 = v + 4 * cp,
              *v5 = v + 5 * cp, *u1 = u + us;
#define STEP(k, a, b, vk)                                   \
  if (nt > k) {                                             \
    __m256 x = _mm256_broadcast_ss(vk + c);                 \
    a = _mm256_fmadd_ps(x, w0, a);                          \
    if (nm > 1) b = _mm256_fmadd_ps(x, w1, b);              \
  }
  for (int64_t c = 0; c < cp; c++) {
    __m256 w0 = _mm256_loadu_ps(u + c * 8);
    __m256 w1 = nm > 1 ? _mm256_loadu_ps(u1 + c * 8) : w0;
    STEP(0, a0, b0, v)
    STEP(1, a1, b1, v1)
    STEP(2, a2, b2, v2)
    STEP(3, a3, b3, v3)
    STEP(4, a4, b4, v4)
    STEP(5, a5, b5, v5)
  }
#undef STEP
#define PUT(k, a, b)                                               \
  if (nt > k) {                                                    \
    _mm256_storeu_ps(o + k * os, a);                               \
    if (nm > 1) _mm256_storeu_ps(o + k * os + 8, b);               \
  }
  PUT(0, a0, b0)
  PUT(1, a1, b1)
  PUT(2, a2, b2)
  PUT(3, a3, b3)
  PUT(4, a4, b4)
  PUT(5, a5, b5)
#undef PUT
}

#define KERNEL_CASES(nm)                                                   \
  switch (nt) {                                                            \
    case 6: gemm_kernel(6, nm, v, cp, u, us, o, os); break;                \
    case 5: gemm_kernel(5, nm, v, cp, u, us, o, os); break;                \
    case 4: gemm_kernel(4, nm, v, cp, u, us, o, os); break;                \
    case 3: gemm_kernel(3, nm, v, cp, u, us, o, os); break;                \
    case 2: gemm_kernel(2, nm, v, cp, u, us, o, os); break;                \
    default: gemm_kernel(1, nm, v, cp, u, us, o, os); break;               \
  }

static void gemm_block(int nt, int nm, const float *v, int64_t cp, const float *u, int64_t us,
                       float *o, int64_t os) {
  if (nm > 1) {
    KERNEL_CASES(2)
  } else {
    KERNEL_CASES(1)
  }
}

/* Writes tile t (its chunk's tile k) for output blocks [mb0, mb1) from the products at
 * p + (xi * chunk + k) * mg + (mb - mb0) * 8. */
static void tile_out(const run *r, int64_t t, int64_t k, const float *p, int64_t mb0,
                     int64_t mb1, int64_t mg) {
  const nn_wino_geom *g = r->g;
  int64_t n, oy0, ox0;
  tile_pos(r, t, &n, &oy0, &ox0);
  int64_t dy = g->dy, dx = g->dx;
  int rows = 0, cols = 0;
  while (rows < 4 && oy0 + dy * rows < g->oh) rows++;
  while (cols < 4 && ox0 + dx * cols < g->ow) cols++;
  size_t xs = (size_t)r->plan.chunk * (size_t)mg;
  const float *pk = p + k * mg;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t mb = mb0; mb < mb1; mb++) {
    const float *pm = pk + (mb - mb0) * 8;
    __m256 t4[6][4];
    for (int i = 0; i < 6; i++) {
      __m256 m[6];
      for (int j = 0; j < 6; j++) m[j] = _mm256_loadu_ps(pm + (size_t)(i * 6 + j) * xs);
      out_line(m, t4[i]);
    }
    __m256 bias = zero;
    if (r->b && (mb + 1) * 8 <= g->m) {
      bias = _mm256_loadu_ps(r->b + mb * 8);
    } else if (r->b) { /* the last, partial block: the padded channels get none */
      int64_t left = g->m - mb * 8;
      __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left),
                                        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      bias = _mm256_maskload_ps(r->b + mb * 8, mask);
    }
    float *yc = r->y + ((n * r->mb + mb) * g->oh * g->ow) * 8;
    for (int j = 0; j < cols; j++) {
      __m256 m[6], o[4];
      for (int i = 0; i < 6; i++) m[i] = t4[i][j];
      out_line(m, o);
      for (int i = 0; i < rows; i++) {
        float *dst = yc + ((oy0 + dy * i) * g->ow + ox0 + dx * j) * 8;
        __m256 val = _mm256_add_ps(o[i], bias);
        if (r->relu) val = _mm256_max_ps(val, zero);
        if (r->sum) val = _mm256_add_ps(val, _mm256_loadu_ps(dst));
        _mm256_storeu_ps(dst, val);
      }
    }
  }
}

/* One work item: the tiles of chunk ci for the output blocks of group gi. */
static void run_item(const run *r, int64_t ci, int64_t gi, float *scratch) {
  const nn_wino_plan *pl = &r->plan;
  int64_t t0 = ci * pl->chunk, t1 = t0 + pl->chunk;
  if (t1 > pl->tiles) t1 = pl->tiles;
  int64_t nt = t1 - t0;
  int64_t mb0 = gi * pl->mb_group, mb1 = mb0 + pl->mb_group;
  if (mb1 > r->mb) mb1 = r->mb;
  int64_t mg = (mb1 - mb0) * 8, cp = r->cp;
  float *v = scratch, *p = scratch + 36 * pl->chunk * cp;
  for (int64_t k = 0; k < nt; k++) tile_in(r, t0 + k, k, v);
  int64_t us = cp * 8; /* floats from one output block's weights to the next */
  for (int xi = 0; xi < 36; xi++) {
    const float *vx = v + (size_t)xi * pl->chunk * cp;
    float *px = p + (size_t)xi * pl->chunk * mg;
    const float *ux = r->u + (size_t)xi * r->mb * us;
    for (int64_t mb = mb0; mb < mb1; mb += 2) {
      int nm = mb + 1 < mb1 ? 2 : 1;
      for (int64_t k = 0; k < nt; k += 6) {
        int n6 = nt - k < 6 ? (int)(nt - k) : 6;
        gemm_block(n6, nm, vx + k * cp, cp, ux + mb * us, us, px + k * mg + (mb - mb0) * 8, mg);
      }
    }
  }
  for (int64_t k = 0; k < nt; k++) tile_out(r, t0 + k, k, p, mb0, mb1, mg);
}

void nn_wino_conv_avx2(const nn_wino_geom *g, const float *x, const float *u, const float *b,
                       int relu, int sum, float *y, void *scratch) {
  run r = {.g = g, .x = x, .u = u, .b = b, .y = y, .relu = relu, .sum = sum};
  int threads = omp_get_max_threads();
  nn_wino_plan_for(g, threads, &r.plan);
  r.cb = (g->c + 7) / 8;
  r.mb = (g->m + 7) / 8;
  r.cp = r.cb * 8;
  char *base = (char *)(((uintptr_t)scratch + 63) / 64 * 64);
  int64_t items = r.plan.chunks * r.plan.groups;
#pragma omp parallel for schedule(dynamic) num_threads(threads) if (items > 1)
  for (int64_t it = 0; it < items; it++) {
    float *s = (float *)(base + r.plan.thread_bytes * (size_t)omp_get_thread_num());
    run_item(&r, it / r.plan.groups, it % r.plan.groups, s);
  }
}
