/* The parameters that go to the detector (params_detect.c): rows of params.c's table. */
#ifndef CUTOUT_SERVE_PARAMS_DETECT_H
#define CUTOUT_SERVE_PARAMS_DETECT_H

#include <stddef.h>

#include "serve/params.h"

/* The reason into err; returns -1. */
int sv_param_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* subject (/api/remove): all, largest or a class's name. */
int sv_set_subject(sv_params *p, const char *name, const char *v, char *err, size_t errlen);
/* class, min_score, max_instances, crop (/api/instances). */
int sv_set_class(sv_params *p, const char *name, const char *v, char *err, size_t errlen);
int sv_set_min_score(sv_params *p, const char *name, const char *v, char *err, size_t errlen);
int sv_set_max_instances(sv_params *p, const char *name, const char *v, char *err,
                         size_t errlen);
int sv_set_crop(sv_params *p, const char *name, const char *v, char *err, size_t errlen);

#endif
