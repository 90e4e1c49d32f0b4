/* Fuzz target: the body of POST /api/remove as the service reads it, and its parameters.
 *
 * The bytes are (1) the body of a multipart/form-data request with a fixed boundary, read
 * by the service's own upload code (upload.c: libmicrohttpd's post processor, the form
 * fields applied as parameters, the image and background fields collected) and checked by
 * sv_params_finish; (2) split at '&' and '=' into name=value parameters for sv_param_set, as
 * a query string is.
 *
 * The form parser needs a libmicrohttpd connection, so the request goes through a daemon
 * with no listening socket and no threads: each input is one connection over a socketpair
 * in this process, driven by MHD_run. No network is involved. */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/request.h"

#define BOUNDARY "cutoutfuzzboundary"
#define MAX_BODY ((size_t)1 << 20)

static int finished; /* the request of the current input was completed (or dropped) */

static void reply(struct MHD_Connection *c, unsigned status) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
                                                              MHD_RESPMEM_PERSISTENT);
  if (!resp) return;
  MHD_queue_response(c, status, resp);
  MHD_destroy_response(resp);
}

/* The body part of the service's POST /api/remove (http.c: remove_begin, remove_end),
 * without the job queue and the engine. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls) {
  (void)cls, (void)url, (void)method, (void)version;
  sv_request *r = *con_cls;
  if (!r) {
    r = calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    r->conn = c;
    sv_params_init(&r->params);
    *con_cls = r;
    sv_upload_begin(r, MAX_BODY);
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    return sv_upload_data(r, upload, n, MAX_BODY) ? MHD_NO : MHD_YES;
  }
  if (!r->err_status) sv_upload_end(r);
  char why[400];
  if (!r->err_status && sv_params_finish(&r->params, why, sizeof why))
    sv_request_fail(r, 400, "bad_parameter", "%s", why);
  reply(c, r->err_status ? (unsigned)r->err_status : 200);
  return MHD_YES;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  sv_request *r = *con_cls;
  *con_cls = NULL;
  if (r) {
    sv_upload_free(r);
    free(r);
  }
  finished = 1;
}

static struct MHD_Daemon *daemon_get(void) {
  static struct MHD_Daemon *d;
  if (!d)
    d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, handle, NULL,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 5u, MHD_OPTION_END);
  return d;
}

static void post_form(const uint8_t *data, size_t size) {
  struct MHD_Daemon *d = daemon_get();
  int sv[2];
  if (!d || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv)) return;
  struct sockaddr_in peer = {0};
  peer.sin_family = AF_INET;
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  peer.sin_port = htons(40000);
  finished = 0;
  if (MHD_add_connection(d, sv[1], (struct sockaddr *)&peer, sizeof peer) != MHD_YES) {
    close(sv[0]);
    close(sv[1]);
    return;
  }
  char head[256];
  int hn = snprintf(head, sizeof head,
                    "POST /api/remove HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n"
                    "Content-Type: multipart/form-data; boundary=" BOUNDARY "\r\n"
                    "Content-Length: %zu\r\n\r\n",
                    size);
  size_t sent_head = 0, sent = 0;
  int eof = 0, writable = 1;
  /* The socket buffer is smaller than a large input: write, let the daemon read, repeat. */
  for (long spins = 0; !(finished && eof) && spins < 1000000; spins++) {
    if (writable && sent_head < (size_t)hn) {
      ssize_t w = send(sv[0], head + sent_head, (size_t)hn - sent_head, MSG_NOSIGNAL);
      if (w > 0) sent_head += (size_t)w;
      else if (w < 0 && errno != EAGAIN) writable = 0;
    }
    if (writable && sent_head == (size_t)hn && sent < size) {
      ssize_t w = send(sv[0], data + sent, size - sent, MSG_NOSIGNAL);
      if (w > 0) sent += (size_t)w;
      else if (w < 0 && errno != EAGAIN) writable = 0;
    }
    MHD_run(d);
    char sink[4096];
    ssize_t r = recv(sv[0], sink, sizeof sink, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN)) eof = 1;
  }
  if (!(finished && eof)) abort(); /* the daemon never finished the request: a hang */
  close(sv[0]);
}

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
  post_form(data, size);
  return 0;
}
