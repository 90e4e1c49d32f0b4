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

/* In an op's oneDNN code: on failure of call, records "oneDNN <what> failed: <why>" for
 * the node (variables node and err), sets rc and jumps to the label done. */
#define DNNL_TRY(call, what)                                                        \
  do {                                                                              \
    dnnl_status_t st_ = (call);                                                     \
    if (st_ != dnnl_success) {                                                      \
      rc = nn_node_fail(node, err, nn_dnnl_code(st_), "oneDNN %s failed: %s", what, \
                        nn_dnnl_status_str(st_));                                   \
      goto done;                                                                    \
    }                                                                               \
  } while (0)

/* Plain f32 layouts by the number of spatial axes (index 0: 1-D): data N C spatial;
 * convolution weights O I kernel and grouped G O I kernel. */
extern const dnnl_format_tag_t nn_dnnl_data_tags[3], nn_dnnl_wei_tags[3], nn_dnnl_gwei_tags[3];

#endif
