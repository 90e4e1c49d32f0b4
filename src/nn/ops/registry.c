/* Finds ops by name from the list in ops.def. */
#include <string.h>

#include "nn/op.h"

#define X(name) extern const nn_op nn_op_##name __attribute__((weak));
#include "nn/ops/ops.def"
#undef X

static const nn_op *const all_ops[] = {
#define X(name) &nn_op_##name,
#include "nn/ops/ops.def"
#undef X
};

const nn_op *nn_op_find(const char *domain, const char *op_type) {
  if (domain && domain[0] && strcmp(domain, "ai.onnx") != 0) return NULL;
  for (size_t i = 0; i < sizeof all_ops / sizeof all_ops[0]; i++)
    if (all_ops[i] && strcmp(all_ops[i]->name, op_type) == 0) return all_ops[i];
  return NULL;
}
