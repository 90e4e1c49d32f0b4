/* safetensors reading (checked field by field: the file is untrusted) and atomic writing. */
#define _POSIX_C_SOURCE 200809L
#include "train/safetensors.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
  const char *name;
  size_t size;
} dtypes[ST_NDTYPES] = {
    [ST_BOOL] = {"BOOL", 1}, [ST_U8] = {"U8", 1},     [ST_I8] = {"I8", 1},
    [ST_I16] = {"I16", 2},   [ST_U16] = {"U16", 2},   [ST_F16] = {"F16", 2},
    [ST_BF16] = {"BF16", 2}, [ST_I32] = {"I32", 4},   [ST_U32] = {"U32", 4},
    [ST_F32] = {"F32", 4},   [ST_F64] = {"F64", 8},   [ST_I64] = {"I64", 8},
    [ST_U64] = {"U64", 8},   [ST_F8_E5M2] = {"F8_E5M2", 1}, [ST_F8_E4M3] = {"F8_E4M3", 1},
};

size_t st_dtype_size(st_dtype t) { return (unsigned)t < ST_NDTYPES ? dtypes[t].size : 0; }
const char *st_dtype_name(st_dtype t) { return (unsigned)t < ST_NDTYPES ? dtypes[t].name : "?"; }

void st_free(st_file *f) {
  if (!f) return;
  free(f->tensors);
  free(f->meta);
  free(f->owned_bytes);
  free(f->strings);
  memset(f, 0, sizeof *f);
}

const st_tensor *st_find(const st_file *f, const char *name) {
  for (int i = 0; i < f->count; i++)
    if (!strcmp(f->tensors[i].name, name)) return &f->tensors[i];
  return NULL;
}

/* a JSON number that is a whole number in [0, 2^53] */
static int whole(const cJSON *v, uint64_t *out) {
  if (!cJSON_IsNumber(v)) return 0;
  double d = v->valuedouble;
  if (!(d >= 0 && d <= 9007199254740992.0) || d != floor(d)) return 0;
  *out = (uint64_t)d;
  return 1;
}

static int by_offset(const void *a, const void *b) {
  const st_tensor *x = a, *y = b;
  const uint8_t *p = x->data, *q = y->data;
  return p < q ? -1 : p > q ? 1 : (x->nbytes > y->nbytes) - (x->nbytes < y->nbytes);
}

/* one tensor entry: dtype, shape, data_offsets */
static int parse_tensor(const cJSON *e, const uint8_t *data, uint64_t data_size, st_tensor *t,
                        nn_err *err) {
  const char *name = e->string;
  if (!cJSON_IsObject(e))
    return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s' is not an object", name);
  const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
  const cJSON *offs = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
  if (!cJSON_IsString(dt) || !cJSON_IsArray(shape) || !cJSON_IsArray(offs))
    return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s' needs dtype, shape and "
                   "data_offsets", name);
  t->dtype = ST_NDTYPES;
  for (int k = 0; k < ST_NDTYPES; k++)
    if (!strcmp(dt->valuestring, dtypes[k].name)) t->dtype = (st_dtype)k;
  if (t->dtype == ST_NDTYPES)
    return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s' has an unknown dtype '%.32s'",
                   name, dt->valuestring);
  int nd = cJSON_GetArraySize(shape);
  if (nd > ST_MAX_DIMS)
    return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s' has %d dimensions (at most %d)",
                   name, nd, ST_MAX_DIMS);
  t->ndim = nd;
  uint64_t bytes = dtypes[t->dtype].size;
  int zero = 0;
  for (int k = 0; k < nd; k++) {
    uint64_t d;
    if (!whole(cJSON_GetArrayItem(shape, k), &d))
      return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s': dimension %d is not a "
                     "whole number >= 0", name, k);
    t->shape[k] = (int64_t)d;
    if (d == 0) zero = 1;
    else if (!zero && bytes > UINT64_MAX / d)
      return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s': its shape overflows", name);
    else if (!zero) bytes *= d;
  }
  if (zero) bytes = 0;
  uint64_t begin, end;
  if (cJSON_GetArraySize(offs) != 2 || !whole(cJSON_GetArrayItem(offs, 0), &begin) ||
      !whole(cJSON_GetArrayItem(offs, 1), &end) || begin > end || end > data_size)
    return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s': data_offsets are not two "
                   "offsets inside the data (%llu bytes)", name, (unsigned long long)data_size);
  if (end - begin != bytes)
    return nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s': its offsets span %llu bytes, "
                   "its shape needs %llu", name, (unsigned long long)(end - begin),
                   (unsigned long long)bytes);
  t->data = data + begin;
  t->nbytes = (size_t)bytes;
  return NN_OK;
}

/* copies s into the string block at *pos */
static const char *keep(char *block, size_t *pos, const char *s) {
  size_t n = strlen(s) + 1;
  memcpy(block + *pos, s, n);
  *pos += n;
  return block + *pos - n;
}

static int parse_header(const cJSON *root, const uint8_t *data, uint64_t data_size,
                        st_file *out, nn_err *err) {
  int n = 0, nmeta = 0;
  size_t chars = 0;
  const cJSON *metadata = NULL;
  for (const cJSON *e = root->child; e; e = e->next) {
    if (!e->string) return nn_fail(err, NN_EFORMAT, "safetensors: header entry without a name");
    if (!strcmp(e->string, "__metadata__")) {
      if (metadata || !cJSON_IsObject(e))
        return nn_fail(err, NN_EFORMAT, "safetensors: __metadata__ is not one object");
      metadata = e;
      for (const cJSON *m = e->child; m; m = m->next) {
        if (!m->string || !cJSON_IsString(m))
          return nn_fail(err, NN_EFORMAT, "safetensors: metadata values must be strings");
        chars += strlen(m->string) + strlen(m->valuestring) + 2;
        nmeta++;
      }
      continue;
    }
    chars += strlen(e->string) + 1;
    n++;
  }
  out->tensors = calloc(n ? n : 1, sizeof *out->tensors);
  out->meta = calloc(nmeta ? nmeta : 1, sizeof *out->meta);
  out->strings = malloc(chars ? chars : 1);
  if (!out->tensors || !out->meta || !out->strings)
    return nn_fail(err, NN_ENOMEM, "safetensors: out of memory for the header");
  size_t pos = 0;
  for (const cJSON *e = root->child; e; e = e->next) {
    if (e == metadata) continue;
    st_tensor *t = &out->tensors[out->count];
    int rc = parse_tensor(e, data, data_size, t, err);
    if (rc) return rc;
    t->name = keep(out->strings, &pos, e->string);
    out->count++;
  }
  if (metadata)
    for (const cJSON *m = metadata->child; m; m = m->next, out->nmeta++) {
      out->meta[out->nmeta].key = keep(out->strings, &pos, m->string);
      out->meta[out->nmeta].value = keep(out->strings, &pos, m->valuestring);
    }
  /* names are unique; the tensors tile the data exactly, in some order */
  st_tensor *sorted = malloc((n ? n : 1) * sizeof *sorted);
  if (!sorted) return nn_fail(err, NN_ENOMEM, "safetensors: out of memory for the header");
  memcpy(sorted, out->tensors, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, by_offset);
  const uint8_t *at = data;
  int rc = NN_OK;
  for (int i = 0; i < n && !rc; i++) {
    if ((const uint8_t *)sorted[i].data != at)
      rc = nn_fail(err, NN_EFORMAT, "safetensors: tensor '%s' %s another's data",
                   sorted[i].name, (const uint8_t *)sorted[i].data < at ? "overlaps" :
                   "leaves a hole before");
    at += sorted[i].nbytes;
  }
  free(sorted);
  if (!rc && (uint64_t)(at - data) != data_size)
    rc = nn_fail(err, NN_EFORMAT, "safetensors: %llu bytes after the last tensor",
                 (unsigned long long)(data_size - (uint64_t)(at - data)));
  for (int i = 0; i < n && !rc; i++)
    for (int j = i + 1; j < n && !rc; j++)
      if (!strcmp(out->tensors[i].name, out->tensors[j].name))
        rc = nn_fail(err, NN_EFORMAT, "safetensors: two tensors are called '%s'",
                     out->tensors[i].name);
  return rc;
}

int st_parse(const uint8_t *bytes, size_t size, st_file *out, nn_err *err) {
  memset(out, 0, sizeof *out);
  if (size < 8) return nn_fail(err, NN_EFORMAT, "safetensors: %zu bytes, too short", size);
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; i--) hlen = hlen << 8 | bytes[i];
  if (hlen > ST_MAX_HEADER || hlen > size - 8)
    return nn_fail(err, NN_EFORMAT, "safetensors: a header of %llu bytes in a file of %zu "
                   "(at most %u)", (unsigned long long)hlen, size, ST_MAX_HEADER);
  const char *json = (const char *)bytes + 8;
  if (hlen < 2 || json[0] != '{')
    return nn_fail(err, NN_EFORMAT, "safetensors: the header is not a JSON object");
  if (memchr(json, 0, hlen))
    return nn_fail(err, NN_EFORMAT, "safetensors: the header holds a NUL byte");
  cJSON *root = cJSON_ParseWithLength(json, hlen);
  if (!root || !cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return nn_fail(err, NN_EFORMAT, "safetensors: the header is not valid JSON");
  }
  int rc = parse_header(root, bytes + 8 + hlen, size - 8 - hlen, out, err);
  cJSON_Delete(root);
  if (rc) st_free(out);
  return rc;
}

int st_read(const char *path, st_file *out, nn_err *err) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) return nn_fail(err, NN_EIO, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
    fclose(f);
    return nn_fail(err, NN_EIO, "%s: not a regular file", path);
  }
  if ((uint64_t)st.st_size > ST_MAX_FILE) {
    fclose(f);
    return nn_fail(err, NN_EFORMAT, "%s: %lld bytes, more than a checkpoint may have (%zu)",
                   path, (long long)st.st_size, ST_MAX_FILE);
  }
  size_t size = (size_t)st.st_size;
  uint8_t *bytes = malloc(size ? size : 1);
  if (!bytes) {
    fclose(f);
    return nn_fail(err, NN_ENOMEM, "%s: out of memory for %zu bytes", path, size);
  }
  size_t got = fread(bytes, 1, size, f);
  fclose(f);
  if (got != size) {
    free(bytes);
    return nn_fail(err, NN_EIO, "%s: read %zu of %zu bytes", path, got, size);
  }
  int rc = st_parse(bytes, size, out, err);
  if (rc) {
    free(bytes);
    if (err) {
      char why[sizeof err->msg];
      memcpy(why, err->msg, sizeof why);
      nn_fail(err, rc, "%.200s: %.300s", path, why);
    }
    return rc;
  }
  out->owned_bytes = bytes;
  return NN_OK;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static float half_to_float(uint16_t h) {
  int e = h >> 10 & 31, m = h & 1023;
  float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY)
                                                     : ldexpf((float)(m | 1024), e - 25);
  return h & 0x8000 ? -v : v;
}

int st_to_float(const st_tensor *t, float *dst, size_t count, nn_err *err) {
  size_t es = st_dtype_size(t->dtype);
  if (!es || t->nbytes != count * es)
    return nn_fail(err, NN_EINVAL, "safetensors: tensor '%s' holds %zu bytes of %s, not %zu "
                   "values", t->name, t->nbytes, st_dtype_name(t->dtype), count);
  const uint8_t *p = t->data;
  for (size_t i = 0; i < count; i++, p += es) {
    uint32_t u;
    uint64_t v;
    double d;
    switch (t->dtype) {
    case ST_F32:
      u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
      memcpy(&dst[i], &u, 4);
      break;
    case ST_BF16:
      u = (uint32_t)rd16(p) << 16;
      memcpy(&dst[i], &u, 4);
      break;
    case ST_F16: dst[i] = half_to_float(rd16(p)); break;
    case ST_F64:
      v = 0;
      for (int k = 7; k >= 0; k--) v = v << 8 | p[k];
      memcpy(&d, &v, 8);
      dst[i] = (float)d;
      break;
    default:
      return nn_fail(err, NN_EINVAL, "safetensors: tensor '%s' is %s, not a float type",
                     t->name, st_dtype_name(t->dtype));
    }
  }
  return NN_OK;
}

/* the header's JSON, padded with spaces to a multiple of 8 bytes */
static char *make_header(const st_tensor *ts, int n, const st_meta *meta, int nmeta,
                         size_t *len) {
  cJSON *root = cJSON_CreateObject();
  if (!root) return NULL;
  int ok = 1;
  if (nmeta) {
    cJSON *m = cJSON_AddObjectToObject(root, "__metadata__");
    ok = m != NULL;
    for (int i = 0; ok && i < nmeta; i++)
      ok = cJSON_AddStringToObject(m, meta[i].key, meta[i].value) != NULL;
  }
  uint64_t at = 0;
  for (int i = 0; ok && i < n; i++) {
    cJSON *e = cJSON_AddObjectToObject(root, ts[i].name), *shape, *offs;
    ok = e && cJSON_AddStringToObject(e, "dtype", st_dtype_name(ts[i].dtype)) &&
         (shape = cJSON_AddArrayToObject(e, "shape")) &&
         (offs = cJSON_AddArrayToObject(e, "data_offsets"));
    for (int k = 0; ok && k < ts[i].ndim; k++)
      ok = cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)ts[i].shape[k]));
    ok = ok && cJSON_AddItemToArray(offs, cJSON_CreateNumber((double)at)) &&
         cJSON_AddItemToArray(offs, cJSON_CreateNumber((double)(at + ts[i].nbytes)));
    at += ts[i].nbytes;
  }
  char *json = ok ? cJSON_PrintUnformatted(root) : NULL;
  cJSON_Delete(root);
  if (!json) return NULL;
  size_t l = strlen(json), padded = (l + 7) / 8 * 8;
  char *out = realloc(json, padded + 1);
  if (!out) {
    free(json);
    return NULL;
  }
  memset(out + l, ' ', padded - l);
  out[padded] = 0;
  *len = padded;
  return out;
}

static int write_all(int fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

int st_write(const char *path, const st_tensor *tensors, int n, const st_meta *meta, int nmeta,
             nn_err *err) {
  for (int i = 0; i < n; i++) {
    size_t need = st_dtype_size(tensors[i].dtype);
    for (int k = 0; k < tensors[i].ndim; k++) need *= (size_t)tensors[i].shape[k];
    if (!st_dtype_size(tensors[i].dtype) || tensors[i].ndim < 0 ||
        tensors[i].ndim > ST_MAX_DIMS || need != tensors[i].nbytes || !tensors[i].name ||
        !strcmp(tensors[i].name, "__metadata__"))
      return nn_fail(err, NN_EINVAL, "safetensors: tensor %d ('%s') is not consistent", i,
                     tensors[i].name ? tensors[i].name : "");
  }
  size_t hlen;
  char *header = make_header(tensors, n, meta, nmeta, &hlen);
  if (!header) return nn_fail(err, NN_ENOMEM, "safetensors: out of memory for the header");
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp) {
    free(header);
    return nn_fail(err, NN_ENOMEM, "safetensors: out of memory");
  }
  snprintf(tmp, plen + 16, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    free(header);
    free(tmp);
    return nn_fail(err, NN_EIO, "%s: cannot create a file beside it: %s", path, strerror(e));
  }
  uint8_t len8[8];
  for (int i = 0; i < 8; i++) len8[i] = (uint8_t)((uint64_t)hlen >> (8 * i));
  int bad = write_all(fd, len8, 8) || write_all(fd, header, hlen);
  for (int i = 0; i < n && !bad; i++) bad = write_all(fd, tensors[i].data, tensors[i].nbytes);
  int e = errno;
  if (!bad && fsync(fd)) bad = 1, e = errno;
  if (!bad) (void)fchmod(fd, 0644); /* mkstemp made it 0600: a checkpoint is for sharing */
  if (close(fd) && !bad) bad = 1, e = errno;
  if (!bad && rename(tmp, path)) bad = 1, e = errno;
  if (bad) unlink(tmp);
  free(header);
  free(tmp);
  return bad ? nn_fail(err, NN_EIO, "%s: cannot write: %s", path, strerror(e)) : NN_OK;
}
