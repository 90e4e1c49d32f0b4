/* The arithmetic of convolutions: float32, or bfloat16 inputs and weights with float32
 * sums, chosen from oneDNN's effective ISA (nn/isa.h) so that ONEDNN_MAX_CPU_ISA caps it. */
#include "nn/precision.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nn/graph.h"
#include "nn/isa.h"
#include "nn/mem.h"

static nn_precision requested = NN_PREC_AUTO;

void nn_set_precision(nn_precision p) { requested = p; }

static int few_runs;

void nn_set_few_runs(int few) { few_runs = few != 0; }

int nn_few_runs(void) { return few_runs; }

int nn_few_runs_key(void) { return few_runs && !nn_use_bf16() && nn_cpu_isa() >= NN_ISA_AVX512; }

int nn_bf16_available(void) { return nn_cpu_isa() >= NN_ISA_AVX512_BF16; }

static _Thread_local int pinned_f32;

void nn_pin_f32(int on) { pinned_f32 = on != 0; }

int nn_use_bf16(void) {
  if (pinned_f32 || !nn_bf16_available()) return 0;
  nn_precision p = requested;
  if (p == NN_PREC_AUTO) {
    const char *env = getenv("CUTOUT_PRECISION");
    if (env && !strcmp(env, "f32")) return 0;
    if (env && !strcmp(env, "bf16")) return 1;
    return 1;
  }
  return p == NN_PREC_BF16;
}

/* ---- per-thread scratch ---- */
typedef struct scratch {
  void *data;
  size_t size;
} scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_free(void *p) {
  scratch *s = p;
  if (s) nn_mem_free(s->data, s->size);
  free(s);
}

static void scratch_init(void) {
  scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

void *nn_scratch(size_t bytes) {
  pthread_once(&scratch_once, scratch_init);
  if (!scratch_key_ok) return NULL;
  scratch *s = pthread_getspecific(scratch_key);
  if (!s) {
    s = calloc(1, sizeof *s);
    if (!s || pthread_setspecific(scratch_key, s)) {
      free(s);
      return NULL;
    }
  }
  if (s->size < bytes) {
    size_t size = (bytes + 63) / 64 * 64;
    nn_mem_free(s->data, s->size); /* (before taking the larger block: less at once) */
    s->data = NULL;
    s->size = 0;
    void *d = nn_mem_alloc(size);
    if (!d) return NULL;
    s->data = d;
    s->size = size;
  }
  return s->data;
}

void *nn_node_scratch(const nn_node *n, size_t bytes) {
  return n->run_scratch && bytes <= n->scratch ? n->run_scratch : nn_scratch(bytes);
}
