/* Tensors: element types, shapes and storage. */
#ifndef CUTOUT_NN_TENSOR_H
#define CUTOUT_NN_TENSOR_H
#include <stddef.h>
#include <stdint.h>

#include "nn/error.h"

#define NN_MAX_DIMS 8

/* Element types use ONNX's TensorProto.DataType numbers.
 * Storage: NN_F16 values are held as float (rounded to half precision by Cast),
 * so every floating-point op works on float or double. */
typedef enum nn_dtype {
  NN_UNDEFINED = 0,
  NN_F32 = 1,
  NN_U8 = 2,
  NN_I8 = 3,
  NN_U16 = 4,
  NN_I16 = 5,
  NN_I32 = 6,
  NN_I64 = 7,
  NN_STRING = 8, /* not supported */
  NN_BOOL = 9,
  NN_F16 = 10,
  NN_F64 = 11,
  NN_U32 = 12,
  NN_U64 = 13,
  NN_BF16 = 16 /* not supported */
} nn_dtype;

typedef struct nn_tensor {
  nn_dtype dtype;
  int ndim; /* -1 when the rank is not known (shape inference only) */
  int64_t dims[NN_MAX_DIMS];
  void *data; /* NULL when only the shape is known */
  int owned;  /* data was allocated by nn_tensor_alloc and is freed with the tensor (1: by
               * free, 2: a large block of nn/mem.h, of cap bytes) */
  int block;  /* 0: plain row-major. B > 0: channel-blocked (oneDNN's nChwBc) for rank >= 3:
               * dims N, C, spatial... stored as [N][ceil(C/B)][spatial...][B], channels past C
               * padded with zeros. NN_BLOCK_CL (-1): channels-last bfloat16, [N][spatial][C]
               * of 2-byte values. See nn/layout.h. */
  size_t cap; /* bytes allocated, when owned */
} nn_tensor;

/* Bytes one element takes in storage (NN_F16 -> 4); 0 for unsupported types. */
size_t nn_dtype_size(nn_dtype t);
const char *nn_dtype_name(nn_dtype t);
int nn_dtype_supported(nn_dtype t);
int nn_dtype_is_float(nn_dtype t); /* F32, F16, F64 */

int64_t nn_numel(const nn_tensor *t);
/* Elements in storage: nn_numel, plus the channel padding of a blocked tensor. */
int64_t nn_storage_numel(const nn_tensor *t);
/* Bytes one element takes in t's storage: 2 in the channels-last bfloat16 layout, else
 * nn_dtype_size. */
size_t nn_elem_size(const nn_tensor *t);
/* Bytes in storage (nn_storage_numel * nn_elem_size). */
size_t nn_nbytes(const nn_tensor *t);
void nn_set_shape(nn_tensor *t, nn_dtype dtype, int ndim, const int64_t *dims);
int nn_same_shape(const nn_tensor *a, const nn_tensor *b);
/* "1x3x1024x1024" into buf. */
const char *nn_shape_str(const nn_tensor *t, char *buf, size_t len);

/* Allocates t->data for t's dtype, dims and block (zeroed, 64-byte aligned). */
int nn_tensor_alloc(nn_tensor *t, nn_err *err);
/* A new tensor with its own storage. */
nn_tensor *nn_tensor_new(nn_dtype dtype, int ndim, const int64_t *dims, nn_err *err);
/* The same with its bytes left as they come, for callers that write every one of them. */
nn_tensor *nn_tensor_new_unset(nn_dtype dtype, int ndim, const int64_t *dims, nn_err *err);
nn_tensor *nn_tensor_clone(const nn_tensor *t, nn_err *err);
void nn_tensor_free(nn_tensor *t); /* frees owned data and the struct */
void nn_tensor_release(nn_tensor *t); /* frees owned data, keeps the struct */

/* Element access through double, for the many non-hot paths
 * (index inputs, shape computations, tests). */
double nn_get(const nn_tensor *t, int64_t i);
void nn_set(nn_tensor *t, int64_t i, double v);
/* Integer read of an index-like tensor element (I32/I64/U8...). */
int64_t nn_get_i64(const nn_tensor *t, int64_t i);

/* IEEE half precision. */
float nn_half_to_float(uint16_t h);
uint16_t nn_float_to_half(float f); /* round to nearest even */
/* n little-endian halves (src need not be aligned) as floats, with F16C where the CPU has it
 * (the same values: NaNs stay NaNs) */
void nn_halves_to_floats(const void *src, float *dst, int64_t n);
float nn_round_half(float f);       /* f rounded to the nearest half value */

/* Row-major strides (in elements) of t's dims. */
void nn_strides(const nn_tensor *t, int64_t *strides);

#endif
