/* The HTTP side of the service: libmicrohttpd's daemon, routing, answers, the request log.
 *
 * POST /api/remove and /api/instances: headers checked and the request admitted on the first
 * call; the body read piece by piece; on the last call the connection is suspended and the
 * request handed to a job thread, which resumes it when the answer is ready. */
#include <arpa/inet.h>
#include <malloc.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve/assets.h"
#include "serve/instances.h"
#include "serve/json.h"
#include "serve/request.h"
#include "serve/serve.h"

struct sv_server {
  struct MHD_Daemon *daemon;
  sv_jobs *jobs;
  sv_engine engine;
  sv_config cfg;
  double t_start;
  atomic_int stopping;
  int port;
  atomic_int starting; /* 1 while the daemon starts: libmicrohttpd's messages are kept */
  char start_msg[256]; /* its last message then */
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sv_config_init(sv_config *c) {
  memset(c, 0, sizeof *c);
  c->host = "127.0.0.1";
  c->port = 8080;
  c->jobs = SV_DEFAULT_JOBS;
  c->queue = SV_DEFAULT_QUEUE;
  c->max_body = SV_DEFAULT_MAX_BODY;
  c->max_pixels = SV_DEFAULT_MAX_PIXELS;
  c->timeout = 60;
  c->max_instances = SV_DEFAULT_MAX_INSTANCES;
}

/* ---- answers ---- */

static enum MHD_Result queue(sv_request *r, int status, struct MHD_Response *resp, size_t len) {
  if (!resp) return MHD_NO; /* out of memory: libmicrohttpd drops the connection */
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  if (atomic_load(&r->srv->stopping)) MHD_add_response_header(resp, "Connection", "close");
  enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)status, resp);
  MHD_destroy_response(resp);
  r->status = status;
  r->bytes = len;
  return rc;
}

static enum MHD_Result answer_json(sv_request *r, int status, char *json) {
  if (!json) return MHD_NO;
  size_t len = strlen(json);
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(len, json, sv_json_free);
  if (!resp) {
    sv_json_free(json);
    return MHD_NO;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (status == 503 && r->is_api && !atomic_load(&r->srv->stopping)) {
    char secs[16];
    snprintf(secs, sizeof secs, "%d", sv_jobs_retry_after(r->srv->jobs));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
  }
  if (status == 405)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->is_api ? "POST" : "GET, HEAD");
  return queue(r, status, resp, len);
}

static enum MHD_Result answer_error(sv_request *r, int status, const char *code,
                                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum MHD_Result answer_error(sv_request *r, int status, const char *code,
                                    const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return answer_json(r, status, sv_json_error(code, msg));
}

static enum MHD_Result answer_result(sv_request *r) {
  sv_result *res = &r->result;
  if (res->status != 200) return answer_error(r, res->status, res->code, "%s", res->message);
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(res->len, res->data, free);
  if (!resp) return MHD_NO; /* the data is freed with the request */
  size_t len = res->len;
  res->data = NULL;
  if (res->json) {
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return queue(r, 200, resp, len);
  }
  char w[16], h[16], name[32];
  snprintf(w, sizeof w, "%d", res->width);
  snprintf(h, sizeof h, "%d", res->height);
  snprintf(name, sizeof name, "inline; filename=\"cutout.%s\"",
           sv_format_name(r->params.format));
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                          sv_format_media_type(r->params.format));
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, name);
  MHD_add_response_header(resp, "X-Width", w);
  MHD_add_response_header(resp, "X-Height", h);
  return queue(r, 200, resp, len);
}

static enum MHD_Result answer_health(sv_request *r) {
  sv_server *s = r->srv;
  sv_jobs_stats st;
  sv_jobs_stats_get(s->jobs, &st);
  int ok = !atomic_load(&s->stopping);
  return answer_json(r, ok ? 200 : 503,
                     sv_json_health(ok, s->engine.name, s->engine.detector,
                                    now_s() - s->t_start, &st));
}

static enum MHD_Result answer_file(sv_request *r, const sv_web_file *f, const char *type) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; img-src 'self' blob: data:; "
                          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  return queue(r, 200, resp, f->len);
}

/* ---- requests ---- */

static void run_job(sv_job *job) {
  sv_request *r = (sv_request *)job;
  if (r->params.route == SV_ROUTE_INSTANCES)
    sv_instances(&r->srv->engine, r->body, r->len, &r->params, r->srv->cfg.max_instances,
                 &r->result);
  else
    sv_process(&r->srv->engine, r->body, r->len, r->bg, r->bg_len, &r->params, &r->result);
  sv_upload_free(r); /* the upload is not needed any more */
  atomic_store(&r->done, 1);
  MHD_resume_connection(r->conn); /* r may be answered and freed from here on */
}

static void copy_printable(char *dst, size_t n, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < n; i++)
    dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
  dst[i] = '\0';
}

static void client_address(struct MHD_Connection *c, char *buf, size_t n) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(buf, n, "-");
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)n);
}

static sv_request *request_new(sv_server *s, struct MHD_Connection *c, const char *url,
                               const char *method) {
  sv_request *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->srv = s;
  r->conn = c;
  r->t0 = now_s();
  r->job.run = run_job;
  copy_printable(r->method, sizeof r->method, method);
  copy_printable(r->path, sizeof r->path, url);
  client_address(c, r->addr, sizeof r->addr);
  sv_params_init(&r->params);
  return r;
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value) {
  (void)kind;
  sv_request *r = cls;
  char why[400];
  if (sv_param_set(&r->params, key, value, why, sizeof why)) {
    sv_request_fail(r, 400, "bad_parameter", "%s", why);
    return MHD_NO;
  }
  return MHD_YES;
}

/* Refuses a request that needs the detector (subject, /api/instances) when there is none. */
static void check_detector(sv_request *r) {
  if (r->err_status || r->srv->engine.detector || !sv_params_need_detector(&r->params))
    return;
  sv_request_fail(r, 501, "no_detector",
                  "%s needs the detector (centernet.json), and this server has none: start it "
                  "with --detector PATH, or put centernet.json in the model folder",
                  r->params.route == SV_ROUTE_INSTANCES ? "/api/instances" : "subject");
}

/* The first call of POST /api/remove or /api/instances: everything that can be decided from
 * the headers. */
static enum MHD_Result api_begin(sv_request *r) {
  sv_server *s = r->srv;
  MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg, r);
  check_detector(r);
  if (!r->err_status) sv_upload_begin(r, s->cfg.max_body);
  if (!r->err_status) {
    if (sv_jobs_admit(s->jobs)) {
      r->admitted = 1;
      return MHD_YES;
    }
    sv_request_fail(r, 503, "queue_full",
                    "the server is busy (%d requests in progress); retry later",
                    s->cfg.jobs + s->cfg.queue);
  }
  if (sv_upload_absorb(r, s->cfg.max_body)) return MHD_YES; /* answered at the end */
  return answer_error(r, r->err_status, r->err_code, "%s", r->err_msg);
}

/* The last call of POST /api/remove or /api/instances (the body is complete), or the call
 * after the job. */
static enum MHD_Result api_end(sv_request *r) {
  if (r->submitted) {
    if (atomic_load(&r->done)) return answer_result(r);
    MHD_suspend_connection(r->conn); /* not reached: resumed only when done */
    return MHD_YES;
  }
  if (!r->err_status) sv_upload_end(r);
  char why[400];
  if (!r->err_status && sv_params_finish(&r->params, why, sizeof why))
    sv_request_fail(r, 400, "bad_parameter", "%s", why);
  if (!r->err_status && r->params.max_instances > r->srv->cfg.max_instances)
    sv_request_fail(r, 400, "bad_parameter",
                    "max_instances is at most %d on this server (cutout serve --max-instances)",
                    r->srv->cfg.max_instances);
  check_detector(r); /* subject may have come as a form field */
  if (!r->err_status && r->len == 0)
    sv_request_fail(r, 400, "no_image",
                    "no image in the request: send it as the body or as form field 'file'");
  if (r->err_status) return answer_error(r, r->err_status, r->err_code, "%s", r->err_msg);
  r->submitted = 1;
  MHD_suspend_connection(r->conn); /* before the job can resume it */
  sv_jobs_submit(r->srv->jobs, &r->job);
  return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls) {
  (void)version;
  sv_server *s = cls;
  sv_request *r = *con_cls;
  if (!r) { /* headers received */
    r = request_new(s, c, url, method);
    if (!r) return MHD_NO;
    *con_cls = r;
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (atomic_load(&s->stopping))
      return answer_error(r, 503, "shutting_down", "the server is shutting down");
    int instances = !strcmp(url, "/api/instances");
    if (instances || !strcmp(url, "/api/remove")) {
      r->is_api = 1;
      if (instances) sv_params_for_instances(&r->params);
      if (strcmp(method, "POST"))
        return answer_error(r, 405, "method_not_allowed", "%s %s: use POST", r->method,
                            r->path);
      return api_begin(r);
    }
    const char *type = NULL;
    const sv_web_file *f = NULL;
    int health = !strcmp(url, "/healthz");
    if (!health && !(f = sv_web_find(url, &type)))
      return answer_error(r, 404, "not_found", "nothing at %s", r->path);
    if (!get)
      return answer_error(r, 405, "method_not_allowed", "%s %s: use GET", r->method, r->path);
    return health ? answer_health(r) : answer_file(r, f, type);
  }
  if (*upload_size) { /* a piece of the body */
    size_t n = *upload_size;
    *upload_size = 0;
    if (!r->is_api) return MHD_YES; /* a body on a GET: ignored */
    return sv_upload_data(r, upload, n, s->cfg.max_body) ? MHD_NO : MHD_YES;
  }
  if (!r->is_api) return MHD_YES; /* answered on the first call */
  return api_end(r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)c;
  sv_server *s = cls;
  sv_request *r = *con_cls;
  if (!r) return;
  *con_cls = NULL;
  if (!s->cfg.quiet) {
    double ms = (now_s() - r->t0) * 1e3;
    if (r->status)
      fprintf(stderr, "%s %s %s %d %zu %.0fms\n", r->addr, r->method, r->path, r->status,
              r->bytes, ms);
    else
      fprintf(stderr, "%s %s %s - 0 %.0fms (%s)\n", r->addr, r->method, r->path, ms,
              toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED    ? "timed out"
              : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT     ? "client went away"
              : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "server stopped"
                                                               : "connection closed");
  }
  int trim = r->is_api;
  if (r->admitted) sv_jobs_release(s->jobs);
  sv_upload_free(r);
  free(r->result.data);
  free(r);
  /* Image-sized buffers come and go with each request: give the freed pages back. */
  if (trim) malloc_trim(0);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  sv_server *s = cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '.')) msg[--n] = '\0';
  if (s->starting) /* said in sv_start's one-line error, if it fails */
    snprintf(s->start_msg, sizeof s->start_msg, "%.200s", msg);
  else
    fprintf(stderr, "cutout serve: %s\n", msg);
}

/* ---- start and stop ---- */

static int resolve(const char *host, int port, struct sockaddr_storage *addr, char *err,
                   size_t errlen) {
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  char service[16];
  snprintf(service, sizeof service, "%d", port);
  int rc = getaddrinfo(host, service, &hints, &res);
  if (rc || !res) {
    snprintf(err, errlen, "cannot use address '%s': %s", host, gai_strerror(rc));
    return -1;
  }
  memcpy(addr, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

int sv_start(const sv_config *cfg, const sv_engine *engine, sv_server **out, char *err,
             size_t errlen) {
  *out = NULL;
  if (cfg->jobs < 1 || cfg->queue < 0 || cfg->port < 0 || cfg->port > 65535 ||
      cfg->max_body == 0) {
    snprintf(err, errlen, "bad server settings");
    return -1;
  }
  sv_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  s->cfg = *cfg;
  s->engine = *engine;
  s->t_start = now_s();
  img_set_max_pixels(cfg->max_pixels);
  struct sockaddr_storage addr;
  const char *host = cfg->host && *cfg->host ? cfg->host : "127.0.0.1";
  if (resolve(host, cfg->port, &addr, err, errlen)) {
    free(s);
    return -1;
  }
  s->jobs = sv_jobs_new(cfg->jobs, cfg->queue);
  if (!s->jobs) {
    snprintf(err, errlen, "cannot start %d job threads", cfg->jobs);
    free(s);
    return -1;
  }
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  unsigned limit = (unsigned)(cfg->jobs + cfg->queue) + 64;
  unsigned timeout = (unsigned)(cfg->timeout > 0 ? cfg->timeout : 60);
  s->starting = 1;
  s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, handle, s,
                               MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, /* first */
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                               MHD_OPTION_THREAD_POOL_SIZE, 2u,
                               MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                               MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                               MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_END);
  s->starting = 0;
  if (!s->daemon) {
    snprintf(err, errlen, "cannot listen on %s port %d: %s", host, cfg->port,
             s->start_msg[0] ? s->start_msg : "in use, or not an address here?");
    sv_jobs_free(s->jobs);
    free(s);
    return -1;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : cfg->port;
  *out = s;
  return 0;
}

int sv_port(const sv_server *s) { return s->port; }

int sv_busy(const sv_server *s) {
  sv_jobs_stats st;
  sv_jobs_stats_get(s->jobs, &st);
  return st.admitted > 0;
}

void sv_begin_stop(sv_server *s) {
  if (!atomic_exchange(&s->stopping, 1)) {
    int fd = MHD_quiesce_daemon(s->daemon); /* no new connections */
    if (fd >= 0) close(fd);
  }
}

void sv_stop(sv_server *s) {
  if (!s) return;
  sv_begin_stop(s);
  /* Admitted requests are answered (suspended connections must be resumed before the
   * daemon stops; their jobs do that). */
  while (sv_busy(s)) usleep(20 * 1000);
  MHD_stop_daemon(s->daemon);
  sv_jobs_free(s->jobs);
  free(s);
}
