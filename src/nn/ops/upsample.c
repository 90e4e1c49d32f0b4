/* Upsample (opsets 7 and 9; deprecated since 10): nearest or linear enlargement by scales
 * of at least 1, given as an attribute (opset 7) or as the second input (opset 9).
 * It is Resize with asymmetric coordinates and, for nearest, the floor of the coordinate. */
#include <stdlib.h>

#include "nn/op.h"
#include "nn/ops/resize_core.h"

typedef struct upsample_params {
  nn_resize_attrs a;
  int n_scales; /* opset 7: the scales attribute */
  double *scales;
} upsample_params;

static void upsample_release(nn_node *node) {
  upsample_params *p = node->params;
  if (p) free(p->scales);
  free(p);
  node->params = NULL;
}

static int check_scales(const nn_node *node, const double *s, int n, nn_err *err) {
  for (int i = 0; i < n; i++)
    if (!(s[i] >= 1))
      return nn_node_fail(node, err, NN_EINVAL, "scale %g of axis %d is below 1", s[i], i);
  return NN_OK;
}

static int upsample_prepare(nn_node *node, nn_err *err) {
  const char *mode = nn_attr_str(node, "mode", "nearest");
  int m = nn_resize_mode_from_str(mode);
  if (m != NN_RESIZE_NEAREST && m != NN_RESIZE_LINEAR)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "attribute mode '%s' is not supported (nearest, linear)", mode);
  upsample_params *p = calloc(1, sizeof *p);
  if (!p) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  node->params = p;
  p->a.mode = (nn_resize_mode)m;
  p->a.coord = NN_RESIZE_ASYMMETRIC;
  p->a.nearest = NN_RESIZE_FLOOR;
  p->a.cubic_a = -0.75;
  if (node->n_in >= 2) return NN_OK;
  int n;
  const float *f = nn_attr_floats(node, "scales", &n);
  if (!f || n == 0) {
    upsample_release(node);
    return nn_node_fail(node, err, NN_EINVAL, "attribute scales is missing");
  }
  if (!(p->scales = malloc((size_t)n * sizeof *p->scales))) {
    upsample_release(node);
    return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  }
  p->n_scales = n;
  for (int i = 0; i < n; i++) p->scales[i] = f[i];
  int rc = check_scales(node, p->scales, n, err);
  if (rc) upsample_release(node);
  return rc;
}

/* The scales of every axis; NN_EUNKNOWN while the scales input is not known. */
static int upsample_scales(nn_node *node, nn_tensor *const *in, int n_in, double *scales,
                           nn_err *err) {
  const upsample_params *p = node->params;
  int r = in[0]->ndim, n = p->n_scales;
  const nn_tensor *s = n_in >= 2 ? in[1] : NULL;
  if (!p->scales) {
    if (!s) return nn_node_fail(node, err, NN_EINVAL, "scales are missing");
    if (s->ndim < 0) return NN_EUNKNOWN;
    n = (int)nn_numel(s);
  }
  if (n != r)
    return nn_node_fail(node, err, NN_EINVAL, "scales has %d values for an input of rank %d", n, r);
  if (!p->scales && !s->data) return NN_EUNKNOWN;
  for (int d = 0; d < r; d++) scales[d] = p->scales ? p->scales[d] : nn_get(s, d);
  return check_scales(node, scales, r, err);
}

static int upsample_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                          nn_err *err) {
  (void)n_out;
  const upsample_params *p = node->params;
  const nn_tensor *x = in[0];
  int checked = nn_resize_check_input(node, &p->a, x, out[0], err);
  if (checked) return checked;
  double scales[NN_MAX_DIMS];
  int rc = upsample_scales(node, in, n_in, scales, err);
  if (rc) return rc;
  int64_t dims[NN_MAX_DIMS];
  for (int d = 0; d < x->ndim; d++) {
    dims[d] = nn_resize_out_len(x->dims[d], scales[d]);
    if (dims[d] < 0)
      return nn_node_fail(node, err, NN_EINVAL, "scale %g of axis %d gives a length over %lld",
                          scales[d], d, (long long)NN_RESIZE_MAX_LEN);
  }
  nn_set_shape(out[0], x->dtype, x->ndim, dims);
  return NN_OK;
}

static int upsample_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                        nn_err *err) {
  (void)n_out;
  const upsample_params *p = node->params;
  double scales[NN_MAX_DIMS];
  int rc = upsample_scales(node, in, n_in, scales, err);
  if (rc == NN_EUNKNOWN) return nn_node_fail(node, err, NN_EINVAL, "scales are not known");
  if (rc) return rc;
  rc = nn_resize(&p->a, in[0], scales, NULL, out[0]);
  if (rc) return nn_node_fail(node, err, rc, "out of memory");
  return NN_OK;
}

/* Training: the gradient through the same taps (resize_grad.c). */
static int upsample_backward(nn_node *node, nn_tensor *const *in, int n_in,
                             nn_tensor *const *out, int n_out, nn_tensor *const *dout,
                             nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, 1, out, n_out, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  const upsample_params *p = node->params;
  double scales[NN_MAX_DIMS];
  rc = upsample_scales(node, in, n_in, scales, err);
  if (rc) return rc == NN_EUNKNOWN ? nn_node_fail(node, err, NN_EINVAL, "scales not known") : rc;
  rc = nn_resize_backward(&p->a, in[0], scales, NULL, dout[0], din[0]->data);
  return rc ? nn_node_fail(node, err, rc, "out of memory") : NN_OK;
}

const nn_op nn_op_Upsample = {
    .name = "Upsample",
    .min_inputs = 1,
    .max_inputs = 2,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = upsample_prepare,
    .shape = upsample_shape,
    .run = upsample_run,
    .release = upsample_release,
    .backward = upsample_backward,
};
