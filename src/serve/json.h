/* The JSON bodies of the service (cJSON underneath). Each returns a NUL-terminated string
 * to free with sv_json_free, or NULL when out of memory. */
#ifndef CUTOUT_SERVE_JSON_H
#define CUTOUT_SERVE_JSON_H

#include "serve/jobs.h"

/* {"error": {"code": code, "message": message}} */
char *sv_json_error(const char *code, const char *message);
/* {"ok", "model", "detector" (null when none), "version", "uptime_s", "jobs": {"running",
 *  "waiting", "in_progress", "limit"}} */
char *sv_json_health(int ok, const char *model, const char *detector, double uptime_s,
                     const sv_jobs_stats *st);
void sv_json_free(void *s);

#endif
