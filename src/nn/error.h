/* Errors of the engine: a code and a human message. */
#ifndef CUTOUT_NN_ERROR_H
#define CUTOUT_NN_ERROR_H

typedef enum nn_code {
  NN_OK = 0,
  NN_EINVAL = 1,       /* bad argument or malformed graph */
  NN_EUNSUPPORTED = 2, /* valid ONNX that this engine does not implement */
  NN_ENOMEM = 3,
  NN_EIO = 4,
  NN_EFORMAT = 5, /* not an ONNX model / corrupt file */
  NN_EUNKNOWN = 6 /* shape inference: needs data that is not known yet (not an error) */
} nn_code;

typedef struct nn_err {
  nn_code code;
  char msg[512];
} nn_err;

/* Records code and message in err (if not NULL) and returns code. */
int nn_fail(nn_err *err, nn_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Puts "<what>: " before err's message (when err is not NULL), cut to fit. */
void nn_err_prefix(nn_err *err, const char *what);

#endif
