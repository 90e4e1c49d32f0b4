/* Concat: joins tensors of one dtype along an axis; all other dims must match.
 * Rank-4 float32 inputs may be channel-blocked (nn/layout.h) when joined along C and every
 * input's C is a multiple of the block: an input's storage for one n is then its
 * C_i / B * H * W pixels of B lanes, with no padding, and the output's storage for that n is
 * those runs one after the other, which is the plain copy with inner = H * W.
 * Channels-last bfloat16 inputs joined along C: each output pixel is the inputs' pixels one
 * after the other, the plain copy with outer = N * H * W and inner = 1 in 2-byte elements. */
#include <stdint.h>
#include <string.h>

#include "nn/layout.h"
#include "nn/op.h"

static int concat_prepare(nn_node *node, nn_err *err) {
  const nn_attr *a = nn_attr_get(node, "axis");
  if (!a || a->type != NN_ATTR_INT)
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'axis' is missing");
  return NN_OK;
}

static int concat_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                        int n_out, nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0];
  out[0]->dtype = x->dtype;
  out[0]->ndim = -1;
  if (!nn_dtype_supported(x->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(x->dtype));
  for (int i = 0; i < n_in; i++) {
    if (!in[i]) return nn_node_fail(node, err, NN_EINVAL, "input %d is missing", i);
    if (in[i]->dtype != x->dtype)
      return nn_node_fail(node, err, NN_EINVAL, "input %d has type %s, input 0 %s", i,
                          nn_dtype_name(in[i]->dtype), nn_dtype_name(x->dtype));
  }
  for (int i = 0; i < n_in; i++)
    if (in[i]->ndim < 0) return NN_EUNKNOWN;
  int r = x->ndim;
  int64_t axis_v = nn_attr_int(node, "axis", 0);
  int axis = nn_axis(axis_v, r);
  if (axis < 0)
    return nn_node_fail(node, err, NN_EINVAL, "axis %lld is out of range for rank %d",
                        (long long)axis_v, r);
  int64_t dims[NN_MAX_DIMS];
  memcpy(dims, x->dims, sizeof dims);
  dims[axis] = 0;
  for (int i = 0; i < n_in; i++) {
    const nn_tensor *t = in[i];
    int ok = t->ndim == r;
    for (int d = 0; ok && d < r; d++) ok = d == axis || t->dims[d] == x->dims[d];
    if (!ok) {
      char a[128], b[128];
      return nn_node_fail(node, err, NN_EINVAL, "input %d (%s) does not fit input 0 (%s)", i,
                          nn_shape_str(t, a, sizeof a), nn_shape_str(x, b, sizeof b));
    }
    dims[axis] += t->dims[axis];
  }
  nn_set_shape(out[0], x->dtype, r, dims);
  return NN_OK;
}

/* 1 when the inputs can be joined in the blocked layout `block`. */
static int concat_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  if (block == 0 || (block < 0 && block != NN_BLOCK_CL) || n_in < 1 || !in[0] ||
      in[0]->ndim != 4)
    return 0;
  if (nn_axis(nn_attr_int(node, "axis", 0), 4) != 1) return 0;
  for (int i = 0; i < n_in; i++) {
    const nn_tensor *t = in[i];
    if (!t || t->dtype != NN_F32 || t->ndim != 4) return 0;
    for (int d = 0; d < 4; d++)
      if (t->dims[d] < 0 || (d != 1 && t->dims[d] != in[0]->dims[d])) return 0;
    if (block > 0 && t->dims[1] % block) return 0;
  }
  return 1;
}

static int concat_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                      int n_out, nn_err *err) {
  (void)n_out;
  nn_tensor *o = out[0];
  int r = o->ndim;
  int axis = nn_axis(nn_attr_int(node, "axis", 0), r);
  int any_blocked = o->block;
  for (int i = 0; i < n_in; i++) any_blocked |= in[i]->block;
  if (any_blocked) {
    int same = o->block == in[0]->block;
    for (int i = 0; i < n_in; i++) same = same && in[i]->block == in[0]->block;
    if (!same || !concat_blocked(node, in, n_in, in[0]->block))
      return nn_node_fail(node, err, NN_EINVAL,
                          "inputs in a blocked or channels-last layout need rank-4 float32 "
                          "data joined along axis 1 (each with whole channel blocks), all in "
                          "the output's layout");
  }
  size_t esz = nn_elem_size(o);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; d++) outer *= o->dims[d];
  for (int d = axis + 1; d < r; d++) inner *= o->dims[d];
  if (o->block < 0) { /* channels-last: each output pixel written whole, input by input */
    int64_t pixels = outer * inner;
    size_t out_px = (size_t)o->dims[axis] * esz;
#pragma omp parallel for schedule(static) if ((size_t)pixels * out_px > 262144)
    for (int64_t k = 0; k < pixels; k++) {
      char *dst = (char *)o->data + k * out_px;
      for (int i = 0; i < n_in; i++) {
        size_t px = (size_t)in[i]->dims[axis] * esz;
        memcpy(dst, (const char *)in[i]->data + k * px, px);
        dst += px;
      }
    }
    return NN_OK;
  }
  size_t out_row = (size_t)(o->dims[axis] * inner) * esz;
  if (out_row == 0 || outer == 0) return NN_OK;
  size_t at = 0; /* byte offset of input i's block within an output row */
  for (int i = 0; i < n_in; i++) {
    size_t row = (size_t)(in[i]->dims[axis] * inner) * esz;
    if (row == 0) continue;
    const char *src = in[i]->data;
    char *dst = (char *)o->data + at;
    if (outer == 1 && src == dst) { /* written in place by its producer (nn_pass_plan) */
      at += row;
      continue;
    }
#pragma omp parallel for schedule(static) if ((size_t)outer * row > 262144 && outer > 1)
    for (int64_t k = 0; k < outer; k++) memcpy(dst + k * out_row, src + k * row, row);
    at += row;
  }
  return NN_OK;
}

/* Each input's gradient is its slice of the output's. */
static int concat_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                           int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0]) return rc;
  const nn_tensor *o = dout[0];
  int r = o->ndim, axis = nn_axis(nn_attr_int(node, "axis", 0), r);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; d++) outer *= o->dims[d];
  for (int d = axis + 1; d < r; d++) inner *= o->dims[d];
  int64_t out_row = o->dims[axis] * inner, at = 0;
  const float *g = o->data;
  for (int i = 0; i < n_in; i++) {
    int64_t row = in[i]->dims[axis] * inner;
    if (din[i]) {
      float *d = din[i]->data;
#pragma omp parallel for schedule(static) if (outer * row > 65536 && outer > 1)
      for (int64_t k = 0; k < outer; k++)
        for (int64_t j = 0; j < row; j++) d[k * row + j] += g[k * out_row + at + j];
    }
    at += row;
  }
  return NN_OK;
}

const nn_op nn_op_Concat = {
    .name = "Concat",
    .min_inputs = 1,
    .max_inputs = 2147483647,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = concat_prepare,
    .shape = concat_shape,
    .run = concat_run,
    .blocked = concat_blocked,
    .backward = concat_backward,
};
