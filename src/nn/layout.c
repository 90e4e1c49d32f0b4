/* The activation layouts: choice of block, conversions. */
#include "nn/layout.h"

#include <stdlib.h>
#include <string.h>

#include "nn/isa.h"
#include "nn/precision.h"

int nn_layout_block(void) {
  static int block = -1;
  if (block < 0) {
    const char *off = getenv("CUTOUT_PLAIN_LAYOUT");
    block = off && off[0] == '1' ? 0 : nn_cpu_isa() >= NN_ISA_AVX512 ? 16 : 8;
  }
  return block;
}

int nn_layout_active(void) {
  int B = nn_layout_block();
  return B && nn_use_bf16() ? NN_BLOCK_CL : B;
}

/* plain float32 <-> channels-last bfloat16 (to_cl: plain f to channels-last h, else back);
 * S pixels of C channels per image, 64 pixels a task (a pixel's C values stay in cache). */
static void convert_cl(float *f, uint16_t *h, int64_t N, int64_t C, int64_t S, int to_cl) {
  const int64_t T = 64, tiles = (S + T - 1) / T;
#pragma omp parallel for schedule(static) if (N * C * S > 65536)
  for (int64_t nt = 0; nt < N * tiles; nt++) {
    int64_t n = nt / tiles, x0 = nt % tiles * T, x1 = x0 + T < S ? x0 + T : S;
    float *p = f + n * C * S;
    uint16_t *q = h + n * S * C;
    for (int64_t c = 0; c < C; c++)
      for (int64_t x = x0; x < x1; x++)
        if (to_cl)
          q[x * C + c] = nn_f32_to_bf16(p[c * S + x]);
        else
          p[c * S + x] = nn_bf16_to_f32(q[x * C + c]);
  }
}

int nn_reorder(const nn_tensor *src, nn_tensor *dst, nn_err *err) {
  if (nn_dtype_size(src->dtype) != 4 || nn_dtype_size(dst->dtype) != 4 ||
      !nn_same_shape(src, dst) || src->ndim < 3)
    return nn_fail(err, NN_EINVAL, "reorder needs two tensors of the same shape, rank >= 3, "
                   "4-byte elements");
  int64_t N = src->dims[0], C = src->dims[1], S = 1;
  for (int i = 2; i < src->ndim; i++) S *= src->dims[i];
  const float *s = src->data;
  float *d = dst->data;
  int sb = src->block, db = dst->block;
  if (sb == db) {
    memcpy(d, s, nn_nbytes(src));
    return NN_OK;
  }
  if (sb < 0 || db < 0) {
    if (sb > 0 || db > 0)
      return nn_fail(err, NN_EINVAL, "reorder between the channel-blocked and channels-last "
                     "layouts is not supported");
    if (sb < 0) convert_cl(d, src->data, N, C, S, 0);
    else convert_cl((float *)s, dst->data, N, C, S, 1);
    return NN_OK;
  }
  if (!sb) { /* plain -> blocked: each block gathers B channel rows */
    int64_t cb = (C + db - 1) / db;
#pragma omp parallel for schedule(static)
    for (int64_t nb = 0; nb < N * cb; nb++) {
      int64_t n = nb / cb, c0 = (nb % cb) * db, live = C - c0 < db ? C - c0 : db;
      float *o = d + nb * S * db;
      const float *in = s + (n * C + c0) * S;
      for (int64_t x = 0; x < S; x++) {
        for (int64_t c = 0; c < live; c++) o[x * db + c] = in[c * S + x];
        for (int64_t c = live; c < db; c++) o[x * db + c] = 0;
      }
    }
    return NN_OK;
  }
  if (!db) { /* blocked -> plain */
    int64_t cb = (C + sb - 1) / sb;
#pragma omp parallel for schedule(static)
    for (int64_t nb = 0; nb < N * cb; nb++) {
      int64_t n = nb / cb, c0 = (nb % cb) * sb, live = C - c0 < sb ? C - c0 : sb;
      const float *in = s + nb * S * sb;
      float *o = d + (n * C + c0) * S;
      for (int64_t c = 0; c < live; c++)
        for (int64_t x = 0; x < S; x++) o[c * S + x] = in[x * sb + c];
    }
    return NN_OK;
  }
  /* blocked -> blocked with another block */
  int64_t total = nn_storage_numel(dst);
  memset(d, 0, (size_t)total * 4);
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < N; n++)
    for (int64_t c = 0; c < C; c++)
      for (int64_t x = 0; x < S; x++)
        d[nn_blocked_index(n, c, x, C, S, db)] = s[nn_blocked_index(n, c, x, C, S, sb)];
  return NN_OK;
}
