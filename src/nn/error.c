#include "nn/error.h"

#include <stdarg.h>
#include <stdio.h>

int nn_fail(nn_err *err, nn_code code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}
