#include "nn/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

void nn_err_prefix(nn_err *err, const char *what) {
  if (!err) return;
  size_t pl = strlen(what) + 2, cap = sizeof err->msg;
  if (pl >= cap / 2) return; /* (a name that long would leave no room for the message) */
  memmove(err->msg + pl, err->msg, cap - pl);
  err->msg[cap - 1] = 0;
  memcpy(err->msg, what, pl - 2);
  memcpy(err->msg + pl - 2, ": ", 2);
}
