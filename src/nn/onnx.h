/* ONNX -> IR. */
#ifndef CUTOUT_NN_ONNX_H
#define CUTOUT_NN_ONNX_H
#include <stddef.h>
#include <stdint.h>

#include "nn/graph.h"

/* Parses an ONNX model into a graph: values, nodes, attributes, initialisers (fp16 widened
 * to float, integers kept). Every node's op is looked up and prepared; an unknown op,
 * domain, attribute value or data type fails here with a message naming op and node.
 * The graph is not yet optimised: see nn_prepare() in nn/nn.h. */
int nn_onnx_load_file(const char *path, nn_graph **out, nn_err *err);
int nn_onnx_load_buffer(const void *buf, size_t len, nn_graph **out, nn_err *err);

/* A serialised TensorProto (e.g. ONNX test data input_0.pb) as a tensor. */
nn_tensor *nn_onnx_load_tensor_file(const char *path, nn_err *err);

/* Maps a whole regular file read-only, its pages read in at once (for model and tensor
 * files: nothing is copied); larger files than NN_MAX_FILE_BYTES, the most a protobuf
 * message may hold, are refused first. An empty file gives *map NULL, *size 0. Unmap with
 * nn_unmap_file. */
#define NN_MAX_FILE_BYTES ((uint64_t)2 << 30)
int nn_map_file(const char *path, void **map, size_t *size, nn_err *err);
void nn_unmap_file(void *map, size_t size);

#endif
