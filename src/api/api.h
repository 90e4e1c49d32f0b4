/* Shared by the library's API files: error reporting, code mapping and the clock. */
#ifndef CUTOUT_API_H
#define CUTOUT_API_H
#include <time.h>

#include "cutout.h"
#include "nn/error.h"

/* Fills err (when not NULL) and returns code. */
ct_status ct_fail(ct_error *err, ct_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* CT_OK when plane is 1 channel of photo's size; else CT_ERR_ARGUMENT with "the <what> must
 * be 1 channel of WxH, ..." in err. */
ct_status ct_check_plane(const ct_image *photo, const ct_image *plane, const char *what,
                         ct_error *err);
/* Maps an engine error (codes and message) into err. */
ct_status ct_from_nn(ct_error *err, const nn_err *e);
/* Maps an image module code and message into err. */
ct_status ct_from_img(ct_error *err, int img_code, const char *msg);

/* Seconds on the monotonic clock: the stages' times in ct_remove_stats. */
static inline double ct_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
