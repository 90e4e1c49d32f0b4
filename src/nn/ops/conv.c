/* Conv: N-D (1-D to 3-D) convolution with groups, dilations, padding and optional bias,
 * and its gradients (conv_grad.c), computed by oneDNN in f32 (f16 tensors are stored as
 * float, computed the same way, and their results rounded to half precision). */
#include <string.h>

#include "nn/op.h"
#include "nn/ops/conv_common.h"

static int conv_prepare(nn_node *node, nn_err *err) {
  /* (a 4th input only with an Add fused in, as a graph from the cache has it) */
  if (node->n_in > 3 + (nn_attr_int(node, "cutout.sum", 0) != 0))
    return nn_node_fail(node, err, NN_EINVAL, "Conv takes 2 or 3 inputs");
  return nn_conv_prepare(node, err);
}

static int conv_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                      nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0], *w = in[1], *b = n_in > 2 ? in[2] : NULL;
  if (x->dtype != NN_F32 && x->dtype != NN_F16)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "input type %s is not supported (float32, float16)",
                        nn_dtype_name(x->dtype));
  if (w->dtype != x->dtype)
    return nn_node_fail(node, err, NN_EINVAL, "weights type %s differs from input type %s",
                        nn_dtype_name(w->dtype), nn_dtype_name(x->dtype));
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  int rc = nn_conv_geometry(node, x, w, &g, dims, err);
  if (rc) return rc;
  if (b) {
    if (b->dtype != x->dtype)
      return nn_node_fail(node, err, NN_EINVAL, "bias type %s differs from input type %s",
                          nn_dtype_name(b->dtype), nn_dtype_name(x->dtype));
    if (b->ndim >= 0 && (b->ndim != 1 || (b->dims[0] >= 0 && g.m >= 0 && b->dims[0] != g.m)))
      return nn_node_fail(node, err, NN_EINVAL, "bias must be 1-D with %lld values",
                          (long long)g.m);
  }
  nn_set_shape(out[0], x->dtype, x->ndim, dims);
  return NN_OK;
}

static int conv_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                    nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0], *w = in[1], *b = n_in > 2 ? in[2] : NULL;
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  int rc = nn_conv_geometry(node, x, w, &g, dims, err);
  if (rc) return rc == NN_EUNKNOWN ? nn_node_fail(node, err, NN_EINVAL, "shapes not known") : rc;
  const nn_tensor *s = n_in > 3 ? in[3] : NULL; /* a fused Add's other input */
  if (s && (!nn_same_shape(s, out[0]) || s->block != out[0]->block || s->dtype != NN_F32))
    return nn_node_fail(node, err, NN_EINVAL, "the fused addend does not match the output");
  if (s && s->data != out[0]->data) memcpy(out[0]->data, s->data, nn_nbytes(s));
  rc = nn_conv_f32(node, &g, x->data, x->block, w->data, b ? b->data : NULL, out[0]->data,
                   out[0]->block, err);
  if (rc || out[0]->dtype != NN_F16) return rc;
  /* float16 results are rounded to half precision, as a float16 tensor holds */
  float *y = out[0]->data;
  int64_t n = nn_numel(out[0]);
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) y[i] = nn_round_half(y[i]);
  return NN_OK;
}

/* 2-D f32 convolutions with constant weights (reordered once for the blocked kernels) read
 * plain or blocked input and write the blocked layout, where oneDNN has a fast kernel for
 * it (its 2.6 release has none for some large dilations: those stay plain). */
static int conv_blocked(const nn_node *node, nn_tensor *const *in, int n_in, int block) {
  (void)n_in;
  return in[0]->ndim == 4 && in[0]->dtype == NN_F32 && in[1]->ndim == 4 && in[1]->data &&
         nn_conv_blocked_ok(node, in[0], in[1], block);
}

/* At load: the primitive and the weights in its layout, for convolutions with constant
 * weights (the planned input's layout and shape). */
static int conv_pack(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                     int n_out, const nn_packed *prev, nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0], *w = in[1], *b = n_in > 2 ? in[2] : NULL;
  /* (weights that are no constant have no data now: made at run; a cached pack's weights
   * have none either, their plain copy not kept) */
  if ((!w->data && !prev) || x->dtype != NN_F32 || w->dtype != NN_F32) return NN_OK;
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  int rc = nn_conv_geometry(node, x, w, &g, dims, err);
  if (rc) return rc == NN_EUNKNOWN ? NN_OK : rc;
  return nn_conv_pack(node, &g, x->block, w->data, b != NULL, out[0]->block, prev, err);
}

/* Training: the gradients of x, w and b (plain float32, no fused Relu or Add). */
static int conv_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                         int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0]) return rc;
  if (n_in > 3 || nn_conv_fused_relu(node) || in[0]->dtype != NN_F32)
    return nn_node_fail(node, err, NN_EINVAL, "gradients need an unfused float32 convolution");
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  rc = nn_conv_geometry(node, in[0], in[1], &g, dims, err);
  if (rc) return rc;
  float *db = n_in > 2 && din[2] ? din[2]->data : NULL;
  return nn_conv_backward_f32(node, &g, in[0]->data, in[1]->data, dout[0]->data,
                              din[0] ? din[0]->data : NULL, din[1] ? din[1]->data : NULL, db,
                              err);
}

const nn_op nn_op_Conv = {
    .name = "Conv",
    .min_inputs = 2,
    .max_inputs = 4, /* the 4th, an Add fused in by nn_pass_fuse */
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = conv_prepare,
    .shape = conv_shape,
    .run = conv_run,
    .release = nn_conv_release,
    .blocked = conv_blocked,
    .backward = conv_backward,
    .pack = conv_pack,
    .packed = nn_conv_packed,
};
