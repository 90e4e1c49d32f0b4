/* Shape: the input's dims as a 1-D int64 tensor, optionally sliced by start/end (opset 15).
 * Only the input's dims are read, never its data. */
#include <stdint.h>

#include "nn/op.h"

/* The [start, end) range of dims to output for rank r, clamped as ONNX specifies. */
static void shape_range(const nn_node *node, int r, int64_t *start, int64_t *end) {
  int64_t s = nn_attr_int(node, "start", 0), e = nn_attr_int(node, "end", r);
  if (s < 0) s += r;
  if (e < 0) e += r;
  s = s < 0 ? 0 : s > r ? r : s;
  e = e < 0 ? 0 : e > r ? r : e;
  *start = s;
  *end = e < s ? s : e;
}

static int shape_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                       int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  (void)err;
  out[0]->dtype = NN_I64;
  if (in[0]->ndim < 0) {
    out[0]->ndim = -1;
    return NN_EUNKNOWN;
  }
  int64_t s, e;
  shape_range(node, in[0]->ndim, &s, &e);
  int64_t n = e - s;
  nn_set_shape(out[0], NN_I64, 1, &n);
  return NN_OK;
}

static int shape_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                     int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  (void)err;
  int64_t s, e;
  shape_range(node, in[0]->ndim, &s, &e);
  int64_t *o = out[0]->data;
  for (int64_t i = s; i < e; i++) o[i - s] = in[0]->dims[i];
  return NN_OK;
}

const nn_op nn_op_Shape = {
    .name = "Shape",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = shape_shape,
    .run = shape_run,
};
