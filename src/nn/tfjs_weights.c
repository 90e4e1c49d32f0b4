/* Decoding of a TensorFlow.js weights manifest (see tfjs_weights.h). */
#include "nn/tfjs_weights.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/tensor.h"

static int fail(char *err, size_t err_size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_size, fmt, ap);
  va_end(ap);
  return -1;
}

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c) memcpy(c, s, n);
  return c;
}

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }

/* Shape and element count; -1 on a bad or overflowing shape. */
static int read_shape(const cJSON *shape, tfjs_weight *w) {
  if (!cJSON_IsArray(shape)) return -1;
  int rank = cJSON_GetArraySize(shape);
  if (rank > TFJS_MAX_DIMS) return -1;
  size_t count = 1;
  for (int d = 0; d < rank; d++) {
    const cJSON *v = cJSON_GetArrayItem(shape, d);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12) return -1;
    w->dims[d] = (int64_t)v->valuedouble;
    if (w->dims[d] && count > SIZE_MAX / 8 / (size_t)w->dims[d]) return -1;
    count *= (size_t)w->dims[d];
  }
  w->rank = rank;
  w->count = count;
  return 0;
}

/* One weight from P (AVAIL bytes left); the bytes it took in *USED. */
static int decode_one(const cJSON *spec, const uint8_t *p, size_t avail, tfjs_weight *w,
                      size_t *used, char *err, size_t err_size) {
  const char *dtype = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "dtype"));
  const cJSON *q = cJSON_GetObjectItemCaseSensitive(spec, "quantization");
  if (!dtype) return fail(err, err_size, "weight %s: no dtype", w->name);
  if (read_shape(cJSON_GetObjectItemCaseSensitive(spec, "shape"), w))
    return fail(err, err_size, "weight %s: bad shape", w->name);
  w->is_int = !strcmp(dtype, "int32");
  if (!w->is_int && strcmp(dtype, "float32"))
    return fail(err, err_size, "weight %s: dtype %s is not supported", w->name, dtype);
  const char *qtype = q ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "dtype")) : NULL;
  if (q && !qtype) return fail(err, err_size, "weight %s: quantization without a dtype", w->name);
  size_t elem = 4;
  if (qtype) {
    if (!strcmp(qtype, "uint8")) elem = 1;
    else if (!strcmp(qtype, "uint16") || !strcmp(qtype, "float16")) elem = 2;
    else return fail(err, err_size, "weight %s: quantization %s is not supported", w->name, qtype);
  }
  if (w->count > avail / elem)
    return fail(err, err_size, "weight %s: needs %zu bytes, the weight files have %zu left",
                w->name, w->count * elem, avail);
  *used = w->count * elem;
  size_t n = w->count ? w->count : 1;
  if (w->is_int) w->i = malloc(n * sizeof *w->i);
  else w->f = malloc(n * sizeof *w->f);
  if (!w->i && !w->f) return fail(err, err_size, "weight %s: out of memory", w->name);
  if (!qtype) {
    for (size_t k = 0; k < w->count; k++) {
      uint32_t bits = rd32(p + 4 * k);
      if (w->is_int) w->i[k] = (int32_t)bits;
      else memcpy(&w->f[k], &bits, 4);
    }
    return 0;
  }
  if (!strcmp(qtype, "float16")) {
    if (w->is_int) return fail(err, err_size, "weight %s: float16 quantization of int32", w->name);
    for (size_t k = 0; k < w->count; k++) w->f[k] = nn_half_to_float((uint16_t)rd16(p + 2 * k));
    return 0;
  }
  const cJSON *mn = cJSON_GetObjectItemCaseSensitive(q, "min");
  const cJSON *sc = cJSON_GetObjectItemCaseSensitive(q, "scale");
  if (!cJSON_IsNumber(mn) || !cJSON_IsNumber(sc))
    return fail(err, err_size, "weight %s: %s quantization needs min and scale", w->name, qtype);
  double lo = mn->valuedouble, scale = sc->valuedouble;
  for (size_t k = 0; k < w->count; k++) {
    double v = lo + scale * (elem == 1 ? p[k] : rd16(p + 2 * k));
    if (w->is_int) w->i[k] = (int32_t)(v < 0 ? v - 0.5 : v + 0.5);
    else w->f[k] = (float)v;
  }
  return 0;
}

int tfjs_weights_decode(const cJSON *manifest, const uint8_t *data, size_t size, tfjs_weights *out,
                        char *err, size_t err_size) {
  memset(out, 0, sizeof *out);
  if (!cJSON_IsArray(manifest)) return fail(err, err_size, "weightsManifest is not a list");
  size_t total = 0;
  const cJSON *group;
  cJSON_ArrayForEach(group, manifest) {
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(group, "weights");
    if (!cJSON_IsArray(ws)) return fail(err, err_size, "a weightsManifest group has no weights list");
    total += (size_t)cJSON_GetArraySize(ws);
  }
  out->w = calloc(total ? total : 1, sizeof *out->w);
  if (!out->w) return fail(err, err_size, "out of memory");
  size_t off = 0;
  cJSON_ArrayForEach(group, manifest) {
    const cJSON *spec;
    cJSON_ArrayForEach(spec, cJSON_GetObjectItemCaseSensitive(group, "weights")) {
      tfjs_weight *w = &out->w[out->n++];
      const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "name"));
      if (!name) {
        tfjs_weights_free(out);
        return fail(err, err_size, "a weight has no name");
      }
      w->name = copy_string(name);
      size_t used = 0;
      if (!w->name || decode_one(spec, data + off, size - off, w, &used, err, err_size)) {
        if (!w->name) fail(err, err_size, "out of memory");
        tfjs_weights_free(out);
        return -1;
      }
      off += used;
    }
  }
  out->bytes = off;
  return 0;
}

const tfjs_weight *tfjs_weights_find(const tfjs_weights *ws, const char *name) {
  for (size_t k = 0; k < ws->n; k++)
    if (!strcmp(ws->w[k].name, name)) return &ws->w[k];
  return NULL;
}

void tfjs_weights_free(tfjs_weights *ws) {
  for (size_t k = 0; k < ws->n; k++) {
    free(ws->w[k].name);
    free(ws->w[k].f);
    free(ws->w[k].i);
  }
  free(ws->w);
  memset(ws, 0, sizeof *ws);
}
