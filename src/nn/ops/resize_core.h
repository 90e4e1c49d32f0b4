/* The interpolation shared by Resize and Upsample: nearest, N-D linear and cubic
 * resampling with ONNX's coordinate transformations and rounding rules. */
#ifndef CUTOUT_NN_OPS_RESIZE_CORE_H
#define CUTOUT_NN_OPS_RESIZE_CORE_H
#include <stdint.h>

#include "nn/graph.h"
#include "nn/tensor.h"

typedef enum nn_resize_mode {
  NN_RESIZE_NEAREST,
  NN_RESIZE_LINEAR, /* along every resized axis: bilinear, trilinear... */
  NN_RESIZE_CUBIC
} nn_resize_mode;

/* How an output coordinate maps back onto the input axis. */
typedef enum nn_resize_coord {
  NN_RESIZE_HALF_PIXEL,
  NN_RESIZE_PYTORCH_HALF_PIXEL,
  NN_RESIZE_ALIGN_CORNERS,
  NN_RESIZE_ASYMMETRIC,
  NN_RESIZE_TF_HALF_PIXEL_FOR_NN,
  NN_RESIZE_TF_CROP_AND_RESIZE
} nn_resize_coord;

/* How nearest mode turns a fractional input coordinate into an index. */
typedef enum nn_resize_round {
  NN_RESIZE_ROUND_PREFER_FLOOR,
  NN_RESIZE_ROUND_PREFER_CEIL,
  NN_RESIZE_FLOOR,
  NN_RESIZE_CEIL,
  NN_RESIZE_SIMPLE /* Resize-10: floor on an axis that grows, ceil on one that shrinks */
} nn_resize_round;

typedef struct nn_resize_attrs {
  nn_resize_mode mode;
  nn_resize_coord coord;
  nn_resize_round nearest;
  double cubic_a;       /* cubic_coeff_a, -0.75 by default */
  int exclude_outside;  /* weights of taps outside the input are dropped, the rest rescaled */
  double extrapolation; /* tf_crop_and_resize: value of outputs that map outside the input */
} nn_resize_attrs;

/* The enum value named by an attribute string; -1 when the name is unknown. */
int nn_resize_mode_from_str(const char *s);
int nn_resize_coord_from_str(const char *s);
int nn_resize_round_from_str(const char *s);

/* Longest axis a resize may give. The per-axis tap tables take up to 64 bytes per output
 * index and are built at load (the layout pass checks the blocked form): a model's scales
 * or sizes are untrusted input and must not make loading allocate gigabytes. */
#define NN_RESIZE_MAX_LEN ((int64_t)1 << 24)

/* Length of an axis of length in scaled by scale: floor(in * scale), the product taken in
 * single precision as onnxruntime does (so 10 * 0.7f gives 7). -1 when it is not a length
 * or over NN_RESIZE_MAX_LEN (also for an infinite or NaN scale). */
int64_t nn_resize_out_len(int64_t in, double scale);

/* Whether elements of type t can be resized in mode m (nearest: any stored type;
 * linear and cubic: floating-point types). */
int nn_resize_supports(nn_resize_mode m, nn_dtype t);

/* Resizes x into y, whose dtype, dims and storage are set (same dtype and rank as x).
 * scales: the factor of every axis when the node gave scales; NULL when it gave sizes,
 * the factor is then y's length over x's. roi: 2 * rank values (all starts, then all ends,
 * as fractions of the input) used by tf_crop_and_resize; NULL means the whole input.
 * x and y may be channel-blocked (both with the same block) when nn_resize_blocked_ok
 * holds. Returns NN_OK, NN_ENOMEM, or NN_EUNSUPPORTED for blocked data it cannot resize. */
int nn_resize(const nn_resize_attrs *a, const nn_tensor *x, const double *scales, const double *roi,
              nn_tensor *y);

/* Training (resize_grad.c): adds into dx (x's element count, float32) the gradient of
 * y = nn_resize(a, x, scales, roi) given dy (float32, y's dims). NN_EUNSUPPORTED for
 * tf_crop_and_resize, NN_ENOMEM. */
int nn_resize_backward(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                       const double *roi, const nn_tensor *dy, float *dx);

/* Whether nn_resize can resize x (dims and dtype; data unused) to ydims in the channel-
 * blocked layout `block`: rank-4 float32 data whose N and C axes are left alone, with
 * nearest sampling or the linear modes that nn_resize computes with its bilinear kernel
 * (half_pixel, pytorch_half_pixel, asymmetric coordinates). Same scales and roi as
 * nn_resize. */
int nn_resize_blocked_ok(const nn_resize_attrs *a, const nn_tensor *x, const int64_t *ydims,
                         const double *scales, const double *roi, int block);

/* shape() start shared by Resize and Upsample: out gets x's type and an unknown rank;
 * fails on a type the mode cannot resize or a scalar; NN_EUNKNOWN while x's dims are not
 * known. */
int nn_resize_check_input(const nn_node *node, const nn_resize_attrs *a, const nn_tensor *x,
                          nn_tensor *out, nn_err *err);

#endif
