/* The arithmetic of convolutions, and a per-thread scratch buffer for converted
 * inputs. */
#ifndef CUTOUT_NN_PRECISION_H
#define CUTOUT_NN_PRECISION_H
#include <stddef.h>

typedef enum nn_precision {
  NN_PREC_AUTO = 0, /* bfloat16 where the CPU has AMX tiles, else float32; the environment
                       variable CUTOUT_PRECISION=f32|bf16 overrides */
  NN_PREC_F32 = 1,  /* float32 throughout */
  NN_PREC_BF16 = 2  /* convolutions on bfloat16 inputs and weights, float32 sums
                       and outputs */
} nn_precision;

/* Applies to convolutions whose primitives are made afterwards (primitives are
 * made again when the setting changes between runs). */
void nn_set_precision(nn_precision p);
/* 1 when Conv nodes in the channel-blocked layout run on bfloat16. */
int nn_use_bf16(void);

/* A buffer of at least bytes (64-byte aligned) owned by the calling thread,
 * reused by its next call; NULL when out of memory. */
void *nn_scratch(size_t bytes);

#endif
