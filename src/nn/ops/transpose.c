/* Transpose: permutes the axes of a tensor of any supported type (attribute perm; default:
 * the axes reversed). Output axis i is input axis perm[i]. Plain layout only. */
#include <stdint.h>
#include <string.h>

#include "nn/op.h"

/* perm for rank r into p: the attribute, checked to be a permutation, or the reversal. */
static int get_perm(const nn_node *node, int r, int *p, nn_err *err) {
  int n;
  const int64_t *perm = nn_attr_ints(node, "perm", &n);
  if (!perm) {
    for (int i = 0; i < r; i++) p[i] = r - 1 - i;
    return NN_OK;
  }
  if (n != r)
    return nn_node_fail(node, err, NN_EINVAL, "perm has %d axes but the input has rank %d", n,
                        r);
  int seen[NN_MAX_DIMS] = {0};
  for (int i = 0; i < r; i++) {
    if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
      return nn_node_fail(node, err, NN_EINVAL, "perm is not a permutation of %d axes", r);
    seen[perm[i]] = 1;
    p[i] = (int)perm[i];
  }
  return NN_OK;
}

static int transpose_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                           int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  const nn_tensor *x = in[0];
  if (!nn_dtype_supported(x->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(x->dtype));
  if (x->ndim < 0) return NN_EUNKNOWN;
  int p[NN_MAX_DIMS];
  int rc = get_perm(node, x->ndim, p, err);
  if (rc) return rc;
  int64_t dims[NN_MAX_DIMS];
  for (int i = 0; i < x->ndim; i++) dims[i] = x->dims[p[i]];
  nn_set_shape(out[0], x->dtype, x->ndim, dims);
  return NN_OK;
}

static int transpose_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                         int n_out, nn_err *err) {
  (void)n_in, (void)n_out;
  const nn_tensor *x = in[0];
  int r = x->ndim, p[NN_MAX_DIMS];
  int rc = get_perm(node, r, p, err);
  if (rc) return rc;
  if (x->block || out[0]->block)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "the input must be in the plain layout");
  size_t es = nn_dtype_size(x->dtype);
  int64_t n = nn_numel(x);
  if (r == 0 || n == 0) {
    if (n) memcpy(out[0]->data, x->data, es);
    return NN_OK;
  }
  int64_t xs[NN_MAX_DIMS], st[NN_MAX_DIMS], od[NN_MAX_DIMS];
  nn_strides(x, xs);
  for (int i = 0; i < r; i++) {
    st[i] = xs[p[i]]; /* input stride along output axis i */
    od[i] = out[0]->dims[i];
  }
  int64_t inner = od[r - 1], rows = n / inner, s_in = st[r - 1];
  const char *src = x->data;
  char *dst = out[0]->data;
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t row = 0; row < rows; row++) {
    int64_t off = 0, rem = row;
    for (int i = r - 2; i >= 0; i--) {
      off += rem % od[i] * st[i];
      rem /= od[i];
    }
    char *o = dst + (size_t)(row * inner) * es;
    if (es == 4) {
      const uint32_t *s = (const uint32_t *)src + off;
      uint32_t *d = (uint32_t *)o;
      for (int64_t j = 0; j < inner; j++) d[j] = s[j * s_in];
    } else {
      for (int64_t j = 0; j < inner; j++)
        memcpy(o + (size_t)j * es, src + (size_t)(off + j * s_in) * es, es);
    }
  }
  return NN_OK;
}

const nn_op nn_op_Transpose = {
    .name = "Transpose",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = transpose_shape,
    .run = transpose_run,
};
