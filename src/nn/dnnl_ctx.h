/* The process-wide oneDNN CPU engine and stream, created once on first use. */
#ifndef CUTOUT_NN_DNNL_CTX_H
#define CUTOUT_NN_DNNL_CTX_H
#include <oneapi/dnnl/dnnl.h>

#include "nn/error.h"

/* The shared engine and stream (either pointer may be NULL). Thread-safe; fails with
 * NN_EUNSUPPORTED when oneDNN cannot create a CPU engine. */
int nn_dnnl_ctx(dnnl_engine_t *engine, dnnl_stream_t *stream, nn_err *err);

/* A short description of a oneDNN status ("no implementation for these arguments"...). */
const char *nn_dnnl_status_str(dnnl_status_t st);

/* The engine code for a failed oneDNN status: NN_ENOMEM or NN_EUNSUPPORTED. */
nn_code nn_dnnl_code(dnnl_status_t st);

#endif
