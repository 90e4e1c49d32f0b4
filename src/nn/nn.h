/* The inference engine's entry points: load an ONNX model (or a TensorFlow.js graph model,
 * nn/tfjs.h), prepare it, run it.
 * Nothing here knows about images. */
#ifndef CUTOUT_NN_NN_H
#define CUTOUT_NN_NN_H
#include <stdio.h>

#include "nn/graph.h"
#include "nn/onnx.h"
#include "nn/tfjs.h"
#include "nn/tensor.h"

/* Optimises a loaded graph in place: checks the order of nodes, infers shapes, folds
 * every node whose inputs are all known (constants, Shape of known dims), drops what no
 * output needs. Errors name the op and node. */
int nn_prepare(nn_graph *g, nn_err *err);

/* Makes a prepared graph fast: float16 computed in float32, Relu and Add fused into
 * convolutions, activations in the channel-blocked layout, one planned arena, and where the
 * shapes are known each node's work done once now (nn_pass_pack: oneDNN primitives, weights
 * in their layouts). (The exact float16 rounding of Cast is kept only without it.) */
int nn_optimize(nn_graph *g, nn_err *err);

/* Loads a model to run: nn_onnx_load_file, nn_prepare, nn_optimize. */
int nn_load(const char *path, nn_graph **out, nn_err *err);

/* The same for a TensorFlow.js graph model: nn_tfjs_load_file (outputs: the names of the
 * outputs wanted, n_outputs 0 for the model's own), nn_prepare, nn_optimize. */
int nn_load_tfjs(const char *json_path, const char *const *outputs, int n_outputs,
                 nn_graph **out, nn_err *err);

/* The same from the bytes of an ONNX file, keeping only its first `outputs` outputs (0: all),
 * and without the plain copies of the weights that were packed: the graph then runs at the
 * precision in force now only (nn/precision.h; load it again for another). The prepared-model
 * cache (nn/cache.h) loads through this. */
int nn_load_buffer(const void *buf, size_t len, int outputs, nn_graph **out, nn_err *err);

/* Keeps only the first n graph outputs and drops the nodes only the others needed. */
int nn_keep_outputs(nn_graph *g, int n, nn_err *err);

/* Runs the graph. inputs[i] binds g->inputs[i]; outputs[i] receives a new tensor for
 * g->outputs[i] (free with nn_tensor_free). */
int nn_run(nn_graph *g, nn_tensor *const *inputs, int n_inputs, nn_tensor **outputs,
           int n_outputs, nn_err *err);

/* The steps of nn_run, for other drivers (training's tape): binds given to graph input i
 * in rt[g->inputs[i]] (rt: one tensor per value, constants already there), and runs node i
 * on rt: its outputs' shapes inferred, their storage allocated (or placed in the arena of a
 * planned graph), the op run. */
int nn_bind_input(const nn_graph *g, int i, const nn_tensor *given, nn_tensor *rt,
                  nn_err *err);
int nn_exec_node(nn_graph *g, int i, nn_tensor *rt, nn_err *err);

/* Per-node timing of later nn_run calls, and a table of where the time went
 * (by op type, then the slowest nodes). */
int nn_profile_enable(nn_graph *g, nn_err *err);
void nn_profile_report(const nn_graph *g, FILE *f);

/* Worker threads for every op (OpenMP; oneDNN shares the pool). n <= 0: all cores. The
 * setting is process-wide: nn_run applies it on whichever thread runs the graph. */
void nn_set_threads(int n);
int nn_get_threads(void);
/* Makes the calling thread's OpenMP thread count the nn_set_threads one. */
void nn_apply_threads(void);

#endif
