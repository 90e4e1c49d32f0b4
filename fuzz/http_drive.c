/* POST /api/remove through the service's own form handling, in process: a libmicrohttpd
 * daemon with no listening socket and no threads, one connection over a socketpair per
 * request, driven by MHD_run. No network is involved. Used by the fuzz target fuzz_http and
 * by the allocation-failure test of the service. */
#include "http_drive.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/request.h"

static int finished;     /* the request of the current input was completed (or dropped) */
static unsigned replied; /* the status sent, 0 for none */

static void reply(struct MHD_Connection *c, unsigned status) {
  replied = status;
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
    sv_upload_begin(r, HTTP_DRIVE_MAX_BODY);
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    return sv_upload_data(r, upload, n, HTTP_DRIVE_MAX_BODY) ? MHD_NO : MHD_YES;
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

unsigned http_drive_post(const uint8_t *data, size_t size) {
  struct MHD_Daemon *d = daemon_get();
  int sv[2];
  replied = 0;
  if (!d || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv)) return 0;
  struct sockaddr_in peer = {0};
  peer.sin_family = AF_INET;
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  peer.sin_port = htons(40000);
  finished = 0;
  if (MHD_add_connection(d, sv[1], (struct sockaddr *)&peer, sizeof peer) != MHD_YES) {
    close(sv[0]);
    close(sv[1]);
    return 0;
  }
  char head[256];
  int hn = snprintf(head, sizeof head,
                    "POST /api/remove HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n"
                    "Content-Type: multipart/form-data; boundary=" HTTP_DRIVE_BOUNDARY "\r\n"
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
  return replied;
}

