/* The matting functions' error returns. */
#include <stdio.h>

#include "matte/matte.h"

int mt_fail(char *err, size_t errlen, const char *msg) {
  if (err && errlen) snprintf(err, errlen, "%s", msg);
  return -1;
}

int mt_nomem(char *err, size_t errlen) {
  mt_fail(err, errlen, "out of memory");
  return MT_ENOMEM;
}
