/* Runs a test under an instruction-set cap, or skips it where the CPU cannot honour the cap:
 *
 *   isa_cap CAP program [args...]
 *
 * CAP is one of oneDNN's ONEDNN_MAX_CPU_ISA names (AVX2, AVX512_CORE, AVX512_CORE_BF16,
 * AVX512_CORE_AMX). The cap is set in the environment, and the effective ISA under it
 * (nn/isa.h) is compared with the cap: a CPU below it exits 77 (ctest's skip) with the
 * reason; otherwise the program runs with the cap in place of this process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "nn/isa.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: isa_cap CAP program [args...]\n");
    return 2;
  }
  static const struct { const char *name; nn_isa isa; } caps[] = {
      {"AVX2", NN_ISA_AVX2},
      {"AVX512_CORE", NN_ISA_AVX512},
      {"AVX512_CORE_BF16", NN_ISA_AVX512_BF16},
      {"AVX512_CORE_AMX", NN_ISA_AMX},
  };
  int k = -1;
  for (int i = 0; i < (int)(sizeof caps / sizeof caps[0]); i++)
    if (!strcasecmp(argv[1], caps[i].name)) k = i;
  if (k < 0) {
    fprintf(stderr, "isa_cap: unknown cap '%s'\n", argv[1]);
    return 2;
  }
  /* (oneDNN reads the variable once, at its first query: set it before) */
  if (setenv("ONEDNN_MAX_CPU_ISA", caps[k].name, 1)) return 2;
  nn_isa got = nn_cpu_isa();
  if (got < caps[k].isa) {
    printf("SKIP: this CPU cannot honour ONEDNN_MAX_CPU_ISA=%s: its effective ISA is %s\n",
           caps[k].name, nn_isa_name(got));
    return 77;
  }
  printf("isa_cap: ONEDNN_MAX_CPU_ISA=%s (effective %s)\n", caps[k].name, nn_isa_name(got));
  fflush(stdout);
  execvp(argv[2], argv + 2);
  perror("isa_cap: exec");
  return 2;
}
