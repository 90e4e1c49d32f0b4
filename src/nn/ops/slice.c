/* Slice: starts/ends/axes/steps as inputs (opset 10+) or as attributes (opset 1), with
 * negative indices, negative steps and out-of-range values clamped as ONNX specifies. */
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

/* Per input dim: first element, step and output length. */
typedef struct slice_plan {
  int64_t start[NN_MAX_DIMS], step[NN_MAX_DIMS], len[NN_MAX_DIMS];
} slice_plan;

/* Reads the i-th element of an index input, or of an ints attribute when t is NULL. */
typedef struct index_list {
  const nn_tensor *t;
  const int64_t *ints;
  int64_t n;
} index_list;

static int64_t list_get(const index_list *l, int64_t i) {
  return l->t ? nn_get_i64(l->t, i) : l->ints[i];
}

/* The index list from input k (opset 10+) or attribute name (opset 1); has = 0 if absent. */
static int get_list(const nn_node *node, nn_tensor *const *in, int n_in, int k,
                    const char *name, index_list *l, int *has, nn_err *err) {
  memset(l, 0, sizeof *l);
  *has = 0;
  if (n_in == 1) {
    int count = 0;
    l->ints = nn_attr_ints(node, name, &count);
    l->n = count;
    *has = nn_attr_get(node, name) != NULL;
    return NN_OK;
  }
  if (k >= n_in || !in[k]) return NN_OK;
  const nn_tensor *t = in[k];
  if (t->dtype != NN_I32 && t->dtype != NN_I64)
    return nn_node_fail(node, err, NN_EINVAL, "input '%s' has type %s, not int32/int64", name,
                        nn_dtype_name(t->dtype));
  if (t->ndim != 1)
    return nn_node_fail(node, err, t->ndim < 0 ? NN_EUNKNOWN : NN_EINVAL,
                        "input '%s' is not 1-D", name);
  if (!t->data) return NN_EUNKNOWN;
  l->t = t;
  l->n = t->dims[0];
  *has = 1;
  return NN_OK;
}

static int make_plan(const nn_node *node, nn_tensor *const *in, int n_in, slice_plan *p,
                     nn_err *err) {
  const nn_tensor *x = in[0];
  int r = x->ndim;
  if (r < 0) return NN_EUNKNOWN;
  if (n_in == 1 && nn_attr_get(node, "steps"))
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'steps' is not part of Slice-1");
  index_list starts, ends, axes, steps;
  int has_s, has_e, has_a, has_st, rc;
  if ((rc = get_list(node, in, n_in, 1, "starts", &starts, &has_s, err)) ||
      (rc = get_list(node, in, n_in, 2, "ends", &ends, &has_e, err)) ||
      (rc = get_list(node, in, n_in, 3, "axes", &axes, &has_a, err)) ||
      (rc = get_list(node, in, n_in, 4, "steps", &steps, &has_st, err)))
    return rc;
  if (!has_s || !has_e) return nn_node_fail(node, err, NN_EINVAL, "starts or ends missing");
  int64_t n = starts.n;
  if (ends.n != n || (has_a && axes.n != n) || (has_st && steps.n != n))
    return nn_node_fail(node, err, NN_EINVAL, "starts, ends, axes and steps differ in length");
  if (n > r && !has_a)
    return nn_node_fail(node, err, NN_EINVAL, "more starts than input dims");
  for (int d = 0; d < r; d++) {
    p->start[d] = 0;
    p->step[d] = 1;
    p->len[d] = x->dims[d];
  }
  int seen[NN_MAX_DIMS] = {0};
  for (int64_t i = 0; i < n; i++) {
    int64_t axis_v = has_a ? list_get(&axes, i) : i;
    int axis = nn_axis(axis_v, r);
    if (axis < 0)
      return nn_node_fail(node, err, NN_EINVAL, "axis %lld is out of range for rank %d",
                          (long long)axis_v, r);
    if (seen[axis]++)
      return nn_node_fail(node, err, NN_EINVAL, "axis %lld is repeated", (long long)axis_v);
    int64_t dim = x->dims[axis];
    int64_t st = has_st ? list_get(&steps, i) : 1;
    if (st == 0) return nn_node_fail(node, err, NN_EINVAL, "step is 0");
    int64_t s = list_get(&starts, i), e = list_get(&ends, i);
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    int64_t len;
    if (st > 0) {
      s = s < 0 ? 0 : s > dim ? dim : s;
      e = e < 0 ? 0 : e > dim ? dim : e;
      len = e > s ? (e - s - 1) / st + 1 : 0;
    } else {
      s = s < 0 ? 0 : s > dim - 1 ? dim - 1 : s;
      e = e < -1 ? -1 : e > dim - 1 ? dim - 1 : e;
      len = s > e ? (s - e - 1) / -st + 1 : 0;
    }
    if (dim == 0) len = 0;
    p->start[axis] = s;
    p->step[axis] = st;
    p->len[axis] = len;
  }
  return NN_OK;
}

static int slice_prepare(nn_node *node, nn_err *err) {
  if (node->n_in == 1) {
    const nn_attr *s = nn_attr_get(node, "starts"), *e = nn_attr_get(node, "ends");
    if (!s || !e || s->type != NN_ATTR_INTS || e->type != NN_ATTR_INTS)
      return nn_node_fail(node, err, NN_EINVAL, "attributes 'starts' and 'ends' are required");
  } else if (node->n_in < 3 || node->in[1] < 0 || node->in[2] < 0) {
    return nn_node_fail(node, err, NN_EINVAL, "inputs 'starts' and 'ends' are required");
  }
  return NN_OK;
}

static int slice_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                       int n_out, nn_err *err) {
  (void)n_out;
  slice_plan p;
  out[0]->dtype = in[0]->dtype;
  int rc = make_plan(node, in, n_in, &p, err);
  if (rc == NN_EUNKNOWN) out[0]->ndim = -1;
  if (rc) return rc;
  nn_set_shape(out[0], in[0]->dtype, in[0]->ndim, p.len);
  return NN_OK;
}

static int slice_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                     int n_out, nn_err *err) {
  (void)n_out;
  slice_plan p;
  int rc = make_plan(node, in, n_in, &p, err);
  if (rc == NN_EUNKNOWN)
    return nn_node_fail(node, err, NN_EINVAL, "starts, ends, axes or steps not known");
  if (rc) return rc;
  const nn_tensor *x = in[0];
  int r = x->ndim;
  size_t esz = nn_dtype_size(x->dtype);
  int64_t total = nn_numel(out[0]);
  if (total == 0) return NN_OK;
  if (r == 0) {
    memcpy(out[0]->data, x->data, esz);
    return NN_OK;
  }
  int64_t is[NN_MAX_DIMS];
  nn_strides(x, is);
  int64_t base = 0;
  for (int d = 0; d < r; d++) base += p.start[d] * is[d];
  int last = r - 1;
  int64_t inner = p.len[last], rows = total / inner, istep = p.step[last] * is[last];
  const char *src = x->data;
  char *dst = out[0]->data;
#pragma omp parallel for schedule(static) if (total > 65536 && rows > 1)
  for (int64_t row = 0; row < rows; row++) {
    int64_t off = base, rem = row;
    for (int d = last - 1; d >= 0; d--) {
      off += (rem % p.len[d]) * p.step[d] * is[d];
      rem /= p.len[d];
    }
    const char *s = src + off * (int64_t)esz;
    char *o = dst + row * inner * (int64_t)esz;
    if (istep == 1) {
      memcpy(o, s, (size_t)inner * esz);
    } else if (esz == 4) {
      for (int64_t j = 0; j < inner; j++)
        ((uint32_t *)(void *)o)[j] = *(const uint32_t *)(const void *)(s + j * istep * 4);
    } else if (esz == 8) {
      for (int64_t j = 0; j < inner; j++)
        ((uint64_t *)(void *)o)[j] = *(const uint64_t *)(const void *)(s + j * istep * 8);
    } else {
      for (int64_t j = 0; j < inner; j++)
        memcpy(o + j * (int64_t)esz, s + j * istep * (int64_t)esz, esz);
    }
  }
  return NN_OK;
}

const nn_op nn_op_Slice = {
    .name = "Slice",
    .min_inputs = 1,
    .max_inputs = 5,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = slice_prepare,
    .shape = slice_shape,
    .run = slice_run,
};
