/* The arithmetic of convolutions: float32, or bfloat16 inputs and weights with
 * float32 sums where the CPU multiplies bfloat16 in hardware (AMX tiles). */
#include "nn/precision.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nn/dnnl_ctx.h"

static nn_precision requested = NN_PREC_AUTO;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int has_fast_bf16;

void nn_set_precision(nn_precision p) { requested = p; }

/* 1 when oneDNN runs a bfloat16 3x3 convolution on AMX tiles here. */
static void probe(void) {
  dnnl_engine_t engine;
  nn_err err;
  if (nn_dnnl_ctx(&engine, NULL, &err)) return;
  dnnl_memory_desc_t src, wei, dst;
  dnnl_dims_t sd = {1, 64, 64, 64}, wd = {64, 64, 3, 3}, one = {1, 1}, pad = {1, 1};
  dnnl_convolution_desc_t cd;
  dnnl_primitive_desc_t pd = NULL;
  if (dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_bf16, dnnl_nhwc) ||
      dnnl_memory_desc_init_by_tag(&wei, 4, wd, dnnl_bf16, dnnl_format_tag_any) ||
      dnnl_memory_desc_init_by_tag(&dst, 4, sd, dnnl_f32, dnnl_nhwc) ||
      dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                         &src, &wei, NULL, &dst, one, pad, pad) ||
      dnnl_primitive_desc_create(&pd, &cd, NULL, engine, NULL))
    return;
  const char *impl = "";
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  has_fast_bf16 = strstr(impl, "amx") != NULL;
  dnnl_primitive_desc_destroy(pd);
}

int nn_use_bf16(void) {
  nn_precision p = requested;
  if (p == NN_PREC_AUTO) {
    const char *env = getenv("CUTOUT_PRECISION");
    if (env && !strcmp(env, "f32")) return 0;
    if (env && !strcmp(env, "bf16")) return 1;
    pthread_once(&probe_once, probe);
    return has_fast_bf16;
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
  if (s) free(s->data);
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
    void *d = aligned_alloc(64, size);
    if (!d) return NULL;
    free(s->data);
    s->data = d;
    s->size = size;
  }
  return s->data;
}
