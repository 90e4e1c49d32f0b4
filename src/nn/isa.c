/* The effective instruction set, from oneDNN (which honours ONEDNN_MAX_CPU_ISA). */
#include "nn/isa.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdio.h>

static pthread_once_t isa_once = PTHREAD_ONCE_INIT;
static nn_isa isa_level;

static void isa_probe(void) {
  unsigned v = (unsigned)dnnl_get_effective_cpu_isa();
  /* oneDNN's values are nested bit masks: each ISA's bits include its predecessors'. */
  if ((v & dnnl_cpu_isa_avx512_core_amx) == dnnl_cpu_isa_avx512_core_amx)
    isa_level = NN_ISA_AMX;
  else if ((v & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16)
    isa_level = NN_ISA_AVX512_BF16;
  else if ((v & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core)
    isa_level = NN_ISA_AVX512;
  else if ((v & dnnl_cpu_isa_avx2) == dnnl_cpu_isa_avx2)
    isa_level = NN_ISA_AVX2;
  else
    isa_level = NN_ISA_BASE;
}

nn_isa nn_cpu_isa(void) {
  pthread_once(&isa_once, isa_probe);
  return isa_level;
}

const char *nn_isa_name(nn_isa isa) {
  switch (isa) {
    case NN_ISA_AMX: return "avx512_core_amx";
    case NN_ISA_AVX512_BF16: return "avx512_core_bf16";
    case NN_ISA_AVX512: return "avx512_core";
    case NN_ISA_AVX2: return "avx2";
    default: return "sse41";
  }
}

void nn_isa_describe(char *buf, size_t len) {
  const dnnl_version_t *v = dnnl_version();
  snprintf(buf, len, "oneDNN %d.%d.%d, %s", v->major, v->minor, v->patch,
           nn_isa_name(nn_cpu_isa()));
}
