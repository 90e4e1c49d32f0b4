/* Channel-blocked layouts (oneDNN's nChw8c / nChw16c): what the engine keeps activations in
 * between ops, so that convolutions run on their fastest kernels.
 *
 * A tensor with block B > 0 and dims [N, C, S...] stores element (n, c, s) at
 *   ((n * ceil(C/B) + c/B) * prod(S) + s) * B + c % B
 * and holds zeros in the padded channels C .. ceil(C/B)*B - 1. Ops that may see blocked data
 * say so through nn_op.blocked; the layout pass puts Reorder nodes wherever a value
 * crosses between the two layouts. */
#ifndef CUTOUT_NN_LAYOUT_H
#define CUTOUT_NN_LAYOUT_H
#include "nn/graph.h"
#include "nn/tensor.h"

/* The block for this CPU: 16 with AVX-512, 8 otherwise; 0 (blocked layouts off) when the
 * environment sets CUTOUT_PLAIN_LAYOUT=1. */
int nn_layout_block(void);

/* Copies src into dst (same dtype and dims; 4-byte elements), converting between their
 * layouts (src->block, dst->block: either may be 0). */
int nn_reorder(const nn_tensor *src, nn_tensor *dst, nn_err *err);

/* Element index of (n, c, s) in a tensor of dims [N, C, S] stored with block B (0: plain),
 * where S is the product of the spatial dims. */
static inline int64_t nn_blocked_index(int64_t n, int64_t c, int64_t s, int64_t C, int64_t S,
                                       int B) {
  if (!B) return (n * C + c) * S + s;
  int64_t cb = (C + B - 1) / B;
  return ((n * cb + c / B) * S + s) * B + c % B;
}

#endif
