/* Graph passes run by nn_prepare(), in this order. */
#ifndef CUTOUT_NN_PASSES_H
#define CUTOUT_NN_PASSES_H
#include "nn/graph.h"

/* Sorts nodes topologically; fails on undefined inputs or cycles. */
int nn_pass_toposort(nn_graph *g, nn_err *err);
/* Computes float16 values in float32 and drops the Casts between the two. */
int nn_pass_widen_fp16(nn_graph *g, nn_err *err);
/* Shape inference and constant folding in one sweep: a node whose inputs are all
 * constants (or a Shape of known dims) is computed now and becomes a constant. */
int nn_pass_fold(nn_graph *g, nn_err *err);
/* Fuses each Relu into the Conv it alone reads from. */
int nn_pass_fuse(nn_graph *g, nn_err *err);
/* Puts activations in the channel-blocked layout where ops allow it, with Reorder nodes at
 * the borders (nn/layout.h). */
int nn_pass_layout(nn_graph *g, nn_err *err);
/* Each value's life in node order: its producer (first) to its last reader (last), -1 for
 * values no node makes. Arrays of g->n_values. */
void nn_plan_lifetimes(const nn_graph *g, int *first, int *last);
/* Plans one arena for all intermediate values (when every shape is known). */
int nn_pass_plan(nn_graph *g, nn_err *err);
/* Runs each node's nn_op.pack where its shapes are known; prev (NULL, or one per node: data
 * NULL for none) is what the prepared-model cache kept of an earlier pack. With drop, then
 * drops the data of constants only packed nodes read and no longer need. */
struct nn_packed;
int nn_pass_pack(nn_graph *g, const struct nn_packed *prev, int drop, nn_err *err);
/* Places each node's scratch in the arena beside the values living while it runs
 * (g->scratch_offset; needs the plan and nn_pass_pack's scratch sizes); returns the arena's
 * bytes, at least plan_size. Out of memory, no offsets: nodes take the thread's scratch. */
size_t nn_plan_scratch(nn_graph *g);
/* Removes nodes whose outputs nothing uses, and the data of constants nothing reads. */
int nn_pass_prune(nn_graph *g, nn_err *err);

#endif
