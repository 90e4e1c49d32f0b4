/* ONNX export of an engine graph (a trained model built in inference mode): its nodes,
 * attributes, initialisers (float32 and bool as raw data) and the float32 inputs and
 * outputs with their dims, opset 17. The file loads back through cutout's importer and in
 * onnxruntime. Written beside path and renamed over it once complete. */
#ifndef CUTOUT_TRAIN_EXPORT_H
#define CUTOUT_TRAIN_EXPORT_H

#include "nn/graph.h"

int tr_export_onnx(const nn_graph *g, const char *path, nn_err *err);

#endif
