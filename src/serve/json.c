/* JSON bodies: errors and health. */
#include "serve/json.h"

#include <cjson/cJSON.h>

#include "cutout.h"

char *sv_json_error(const char *code, const char *message) {
  cJSON *root = cJSON_CreateObject();
  if (!root) return NULL;
  cJSON *e = cJSON_AddObjectToObject(root, "error");
  char *s = NULL;
  if (e && cJSON_AddStringToObject(e, "code", code ? code : "internal") &&
      cJSON_AddStringToObject(e, "message", message ? message : ""))
    s = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  return s;
}

char *sv_json_health(int ok, const char *model, const char *detector, double uptime_s,
                     const sv_jobs_stats *st) {
  cJSON *root = cJSON_CreateObject();
  if (!root) return NULL;
  char *s = NULL;
  cJSON *jobs = NULL;
  if (cJSON_AddBoolToObject(root, "ok", ok) &&
      cJSON_AddStringToObject(root, "model", model ? model : "") &&
      (detector ? cJSON_AddStringToObject(root, "detector", detector)
                : cJSON_AddNullToObject(root, "detector")) &&
      cJSON_AddStringToObject(root, "version", ct_version()) &&
      cJSON_AddNumberToObject(root, "uptime_s", (double)(long long)(uptime_s * 10) / 10) &&
      (jobs = cJSON_AddObjectToObject(root, "jobs")) &&
      cJSON_AddNumberToObject(jobs, "running", st->running) &&
      cJSON_AddNumberToObject(jobs, "waiting", st->waiting) &&
      cJSON_AddNumberToObject(jobs, "in_progress", st->admitted) &&
      cJSON_AddNumberToObject(jobs, "limit", st->capacity))
    s = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  return s;
}

void sv_json_free(void *s) { cJSON_free(s); }
