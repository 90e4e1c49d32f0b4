/* Status codes, error messages, version, threads. */
#include <stdarg.h>
#include <stdio.h>

#include "api/api.h"
#include "image/image.h"
#include "nn/isa.h"
#include "nn/nn.h"
#include "nn/precision.h"

const char *ct_version(void) { return CUTOUT_VERSION; }

void ct_runtime_info(char *buf, size_t len) {
  char engine[128];
  nn_isa_describe(engine, sizeof engine);
  snprintf(buf, len, "%s, %s, convolutions in %s", img_library_version(), engine,
           nn_use_bf16() ? "bfloat16" : "float32");
}

const char *ct_status_name(ct_status code) {
  switch (code) {
    case CT_OK: return "ok";
    case CT_ERR_ARGUMENT: return "argument";
    case CT_ERR_IO: return "io";
    case CT_ERR_IMAGE: return "image";
    case CT_ERR_MODEL: return "model";
    case CT_ERR_UNSUPPORTED: return "unsupported";
    case CT_ERR_MEMORY: return "memory";
    default: return "internal";
  }
}

void ct_set_threads(int n) { nn_set_threads(n); }

void ct_set_one_shot(int on) { nn_set_few_runs(on); }

void ct_set_precision(ct_precision p) {
  nn_set_precision(p == CT_PRECISION_F32    ? NN_PREC_F32
                   : p == CT_PRECISION_BF16 ? NN_PREC_BF16
                                            : NN_PREC_AUTO);
}

ct_status ct_fail(ct_error *err, ct_status code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

ct_status ct_from_nn(ct_error *err, const nn_err *e) {
  ct_status code;
  switch (e->code) {
    case NN_OK: return CT_OK;
    case NN_EUNSUPPORTED: code = CT_ERR_UNSUPPORTED; break;
    case NN_ENOMEM: code = CT_ERR_MEMORY; break;
    case NN_EIO: code = CT_ERR_IO; break;
    case NN_EFORMAT: case NN_EINVAL: code = CT_ERR_MODEL; break;
    default: code = CT_ERR_INTERNAL; break;
  }
  return ct_fail(err, code, "%s", e->msg);
}

ct_status ct_from_img(ct_error *err, int img_code, const char *msg) {
  ct_status code;
  switch (img_code) {
    case IMG_OK: return CT_OK;
    case IMG_EARG: code = CT_ERR_ARGUMENT; break;
    case IMG_EIO: code = CT_ERR_IO; break;
    case IMG_ENOMEM: code = CT_ERR_MEMORY; break;
    case IMG_EFORMAT: case IMG_ECORRUPT: case IMG_ETOOBIG: case IMG_EENCODE:
      code = CT_ERR_IMAGE;
      break;
    default: code = CT_ERR_INTERNAL; break;
  }
  return ct_fail(err, code, "%s", msg);
}

ct_status ct_check_plane(const ct_image *photo, const ct_image *plane, const char *what,
                         ct_error *err) {
  if (plane->channels != 1 || plane->width != photo->width || plane->height != photo->height)
    return ct_fail(err, CT_ERR_ARGUMENT, "the %s must be 1 channel of %dx%d, not %d of %dx%d",
                   what, photo->width, photo->height, plane->channels, plane->width,
                   plane->height);
  return CT_OK;
}
