/* Reorder (internal op, domain "cutout"): converts a tensor between the plain layout and the
 * channel-blocked or channels-last bfloat16 ones (nn/layout.h). Attribute "block": the
 * output's block (0 plain, NN_BLOCK_CL channels-last).
 * The layout pass inserts it; ONNX models cannot name it. */
#include "nn/layout.h"
#include "nn/op.h"

static int reorder_prepare(nn_node *node, nn_err *err) {
  int64_t b = nn_attr_int(node, "block", -1);
  if (b != NN_BLOCK_CL && (b < 0 || b > 64))
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'block' must be -1 or 0..64");
  return NN_OK;
}

static int reorder_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                         int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  if (in[0]->ndim < 3 || nn_dtype_size(in[0]->dtype) != 4)
    return nn_node_fail(node, err, NN_EINVAL, "needs a tensor of rank >= 3, 4-byte elements");
  nn_set_shape(out[0], in[0]->dtype, in[0]->ndim, in[0]->dims);
  return NN_OK;
}

static int reorder_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                       int n_out, nn_err *err) {
  (void)node;
  (void)n_in;
  (void)n_out;
  return nn_reorder(in[0], out[0], err);
}

const nn_op nn_op_Reorder = {
    .name = "Reorder",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .prepare = reorder_prepare,
    .shape = reorder_shape,
    .run = reorder_run,
};
