/* safetensors: the checkpoint format of training (the one PyTorch users read with
 * safetensors.torch.load_file). A file is an 8-byte little-endian header length N, N bytes of
 * JSON ({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * optionally "__metadata__": {"key": "value"}}, padded with spaces), then the tensors' bytes,
 * little-endian, at those offsets from the end of the header.
 *
 * Files are untrusted input: st_parse checks every field (known dtype, shape products that
 * do not overflow, offsets inside the data that match the shape, tensors neither overlapping
 * nor leaving holes, no duplicate names, header at most ST_MAX_HEADER bytes) and fails with a
 * message naming what is wrong. */
#ifndef CUTOUT_TRAIN_SAFETENSORS_H
#define CUTOUT_TRAIN_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "nn/error.h"

#define ST_MAX_HEADER (100u << 20) /* the reference implementation's limit */
#define ST_MAX_DIMS 8
#define ST_MAX_FILE ((size_t)1 << 33) /* 8 GiB: larger files are refused before reading */

typedef enum st_dtype {
  ST_BOOL, ST_U8, ST_I8, ST_I16, ST_U16, ST_F16, ST_BF16, ST_I32, ST_U32, ST_F32, ST_F64,
  ST_I64, ST_U64, ST_F8_E5M2, ST_F8_E4M3, ST_NDTYPES
} st_dtype;

typedef struct st_tensor {
  const char *name; /* NUL-terminated */
  st_dtype dtype;
  int ndim;
  int64_t shape[ST_MAX_DIMS];
  const void *data; /* nbytes bytes, little-endian, not necessarily aligned */
  size_t nbytes;
} st_tensor;

typedef struct st_meta {
  const char *key, *value;
} st_meta;

/* A parsed file. Names, metadata and data point into the file's bytes or into storage the
 * struct owns; st_free releases them. */
typedef struct st_file {
  st_tensor *tensors;
  int count;
  st_meta *meta;
  int nmeta;
  void *owned_bytes; /* the file's bytes when st_read read them */
  void *strings;     /* storage for the names and metadata */
} st_file;

/* Bytes per element, and the dtype's name in the format ("F32", ...). */
size_t st_dtype_size(st_dtype t);
const char *st_dtype_name(st_dtype t);

/* Parses size bytes of a safetensors file. The tensors' data point into bytes, which must
 * outlive *out. On failure *out is empty and err says why (NN_EFORMAT, NN_ENOMEM). */
int st_parse(const uint8_t *bytes, size_t size, st_file *out, nn_err *err);

/* Reads and parses the file at path (at most ST_MAX_FILE bytes). */
int st_read(const char *path, st_file *out, nn_err *err);

void st_free(st_file *f);

/* The tensor called name, or NULL. */
const st_tensor *st_find(const st_file *f, const char *name);

/* Copies tensor t into dst as float (from F32, F16, BF16 or F64); count must be its element
 * count. NN_EINVAL for other dtypes or a count that differs. */
int st_to_float(const st_tensor *t, float *dst, size_t count, nn_err *err);

/* Writes n tensors (their data as given, little-endian) and nmeta metadata pairs to path:
 * into a temporary file beside it, flushed to disk and renamed over path only when all was
 * written, so a full disk or a crash never leaves a partial or damaged checkpoint. */
int st_write(const char *path, const st_tensor *tensors, int n, const st_meta *meta, int nmeta,
             nn_err *err);

#endif
