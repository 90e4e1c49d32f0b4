/* One HTTP request inside the service, from its headers to the log line. */
#ifndef CUTOUT_SERVE_REQUEST_H
#define CUTOUT_SERVE_REQUEST_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/jobs.h"
#include "serve/params.h"
#include "serve/process.h"

typedef struct sv_server sv_server;

typedef struct sv_request {
  sv_job job; /* first: the job thread gets the request back from it */
  sv_server *srv;
  struct MHD_Connection *conn;
  double t0;
  char method[16], path[128], addr[64];
  int is_api; /* POST /api/remove or /api/instances (params.route): admitted, uploads, runs a
                job */
  int admitted, submitted;
  atomic_int done;
  int status;   /* the answer's status, 0 until one is queued */
  size_t bytes; /* the answer's body size */

  /* an error found while the body arrives, answered when it is complete */
  int err_status;
  const char *err_code;
  char err_msg[512];
  size_t received, discarded, max_body, declared;

  /* the image bytes: the raw body, or the multipart file field */
  uint8_t *body;
  size_t len, cap;
  /* the background image: the multipart field bg_image_file */
  uint8_t *bg;
  size_t bg_len, bg_cap;
  struct MHD_PostProcessor *pp;
  int files, bg_files; /* file fields seen */
  char field[64];     /* the form field being read */
  char value[1024];   /* its value so far */
  size_t value_len;
  int field_open;

  sv_params params;
  sv_result result;
} sv_request;

/* Records an error for the request (the first one wins). */
void sv_request_fail(sv_request *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- upload.c: the body ---- */
/* Prepares the body reading from the request headers: the Content-Length limit, the
 * media type, the multipart parser. 0, or -1 with the error recorded. */
int sv_upload_begin(sv_request *r, size_t max_body);
/* 1 when the client sends a body after the headers whatever the answer (no "Expect:
 * 100-continue") and it is small enough (up to twice the limit, or chunked) to be read and
 * thrown away before answering an error: answered at once, the client could see the
 * connection reset while it still sends, instead of the answer. */
int sv_upload_absorb(sv_request *r, size_t max_body);
/* Takes one piece of the body (an error is recorded, not returned; the rest is then
 * discarded). Returns 0, or -1 when the connection should be dropped (a stream far over the
 * limit). */
int sv_upload_data(sv_request *r, const char *data, size_t size, size_t max_body);
/* Ends the body: the multipart parser is finished and its last field applied. */
void sv_upload_end(sv_request *r);
void sv_upload_free(sv_request *r);

#endif
