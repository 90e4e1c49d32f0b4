/* Fuzz target: the body of POST /api/remove as the service reads it, and its parameters.
 *
 * The bytes are (1) the body of a multipart/form-data request with a fixed boundary, read
 * by the service's own upload code (upload.c: libmicrohttpd's post processor, the form
 * fields applied as parameters, the image and background fields collected) and checked by
 * sv_params_finish; (2) split at '&' and '=' into name=value parameters for sv_param_set, as
 * a query string is.
 *
 * The form parser needs a libmicrohttpd connection, so the request goes through an
 * in-process daemon (http_drive.c). No network is involved. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_drive.h"
#include "serve/request.h"

static void query_params(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return;
  memcpy(s, data, size);
  s[size] = '\0';
  sv_params p;
  sv_params_init(&p);
  char why[400];
  for (char *save = NULL, *kv = strtok_r(s, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    if (eq) *eq = '\0';
    sv_param_set(&p, kv, eq ? eq + 1 : NULL, why, sizeof why);
  }
  sv_params_finish(&p, why, sizeof why);
  uint8_t rgba[4];
  sv_parse_color(s, rgba);
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  query_params(data, size);
  http_drive_post(data, size);
  return 0;
}
