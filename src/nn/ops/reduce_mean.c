/* ReduceMean: the mean of float32 data over the given axes (the attribute axes up to opset
 * 17, the optional input axes from 18, whose data must be known; none given: every axis, or
 * none with noop_with_empty_axes), kept as axes of size 1 when keepdims (default 1). Plain
 * layout only. */
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

/* Which of the r axes are reduced, into red[]; NN_EUNKNOWN while the axes input's data is
 * not known. */
static int reduced_axes(const nn_node *node, nn_tensor *const *in, int n_in, int r, int *red,
                        nn_err *err) {
  int n;
  const int64_t *axes = nn_attr_ints(node, "axes", &n);
  const nn_tensor *t = n_in > 1 ? in[1] : NULL;
  if (t) {
    if (!t->data) return NN_EUNKNOWN;
    if (t->ndim > 1 || (t->dtype != NN_I64 && t->dtype != NN_I32))
      return nn_node_fail(node, err, NN_EINVAL, "input axes must be a list of integers");
    n = (int)nn_numel(t);
  }
  int all = !axes && !(t && n) && !nn_attr_int(node, "noop_with_empty_axes", 0);
  for (int i = 0; i < r; i++) red[i] = all;
  for (int i = 0; i < n && (t || axes); i++) {
    int64_t v = t ? nn_get_i64(t, i) : axes[i];
    int a = nn_axis(v, r);
    if (a < 0)
      return nn_node_fail(node, err, NN_EINVAL, "axis %lld is out of range for rank %d",
                          (long long)v, r);
    if (red[a]) return nn_node_fail(node, err, NN_EINVAL, "axis %d is given twice", a);
    red[a] = 1;
  }
  return NN_OK;
}

static int reduce_mean_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                             int n_out, nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0];
  if (x->dtype != NN_F32)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(x->dtype));
  if (x->ndim < 0) return NN_EUNKNOWN;
  int red[NN_MAX_DIMS];
  int rc = reduced_axes(node, in, n_in, x->ndim, red, err);
  if (rc) return rc;
  int keep = nn_attr_int(node, "keepdims", 1) != 0, r = 0;
  int64_t dims[NN_MAX_DIMS];
  for (int i = 0; i < x->ndim; i++)
    if (!red[i])
      dims[r++] = x->dims[i];
    else if (keep)
      dims[r++] = 1;
  nn_set_shape(out[0], x->dtype, r, dims);
  return NN_OK;
}

static int reduce_mean_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                           int n_out, nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0];
  if (x->block || out[0]->block)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "the input must be in the plain layout");
  int r = x->ndim, red[NN_MAX_DIMS];
  int rc = reduced_axes(node, in, n_in, r, red, err);
  if (rc == NN_EUNKNOWN) return nn_node_fail(node, err, NN_EINVAL, "the axes are not known");
  if (rc) return rc;
  /* Output element o sums the inputs whose kept coordinates are o's: each input element's
   * output index from its coordinates, with strides of the kept axes. */
  int64_t ostride[NN_MAX_DIMS], acc = 1, count = 1;
  for (int i = r - 1; i >= 0; i--) {
    ostride[i] = red[i] ? 0 : acc;
    if (!red[i]) acc *= x->dims[i];
    else count *= x->dims[i];
  }
  int64_t n_o = nn_numel(out[0]), n = nn_numel(x);
  const float *src = x->data;
  float *dst = out[0]->data;
  /* The common case, the reduced axes innermost (global pooling of NCHW): one run each. */
  int tail = r;
  while (tail > 0 && red[tail - 1]) tail--;
  int inner_only = 1;
  for (int i = 0; i < tail; i++) inner_only &= !red[i];
  if (inner_only) {
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t o = 0; o < n_o; o++) {
      double s = 0;
      const float *p = src + o * count;
      for (int64_t j = 0; j < count; j++) s += p[j];
      dst[o] = (float)(s / (double)count);
    }
    return NN_OK;
  }
  memset(dst, 0, (size_t)n_o * sizeof(float));
  for (int64_t e = 0; e < n; e++) {
    int64_t rem = e, o = 0;
    for (int i = r - 1; i >= 0; i--) {
      o += rem % x->dims[i] * ostride[i];
      rem /= x->dims[i];
    }
    dst[o] += src[e];
  }
  for (int64_t o = 0; o < n_o; o++) dst[o] /= (float)count;
  return NN_OK;
}

const nn_op nn_op_ReduceMean = {
    .name = "ReduceMean",
    .min_inputs = 1,
    .max_inputs = 2,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = reduce_mean_shape,
    .run = reduce_mean_run,
};
