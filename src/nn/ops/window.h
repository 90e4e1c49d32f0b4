/* Sliding-window geometry shared by Conv, ConvInteger and MaxPool: the kernel_shape, strides,
 * pads, dilations, auto_pad and ceil_mode attributes, and the output size they give. */
#ifndef CUTOUT_NN_OPS_WINDOW_H
#define CUTOUT_NN_OPS_WINDOW_H
#include <stdint.h>

#include "nn/graph.h"

/* Spatial dimensions a window op handles (the 1-D, 2-D and 3-D cases). */
#define NN_WIN_MAX_SP 3

typedef enum nn_auto_pad {
  NN_PAD_NOTSET,
  NN_PAD_SAME_UPPER,
  NN_PAD_SAME_LOWER,
  NN_PAD_VALID
} nn_auto_pad;

/* The attributes as written on the node; counts are 0 when an attribute is absent. */
typedef struct nn_win_attrs {
  int n_kernel, n_strides, n_dilations, n_pads;
  int64_t kernel[NN_WIN_MAX_SP];
  int64_t strides[NN_WIN_MAX_SP];
  int64_t dilations[NN_WIN_MAX_SP];
  int64_t pads[2 * NN_WIN_MAX_SP]; /* begins then ends, as in ONNX */
  nn_auto_pad auto_pad;
  int ceil_mode;
} nn_win_attrs;

/* The geometry of one window op for a given input: everything per spatial axis. */
typedef struct nn_win {
  int nsp; /* spatial axes */
  int64_t in[NN_WIN_MAX_SP];
  int64_t kernel[NN_WIN_MAX_SP];
  int64_t stride[NN_WIN_MAX_SP];
  int64_t dilation[NN_WIN_MAX_SP]; /* ONNX convention: 1 means dense */
  int64_t pad_l[NN_WIN_MAX_SP];
  int64_t pad_r[NN_WIN_MAX_SP];
  int64_t out[NN_WIN_MAX_SP]; /* -1 when the input size is not known */
} nn_win;

/* Reads and validates the window attributes of node. allow_ceil: whether ceil_mode is an
 * attribute of this op. Rejects bad values with a message naming the attribute. */
int nn_win_parse(const nn_node *node, int allow_ceil, nn_win_attrs *a, nn_err *err);

/* Geometry for nsp spatial axes of sizes in[] (-1 = unknown) and kernel sizes kernel[].
 * Checks that the attribute lengths match nsp and that the kernel fits the padded input. */
int nn_win_geometry(const nn_node *node, const nn_win_attrs *a, int nsp, const int64_t *in,
                    const int64_t *kernel, nn_win *w, nn_err *err);

/* The same geometry padded to three spatial axes by leading axes of size 1
 * (kernel 1, stride 1, no padding), so that kernels can loop over 3-D only. */
void nn_win_to_3d(const nn_win *w, nn_win *w3);

#endif
