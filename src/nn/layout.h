/* The layouts the engine keeps activations in between ops, so that convolutions run on
 * their fastest kernels:
 *
 * Channel-blocked (oneDNN's nChw8c / nChw16c), float32: a tensor with block B > 0 and dims
 * [N, C, S...] stores element (n, c, s) at
 *   ((n * ceil(C/B) + c/B) * prod(S) + s) * B + c % B
 * and holds zeros in the padded channels C .. ceil(C/B)*B - 1.
 *
 * Channels-last bfloat16 (block NN_BLOCK_CL; oneDNN's nhwc): element (n, c, s) at
 * (n * prod(S) + s) * C + c, each a bfloat16 (the top half of a float32; the tensor's dtype
 * stays NN_F32, what the values stand for). Where the CPU multiplies bfloat16 numbers in
 * hardware (AMX), oneDNN's convolutions read and write only this layout; keeping every
 * activation in it spares a conversion on each side of each convolution and halves the
 * memory the other ops stream through. Ops round their results to bfloat16 once, as the
 * next convolution would round its input anyway.
 *
 * Ops that may see these layouts say so through nn_op.blocked; the layout pass puts Reorder
 * nodes wherever a value crosses between a layout and the plain one. */
#ifndef CUTOUT_NN_LAYOUT_H
#define CUTOUT_NN_LAYOUT_H
#include <stdint.h>
#include <string.h>

#include "nn/graph.h"
#include "nn/tensor.h"

/* The block for this CPU: 16 with AVX-512 (by the effective ISA, nn/isa.h), 8 otherwise;
 * 0 (blocked layouts off) when the environment sets CUTOUT_PLAIN_LAYOUT=1. */
int nn_layout_block(void);

/* The block value of the channels-last bfloat16 layout. */
#define NN_BLOCK_CL (-1)
/* In it, a convolution's output with fewer channels than this (a mask) is written plain,
 * in float32, and ops read such values plain. */
#define NN_CL_MIN_CHANNELS 8

/* In the blocked layout, a convolution's input with fewer channels than this (an image) is
 * read plain, unless it is blocked already: oneDNN's first-layer kernels read it so. */
#define NN_BLOCKED_MIN_IN_CHANNELS 8

/* The layout the layout pass gives activations now: NN_BLOCK_CL when convolutions run in
 * bfloat16 (nn_use_bf16), else nn_layout_block() (0 with CUTOUT_PLAIN_LAYOUT=1). */
int nn_layout_active(void);

/* bfloat16 <-> float32: the top 16 bits, rounded to nearest even (NaN stays NaN). */
static inline float nn_bf16_to_f32(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
/* (branch-free, so that loops over it vectorise) */
static inline uint16_t nn_f32_to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1)) >> 16, quiet = (u >> 16) | 0x40;
  return (uint16_t)((u & 0x7fffffffu) > 0x7f800000u ? quiet : rounded);
}

/* Copies src into dst (same dtype and dims; 4-byte elements), converting between their
 * layouts (src->block, dst->block: either may be 0, NN_BLOCK_CL with the other 0). */
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
