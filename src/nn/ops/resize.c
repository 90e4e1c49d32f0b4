/* Resize (opsets 10, 11, 13): nearest, linear and cubic resampling of an N-D tensor.
 * Opset 10 takes (X, scales) and always uses asymmetric coordinates; opsets 11 and 13 take
 * (X, roi, scales, sizes), where exactly one of scales and sizes is given (an empty tensor
 * counts as absent). The opset-18 attributes are accepted only at their defaults.
 * Rank-4 float32 data may be channel-blocked or channels-last bfloat16 when only H and W are
 * resized, by nearest sampling or bilinear interpolation (see nn_resize_blocked_ok). */
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"
#include "nn/ops/resize_core.h"

typedef struct resize_params {
  nn_resize_attrs a;
  int roi_in, scales_in, sizes_in; /* input positions; -1 when the opset has no such input */
} resize_params;

static int resize_prepare(nn_node *node, nn_err *err) {
  resize_params *p = calloc(1, sizeof *p);
  if (!p) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  int opset10 = node->n_in == 2; /* X, scales; later opsets put roi second */
  const char *mode = nn_attr_str(node, "mode", "nearest");
  const char *coord = nn_attr_str(node, "coordinate_transformation_mode", "half_pixel");
  const char *nearest = nn_attr_str(node, "nearest_mode", "round_prefer_floor");
  const char *policy = nn_attr_str(node, "keep_aspect_ratio_policy", "stretch");
  int m = nn_resize_mode_from_str(mode);
  int c = opset10 ? NN_RESIZE_ASYMMETRIC : nn_resize_coord_from_str(coord);
  int n = opset10 ? NN_RESIZE_SIMPLE : nn_resize_round_from_str(nearest);
  int rc = NN_OK;
  if (m < 0)
    rc = nn_node_fail(node, err, NN_EUNSUPPORTED,
                      "attribute mode '%s' is not supported (nearest, linear, cubic)", mode);
  else if (c < 0)
    rc = nn_node_fail(node, err, NN_EUNSUPPORTED,
                      "attribute coordinate_transformation_mode '%s' is not supported", coord);
  else if (n < 0)
    rc = nn_node_fail(node, err, NN_EUNSUPPORTED, "attribute nearest_mode '%s' is not supported",
                      nearest);
  else if (nn_attr_int(node, "antialias", 0) != 0)
    rc = nn_node_fail(node, err, NN_EUNSUPPORTED, "attribute antialias=1 is not supported");
  else if (nn_attr_get(node, "axes"))
    rc = nn_node_fail(node, err, NN_EUNSUPPORTED, "attribute axes is not supported");
  else if (strcmp(policy, "stretch") != 0)
    rc = nn_node_fail(node, err, NN_EUNSUPPORTED,
                      "attribute keep_aspect_ratio_policy '%s' is not supported (stretch only)",
                      policy);
  else if (node->n_in < 2 || (opset10 && node->in[1] < 0))
    rc = nn_node_fail(node, err, NN_EINVAL, "needs scales or sizes");
  else if (!opset10 && (node->n_in < 3 || node->in[2] < 0) && (node->n_in < 4 || node->in[3] < 0))
    rc = nn_node_fail(node, err, NN_EINVAL, "needs scales or sizes");
  if (rc) {
    free(p);
    return rc;
  }
  p->a.mode = (nn_resize_mode)m;
  p->a.coord = (nn_resize_coord)c;
  p->a.nearest = (nn_resize_round)n;
  p->a.cubic_a = nn_attr_float(node, "cubic_coeff_a", -0.75f);
  p->a.exclude_outside = nn_attr_int(node, "exclude_outside", 0) != 0;
  p->a.extrapolation = nn_attr_float(node, "extrapolation_value", 0.0f);
  p->roi_in = opset10 ? -1 : 1;
  p->scales_in = opset10 ? 1 : 2;
  p->sizes_in = opset10 ? -1 : 3;
  node->params = p;
  return NN_OK;
}

static void resize_release(nn_node *node) {
  free(node->params);
  node->params = NULL;
}

static const nn_tensor *input_at(nn_tensor *const *in, int n_in, int i) {
  return i >= 0 && i < n_in ? in[i] : NULL;
}

/* An optional input that is absent: omitted, or an empty tensor. */
static int absent(const nn_tensor *t) { return !t || (t->ndim >= 0 && nn_numel(t) == 0); }

/* Output dims, and the scales when the node gave scales (*by_scales = 1) rather than sizes.
 * NN_EUNKNOWN when the data needed is not known yet. */
static int resize_plan(const nn_node *node, nn_tensor *const *in, int n_in, int64_t *dims,
                       double *scales, int *by_scales, nn_err *err) {
  const resize_params *p = node->params;
  const nn_tensor *x = in[0];
  const nn_tensor *s = input_at(in, n_in, p->scales_in), *z = input_at(in, n_in, p->sizes_in);
  if ((s && s->ndim < 0) || (z && z->ndim < 0)) return NN_EUNKNOWN;
  int has_s = !absent(s), has_z = !absent(z);
  if (has_s == has_z)
    return nn_node_fail(node, err, NN_EINVAL, "exactly one of scales and sizes must be given");
  const nn_tensor *given = has_s ? s : z;
  int r = x->ndim;
  if (nn_numel(given) != r)
    return nn_node_fail(node, err, NN_EINVAL, "%s has %lld values for an input of rank %d",
                        has_s ? "scales" : "sizes", (long long)nn_numel(given), r);
  if (!given->data) return NN_EUNKNOWN;
  *by_scales = has_s;
  for (int d = 0; d < r; d++) {
    if (has_s) {
      scales[d] = nn_get(s, d);
      if (!(scales[d] > 0))
        return nn_node_fail(node, err, NN_EINVAL, "scale %g of axis %d is not positive", scales[d],
                            d);
      dims[d] = nn_resize_out_len(x->dims[d], scales[d]);
      if (dims[d] < 0)
        return nn_node_fail(node, err, NN_EINVAL, "scale %g of axis %d gives a length over %lld",
                            scales[d], d, (long long)NN_RESIZE_MAX_LEN);
    } else {
      dims[d] = nn_get_i64(z, d);
      if (dims[d] < 0)
        return nn_node_fail(node, err, NN_EINVAL, "size %lld of axis %d is negative",
                            (long long)dims[d], d);
      if (dims[d] > NN_RESIZE_MAX_LEN)
        return nn_node_fail(node, err, NN_EINVAL, "size %lld of axis %d is over %lld",
                            (long long)dims[d], d, (long long)NN_RESIZE_MAX_LEN);
      if (x->dims[d] == 0 && dims[d] != 0)
        return nn_node_fail(node, err, NN_EINVAL, "axis %d of length 0 cannot be resized", d);
    }
  }
  return NN_OK;
}

/* The roi of tf_crop_and_resize into roi (*has_roi = 1), when the node gives one.
 * NN_EUNKNOWN when its values are not known yet. */
static int read_roi(const nn_node *node, nn_tensor *const *in, int n_in, double *roi,
                    int *has_roi, nn_err *err) {
  const resize_params *p = node->params;
  int r = in[0]->ndim;
  *has_roi = 0;
  if (p->a.coord != NN_RESIZE_TF_CROP_AND_RESIZE) return NN_OK;
  const nn_tensor *t = input_at(in, n_in, p->roi_in);
  if (absent(t)) return NN_OK;
  if (t->ndim < 0) return NN_EUNKNOWN;
  if (nn_numel(t) != 2 * r)
    return nn_node_fail(node, err, NN_EINVAL, "roi has %lld values, expected %d",
                        (long long)nn_numel(t), 2 * r);
  if (!t->data) return NN_EUNKNOWN;
  for (int i = 0; i < 2 * r; i++) roi[i] = nn_get(t, i);
  *has_roi = 1;
  return NN_OK;
}

static int resize_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                        nn_err *err) {
  (void)n_out;
  const resize_params *p = node->params;
  const nn_tensor *x = in[0];
  int checked = nn_resize_check_input(node, &p->a, x, out[0], err);
  if (checked) return checked;
  int64_t dims[NN_MAX_DIMS];
  double scales[NN_MAX_DIMS];
  int by_scales;
  int rc = resize_plan(node, in, n_in, dims, scales, &by_scales, err);
  if (rc) return rc;
  nn_set_shape(out[0], x->dtype, x->ndim, dims);
  return NN_OK;
}

static int resize_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                      nn_err *err) {
  (void)n_out;
  const resize_params *p = node->params;
  const nn_tensor *x = in[0];
  int64_t dims[NN_MAX_DIMS];
  double scales[NN_MAX_DIMS], roi[2 * NN_MAX_DIMS];
  int by_scales;
  int rc = resize_plan(node, in, n_in, dims, scales, &by_scales, err);
  if (rc == NN_EUNKNOWN) return nn_node_fail(node, err, NN_EINVAL, "scales or sizes are not known");
  if (rc) return rc;
  int has_roi;
  rc = read_roi(node, in, n_in, roi, &has_roi, err);
  if (rc == NN_EUNKNOWN) return nn_node_fail(node, err, NN_EINVAL, "roi is not known");
  if (rc) return rc;
  rc = nn_resize(&p->a, x, by_scales ? scales : NULL, has_roi ? roi : NULL, out[0]);
  if (rc == NN_ENOMEM) return nn_node_fail(node, err, rc, "out of memory");
  if (rc)
    return nn_node_fail(node, err, rc, "this resize cannot run on data in this layout");
  return NN_OK;
}

/* Channel-blocked or channels-last data: only resizes of H and W that nn_resize can do in
 * that layout. */
static int resize_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  const resize_params *p = node->params;
  const nn_tensor *x = n_in > 0 ? in[0] : NULL;
  if (!p || block == 0 || !x || x->dtype != NN_F32 || x->ndim != 4) return 0;
  for (int d = 0; d < 4; d++)
    if (x->dims[d] < 0) return 0;
  int64_t dims[NN_MAX_DIMS];
  double scales[NN_MAX_DIMS], roi[2 * NN_MAX_DIMS];
  int by_scales, has_roi;
  if (resize_plan(node, in, n_in, dims, scales, &by_scales, NULL) ||
      read_roi(node, in, n_in, roi, &has_roi, NULL))
    return 0;
  return nn_resize_blocked_ok(&p->a, x, dims, by_scales ? scales : NULL, has_roi ? roi : NULL,
                              block);
}

static int resize_backward(nn_node *node, nn_tensor *const *in, int n_in,
                           nn_tensor *const *out, int n_out, nn_tensor *const *dout,
                           nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, 1, out, n_out, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  const resize_params *p = node->params;
  int64_t dims[NN_MAX_DIMS];
  double scales[NN_MAX_DIMS], roi[2 * NN_MAX_DIMS];
  int by_scales, has_roi;
  rc = resize_plan(node, in, n_in, dims, scales, &by_scales, err);
  if (!rc) rc = read_roi(node, in, n_in, roi, &has_roi, err);
  if (rc) return rc == NN_EUNKNOWN ? nn_node_fail(node, err, NN_EINVAL, "inputs not known") : rc;
  rc = nn_resize_backward(&p->a, in[0], by_scales ? scales : NULL, has_roi ? roi : NULL,
                          dout[0], din[0]->data);
  if (rc == NN_EUNSUPPORTED)
    return nn_node_fail(node, err, rc, "tf_crop_and_resize has no gradient here");
  return rc ? nn_node_fail(node, err, rc, "out of memory") : NN_OK;
}

const nn_op nn_op_Resize = {
    .name = "Resize",
    .min_inputs = 1,
    .max_inputs = 4,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = resize_prepare,
    .shape = resize_shape,
    .run = resize_run,
    .release = resize_release,
    .blocked = resize_blocked,
    .backward = resize_backward,
};
