/* The arithmetic of convolutions, and a per-thread scratch buffer for converted
 * inputs. */
#ifndef CUTOUT_NN_PRECISION_H
#define CUTOUT_NN_PRECISION_H
#include <stddef.h>

typedef enum nn_precision {
  NN_PREC_AUTO = 0, /* bfloat16 where the CPU multiplies bfloat16 in hardware
                       (nn_bf16_available), else float32; the environment variable
                       CUTOUT_PRECISION=f32|bf16 overrides */
  NN_PREC_F32 = 1,  /* float32 throughout */
  NN_PREC_BF16 = 2  /* convolutions on bfloat16 inputs and weights, float32 sums
                       and outputs, where the CPU has bfloat16 arithmetic
                       (nn_bf16_available); float32 elsewhere */
} nn_precision;

/* Applies to convolutions whose primitives are made afterwards (primitives are
 * made again when the setting changes between runs). */
void nn_set_precision(nn_precision p);
/* Float32 on the calling thread alone, whatever the setting, while on: for a graph whose
 * results must match a float32 reference closely (the detector's scores), loaded and run
 * with it on. Primitives made by OpenMP's worker threads are not made under it (the engine
 * makes them on the thread that runs the graph). */
void nn_pin_f32(int on);
/* 1 when Conv nodes in the channel-blocked layout run on bfloat16. */
int nn_use_bf16(void);
/* 1 when the CPU multiplies bfloat16 in hardware at the effective ISA (AVX512_BF16 dot
 * products or AMX tiles). Elsewhere every precision is float32: oneDNN 2.6 has no bfloat16
 * convolutions below AVX-512, and on plain AVX-512 it emulates them, slower than float32
 * (some shapes only in its reference code). */
int nn_bf16_available(void);

/* How many runs the process expects of the models it loads from now on. With few (1: one or
 * two, as for one photo in one process), a float32 convolution whose oneDNN Winograd kernel
 * would take over NN_FEW_RUNS_WINO_MAX bytes of scratch (its transforms of the source and
 * output: 2.25x their bytes) runs directly instead: slower per run (100 ms of ISNet's 620
 * under AVX512_CORE), but a fresh process then touches 150 MB less memory, whose first-touch
 * page faults cost more than that. Part of the prepared cache's key where it changes the
 * kernels (nn_few_runs_key). */
#define NN_FEW_RUNS_WINO_MAX ((size_t)64 << 20)
void nn_set_few_runs(int few);
int nn_few_runs(void);
/* 1 when few runs changes what the convolutions do: float32 at an ISA with oneDNN's
 * Winograd kernels (AVX-512). */
int nn_few_runs_key(void);

/* A buffer of at least bytes (64-byte aligned) owned by the calling thread,
 * reused by its next call; NULL when out of memory. */
void *nn_scratch(size_t bytes);
/* Node n's scratch for a run: its place in the graph's arena while nn_run runs it (bytes
 * within what its pack found), else the thread's (nn_scratch). */
struct nn_node;
void *nn_node_scratch(const struct nn_node *n, size_t bytes);

#endif
