/* The process-wide oneDNN engine and stream. */
#include "nn/dnnl_ctx.h"

#include <pthread.h>
#include <stddef.h>

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static dnnl_engine_t ctx_engine;
static dnnl_stream_t ctx_stream;
static dnnl_status_t ctx_status = dnnl_success;
static const char *ctx_step = "";

const char *nn_dnnl_status_str(dnnl_status_t st) {
  switch (st) {
    case dnnl_success: return "success";
    case dnnl_out_of_memory: return "out of memory";
    case dnnl_invalid_arguments: return "invalid arguments";
    case dnnl_unimplemented: return "no implementation for these arguments";
    case dnnl_iterator_ends: return "iterator ends";
    case dnnl_runtime_error: return "runtime error";
    case dnnl_not_required: return "not required";
    default: return "unknown status";
  }
}

static void ctx_create(void) {
  ctx_step = "dnnl_engine_create";
  ctx_status = dnnl_engine_create(&ctx_engine, dnnl_cpu, 0);
  if (ctx_status != dnnl_success) return;
  ctx_step = "dnnl_stream_create";
  ctx_status = dnnl_stream_create(&ctx_stream, ctx_engine, dnnl_stream_default_flags);
}

int nn_dnnl_ctx(dnnl_engine_t *engine, dnnl_stream_t *stream, nn_err *err) {
  pthread_once(&ctx_once, ctx_create);
  if (ctx_status != dnnl_success)
    return nn_fail(err, NN_EUNSUPPORTED, "oneDNN: %s failed: %s", ctx_step,
                   nn_dnnl_status_str(ctx_status));
  if (engine) *engine = ctx_engine;
  if (stream) *stream = ctx_stream;
  return NN_OK;
}

nn_code nn_dnnl_code(dnnl_status_t st) {
  return st == dnnl_out_of_memory ? NN_ENOMEM : NN_EUNSUPPORTED;
}

const dnnl_format_tag_t nn_dnnl_data_tags[3] = {dnnl_ncw, dnnl_nchw, dnnl_ncdhw};
const dnnl_format_tag_t nn_dnnl_wei_tags[3] = {dnnl_oiw, dnnl_oihw, dnnl_oidhw};
const dnnl_format_tag_t nn_dnnl_gwei_tags[3] = {dnnl_goiw, dnnl_goihw, dnnl_goidhw};
