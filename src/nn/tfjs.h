/* TensorFlow.js graph models (model.json + weight files) -> IR. */
#ifndef CUTOUT_NN_TFJS_H
#define CUTOUT_NN_TFJS_H
#include "nn/graph.h"

/* Reads a TensorFlow.js graph model: JSON_PATH's graph, and the weight files its manifest
 * names (relative to its folder; each checked against the manifest's sizes). Only the nodes
 * that the outputs named in OUTPUTS need are converted (N_OUTPUTS 0: the signature's outputs,
 * else the nodes no other reads); their names may end in ":0". The graph is the engine's
 * ONNX-semantics IR in NCHW: 4-D inputs arrive NHWC as in TensorFlow and are transposed
 * inside, 4-D outputs are transposed back, so callers see TensorFlow's layouts. Weights are
 * converted at load (HWIO -> OIHW, depthwise to grouped, batch norms folded into the
 * convolutions). An op or attribute value not handled fails here, naming the op and node.
 * Not optimised yet: nn_prepare and nn_optimize (nn/nn.h) apply as to ONNX graphs. */
int nn_tfjs_load_file(const char *json_path, const char *const *outputs, int n_outputs,
                      nn_graph **out, nn_err *err);

#endif
