/* Identity: copies its tensor input. */
#include "nn/op.h"

static int identity_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out,
                          int n_out, nn_err *err) {
  (void)n_in;
  (void)n_out;
  if (!nn_dtype_supported(in[0]->dtype))
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(in[0]->dtype));
  return nn_shape_as_input(in[0], out[0]);
}

const nn_op nn_op_Identity = {
    .name = "Identity",
    .min_inputs = 1,
    .max_inputs = 1,
    .min_outputs = 1,
    .max_outputs = 1,
    .shape = identity_shape,
    .run = nn_run_copy,
    .backward = nn_backward_copy,
};
