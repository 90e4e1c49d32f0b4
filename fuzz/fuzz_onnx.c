/* Fuzz target: an ONNX model from bytes, then everything the engine does before running it
 * (op checks at load, shape inference, constant folding, pruning, fusion, layout, memory
 * planning). A model file is untrusted input: `cutout remove --model` takes any path. */
#include <stddef.h>
#include <stdint.h>

#include "nn/nn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    nn_set_threads(1); /* the fuzzer runs one input at a time; no pool spinning beside it */
    ready = 1;
  }
  nn_graph *g = NULL;
  nn_err err;
  if (nn_onnx_load_buffer(data, size, &g, &err) == NN_OK) {
    if (nn_prepare(g, &err) == NN_OK) nn_optimize(g, &err);
    nn_graph_free(g);
  }
  return 0;
}
