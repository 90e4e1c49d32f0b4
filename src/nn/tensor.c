#include "nn/tensor.h"
#include "nn/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t nn_dtype_size(nn_dtype t) {
  switch (t) {
    case NN_F32: case NN_F16: case NN_I32: case NN_U32: return 4;
    case NN_U8: case NN_I8: case NN_BOOL: return 1;
    case NN_U16: case NN_I16: return 2;
    case NN_I64: case NN_U64: case NN_F64: return 8;
    default: return 0;
  }
}

int nn_dtype_supported(nn_dtype t) { return nn_dtype_size(t) != 0; }

int nn_dtype_is_float(nn_dtype t) { return t == NN_F32 || t == NN_F16 || t == NN_F64; }

const char *nn_dtype_name(nn_dtype t) {
  switch (t) {
    case NN_F32: return "float32";
    case NN_U8: return "uint8";
    case NN_I8: return "int8";
    case NN_U16: return "uint16";
    case NN_I16: return "int16";
    case NN_I32: return "int32";
    case NN_I64: return "int64";
    case NN_STRING: return "string";
    case NN_BOOL: return "bool";
    case NN_F16: return "float16";
    case NN_F64: return "float64";
    case NN_U32: return "uint32";
    case NN_U64: return "uint64";
    case NN_BF16: return "bfloat16";
    default: return "unknown type";
  }
}

int64_t nn_numel(const nn_tensor *t) {
  int64_t n = 1;
  for (int i = 0; i < t->ndim; i++) n *= t->dims[i];
  return n;
}

int64_t nn_storage_numel(const nn_tensor *t) {
  if (t->block <= 0 || t->ndim < 3) return nn_numel(t); /* plain, channels-last: no padding */
  int64_t n = t->dims[0] * ((t->dims[1] + t->block - 1) / t->block) * t->block;
  for (int i = 2; i < t->ndim; i++) n *= t->dims[i];
  return n;
}

size_t nn_elem_size(const nn_tensor *t) {
  return t->block < 0 ? 2 : nn_dtype_size(t->dtype);
}

size_t nn_nbytes(const nn_tensor *t) { return (size_t)nn_storage_numel(t) * nn_elem_size(t); }

void nn_set_shape(nn_tensor *t, nn_dtype dtype, int ndim, const int64_t *dims) {
  t->dtype = dtype;
  t->ndim = ndim;
  for (int i = 0; i < ndim && i < NN_MAX_DIMS; i++) t->dims[i] = dims[i];
}

int nn_same_shape(const nn_tensor *a, const nn_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  return 1;
}

const char *nn_shape_str(const nn_tensor *t, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = 0;
  if (t->ndim < 0) {
    snprintf(buf, len, "(unknown)");
    return buf;
  }
  if (t->ndim == 0) {
    snprintf(buf, len, "scalar");
    return buf;
  }
  for (int i = 0; i < t->ndim && used < len; i++)
    used += snprintf(buf + used, len - used, i ? "x%lld" : "%lld", (long long)t->dims[i]);
  return buf;
}

static int tensor_alloc(nn_tensor *t, int zero, nn_err *err) {
  size_t es = nn_dtype_size(t->dtype);
  if (!es) return nn_fail(err, NN_EUNSUPPORTED, "tensors of type %s are not supported",
                          nn_dtype_name(t->dtype));
  int64_t n = 1;
  for (int i = 0; i < t->ndim; i++) {
    if (t->dims[i] < 0) return nn_fail(err, NN_EINVAL, "negative dimension %lld",
                                       (long long)t->dims[i]);
    if (t->dims[i] && n > (INT64_C(1) << 40) / t->dims[i])
      return nn_fail(err, NN_ENOMEM, "tensor too large");
    n *= t->dims[i];
  }
  size_t bytes = nn_nbytes(t);
  size_t rounded = (bytes + 63) / 64 * 64;
  if (!rounded) rounded = 64;
  /* large ones on huge pages (nn/mem.h): a fault per 2 MiB, and zeroed by the kernel */
  int large = rounded >= NN_MEM_HUGE;
  void *p = large ? nn_mem_alloc(rounded) : aligned_alloc(64, rounded);
  if (!p) return nn_fail(err, NN_ENOMEM, "out of memory allocating %zu bytes", bytes);
  if (zero && !large) memset(p, 0, rounded);
  t->data = p;
  t->owned = large ? 2 : 1;
  t->cap = rounded;
  return NN_OK;
}

int nn_tensor_alloc(nn_tensor *t, nn_err *err) { return tensor_alloc(t, 1, err); }

nn_tensor *nn_tensor_new_unset(nn_dtype dtype, int ndim, const int64_t *dims, nn_err *err) {
  nn_tensor *t = calloc(1, sizeof *t);
  if (!t) {
    nn_fail(err, NN_ENOMEM, "out of memory");
    return NULL;
  }
  nn_set_shape(t, dtype, ndim, dims);
  if (tensor_alloc(t, 0, err)) {
    free(t);
    return NULL;
  }
  return t;
}

nn_tensor *nn_tensor_new(nn_dtype dtype, int ndim, const int64_t *dims, nn_err *err) {
  nn_tensor *t = calloc(1, sizeof *t);
  if (!t) {
    nn_fail(err, NN_ENOMEM, "out of memory");
    return NULL;
  }
  nn_set_shape(t, dtype, ndim, dims);
  if (nn_tensor_alloc(t, err)) {
    free(t);
    return NULL;
  }
  return t;
}

nn_tensor *nn_tensor_clone(const nn_tensor *src, nn_err *err) {
  nn_tensor *t = calloc(1, sizeof *t);
  if (!t) {
    nn_fail(err, NN_ENOMEM, "out of memory");
    return NULL;
  }
  nn_set_shape(t, src->dtype, src->ndim, src->dims);
  t->block = src->block;
  if (nn_tensor_alloc(t, err)) {
    free(t);
    return NULL;
  }
  if (src->data) memcpy(t->data, src->data, nn_nbytes(src));
  return t;
}

void nn_tensor_release(nn_tensor *t) {
  if (t && t->owned == 2) nn_mem_free(t->data, t->cap);
  else if (t && t->owned) free(t->data);
  if (t) {
    t->data = NULL;
    t->owned = 0;
  }
}

void nn_tensor_free(nn_tensor *t) {
  if (!t) return;
  nn_tensor_release(t);
  free(t);
}

double nn_get(const nn_tensor *t, int64_t i) {
  const void *d = t->data;
  switch (t->dtype) {
    case NN_F32: case NN_F16: return ((const float *)d)[i];
    case NN_F64: return ((const double *)d)[i];
    case NN_U8: case NN_BOOL: return ((const uint8_t *)d)[i];
    case NN_I8: return ((const int8_t *)d)[i];
    case NN_U16: return ((const uint16_t *)d)[i];
    case NN_I16: return ((const int16_t *)d)[i];
    case NN_I32: return ((const int32_t *)d)[i];
    case NN_U32: return ((const uint32_t *)d)[i];
    case NN_I64: return (double)((const int64_t *)d)[i];
    case NN_U64: return (double)((const uint64_t *)d)[i];
    default: return 0;
  }
}

int64_t nn_get_i64(const nn_tensor *t, int64_t i) {
  switch (t->dtype) {
    case NN_I64: return ((const int64_t *)t->data)[i];
    case NN_U64: return (int64_t)((const uint64_t *)t->data)[i];
    default: return (int64_t)nn_get(t, i);
  }
}

void nn_set(nn_tensor *t, int64_t i, double v) {
  void *d = t->data;
  switch (t->dtype) {
    case NN_F32: ((float *)d)[i] = (float)v; break;
    case NN_F16: ((float *)d)[i] = nn_round_half((float)v); break;
    case NN_F64: ((double *)d)[i] = v; break;
    case NN_U8: ((uint8_t *)d)[i] = (uint8_t)(int64_t)v; break;
    case NN_BOOL: ((uint8_t *)d)[i] = v != 0; break;
    case NN_I8: ((int8_t *)d)[i] = (int8_t)(int64_t)v; break;
    case NN_U16: ((uint16_t *)d)[i] = (uint16_t)(int64_t)v; break;
    case NN_I16: ((int16_t *)d)[i] = (int16_t)(int64_t)v; break;
    case NN_I32: ((int32_t *)d)[i] = (int32_t)(int64_t)v; break;
    case NN_U32: ((uint32_t *)d)[i] = (uint32_t)(int64_t)v; break;
    case NN_I64: ((int64_t *)d)[i] = (int64_t)v; break;
    case NN_U64: ((uint64_t *)d)[i] = (uint64_t)v; break;
    default: break;
  }
}

float nn_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else { /* subnormal: normalise */
      int e = -1;
      do {
        e++;
        man <<= 1;
      } while (!(man & 0x400));
      bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx,f16c"))) static void halves_f16c(const uint16_t *src, float *dst,
                                                            int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
  for (; i < n; i++) dst[i] = nn_half_to_float(src[i]);
}
#endif

void nn_halves_to_floats(const void *src, float *dst, int64_t n) {
  const uint16_t *h = src;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("f16c")) {
    /* (in parallel: a model's weights are tens of millions of halves) */
#pragma omp parallel for schedule(static) if (n > (1 << 20))
    for (int64_t at = 0; at < n; at += 1 << 16)
      halves_f16c(h + at, dst + at, n - at < (1 << 16) ? n - at : 1 << 16);
    return;
  }
#endif
  for (int64_t i = 0; i < n; i++) {
    uint16_t v;
    memcpy(&v, h + i, 2);
    dst[i] = nn_half_to_float(v);
  }
}

uint16_t nn_float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) /* inf or nan */
    return (uint16_t)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00); /* rounds to >= 65520: inf */
  if (ax < 0x38800000u) { /* below the smallest normal half: subnormal or zero */
    float a;
    memcpy(&a, &ax, 4);
    /* a * 2^24 rounded to nearest even gives the subnormal mantissa */
    float m = nearbyintf(a * 16777216.0f);
    return (uint16_t)(sign | (uint32_t)m);
  }
  uint32_t mant = ax & 0x7fffff, exp = (ax >> 23) - 127 + 15;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;
  return (uint16_t)(sign | h);
}

float nn_round_half(float f) { return nn_half_to_float(nn_float_to_half(f)); }

void nn_strides(const nn_tensor *t, int64_t *strides) {
  int64_t s = 1;
  for (int i = t->ndim - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t->dims[i];
  }
}
