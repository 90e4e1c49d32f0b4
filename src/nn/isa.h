/* The instruction set the engine uses: oneDNN's effective ISA (the CPU's, capped by
 * ONEDNN_MAX_CPU_ISA), so that a cap applies to oneDNN's kernels and to ours alike, and one
 * machine can test the code paths of others. */
#ifndef CUTOUT_NN_ISA_H
#define CUTOUT_NN_ISA_H
#include <stddef.h>

typedef enum nn_isa {
  NN_ISA_BASE = 0,        /* below AVX2: plain C kernels */
  NN_ISA_AVX2 = 1,        /* AVX2 + FMA */
  NN_ISA_AVX512 = 2,      /* AVX-512 F/BW/VL/DQ (oneDNN's avx512_core) */
  NN_ISA_AVX512_BF16 = 3, /* and bfloat16 dot products (avx512_core_bf16) */
  NN_ISA_AMX = 4          /* and AMX tiles (avx512_core_amx) */
} nn_isa;

/* The effective ISA, decided once per process. */
nn_isa nn_cpu_isa(void);
/* "avx2", "avx512_core", ... as ONEDNN_MAX_CPU_ISA spells them. */
const char *nn_isa_name(nn_isa isa);
/* "oneDNN 2.6.3, avx512_core_bf16": the library's version and the effective ISA. */
void nn_isa_describe(char *buf, size_t len);

#endif
