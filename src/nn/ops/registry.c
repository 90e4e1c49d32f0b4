/* Finds ops by name: the ONNX ops listed in ops.def, and the engine's internal ops
 * (domain "cutout"), which only passes create. */
#include <string.h>

#include "nn/op.h"

#define X(name) extern const nn_op nn_op_##name;
#include "nn/ops/ops.def"
#undef X
extern const nn_op nn_op_Reorder;

static const nn_op *const onnx_ops[] = {
#define X(name) &nn_op_##name,
#include "nn/ops/ops.def"
#undef X
};

static const nn_op *const internal_ops[] = {&nn_op_Reorder};

#define FIND(list, type)                                              \
  for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)           \
    if (strcmp(list[i]->name, type) == 0) return list[i];

const nn_op *nn_op_find(const char *domain, const char *op_type) {
  if (domain && strcmp(domain, "cutout") == 0) {
    FIND(internal_ops, op_type);
    return NULL;
  }
  if (domain && domain[0] && strcmp(domain, "ai.onnx") != 0) return NULL;
  FIND(onnx_ops, op_type);
  return NULL;
}
