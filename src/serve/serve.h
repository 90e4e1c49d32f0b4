/* cutout serve: the HTTP service (libmicrohttpd).
 *
 *   POST /api/remove   the image as multipart field "file" (or "image_file"), or as the raw
 *                      body; parameters in the query string or as form fields (params.h);
 *                      a background image as multipart field "bg_image_file".
 *                      200 with the image, or a JSON error {"error": {"code", "message"}}.
 *   POST /api/instances the same uploads; 200 with JSON: each instance the detector finds,
 *                      its class, score, box and its cutout as a base64 PNG (instances.h).
 *   GET  /healthz      JSON: ok, model, jobs running and waiting, uptime.
 *   GET  /             the web page (embedded in the program), /style.css, /app.js.
 *
 * Requests are admitted while fewer than jobs + queue are in progress (uploading, waiting or
 * running); others get 503 with Retry-After at once. jobs worker threads decode, have the
 * engine run the network (one run at a time, on its own thread), make the colours and
 * encode. The pixel limit is checked from the image header before decoding. */
#ifndef CUTOUT_SERVE_SERVE_H
#define CUTOUT_SERVE_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "cutout.h"

/* What runs the networks: the models in the program, a stand-in in tests. mask() gives the
 * alpha mask of photo (1 channel, its size): the global pass, then the tile pass with
 * opts->tiles; with opts->subject, only those instances (the engine's detector). instances()
 * gives the detector's instances (dopts) and each one's mask, of the photo's size
 * (ct_instance_masks with opts): *dets and *masks malloc'd, *count of each, the caller frees
 * the masks and both arrays. Both are called from the job threads, several at a time, and
 * serialise what must be; the colours (ct_composite) are made outside, in parallel. */
typedef struct sv_engine {
  ct_status (*mask)(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                    ct_image **mask, ct_error *err);
  ct_status (*instances)(void *ctx, const ct_image *photo, const ct_detect_options *dopts,
                         const ct_remove_options *opts, ct_detection **dets,
                         ct_image ***masks, int *count, ct_error *err);
  void *ctx;
  const char *name;     /* shown by /healthz */
  const char *detector; /* the detector's name (/healthz); NULL when there is none: subject
                           and /api/instances are then answered 501 no_detector */
} sv_engine;

typedef struct sv_config {
  const char *host;    /* address to listen on (default 127.0.0.1) */
  int port;            /* 0: any free port (see sv_port) */
  int jobs;            /* requests processed at once (default 2) */
  int queue;           /* admitted requests beyond those (default 16) */
  size_t max_body;     /* request body limit in bytes (default 64 MiB) */
  uint64_t max_pixels; /* image limit in pixels (default 50 million) */
  int timeout;         /* seconds an idle or stalled connection is kept (default 60) */
  int quiet;           /* 1: no request log lines */
  int max_instances;   /* instances one /api/instances answer holds at most (default 16;
                          each is a photo-sized mask in memory while the request runs) */
} sv_config;

#define SV_DEFAULT_JOBS 2
#define SV_DEFAULT_QUEUE 16
#define SV_DEFAULT_MAX_BODY ((size_t)64 << 20)
#define SV_DEFAULT_MAX_PIXELS ((uint64_t)50 * 1000 * 1000)
#define SV_DEFAULT_MAX_INSTANCES 16

void sv_config_init(sv_config *c);

typedef struct sv_server sv_server;

/* Starts listening and the job threads. 0, or -1 with the reason in err. The engine must
 * outlive the server. */
int sv_start(const sv_config *cfg, const sv_engine *engine, sv_server **out, char *err,
             size_t errlen);
/* The port listened on. */
int sv_port(const sv_server *s);
/* Stops taking connections; new requests on open ones get 503 (shutting_down). */
void sv_begin_stop(sv_server *s);
/* Graceful stop: no new connections, new requests on open ones get 503, requests already
 * admitted are answered; then everything is freed. */
void sv_stop(sv_server *s);
/* 1 while requests are in progress (for the drain loop of sv_run). */
int sv_busy(const sv_server *s);

/* The engine over a loaded model and detector (NULL: none): ct_remove with mask_only (the
 * global pass, then the tile pass with opts->tiles; the subject's instances by the detector),
 * ct_detect and ct_instance_masks; the model and the detector each take one run at a time;
 * `threads` OpenMP threads for the networks (0: all cores). It takes the model and the
 * detector over (NULL when out of memory: they are then still the caller's). */
typedef struct sv_model_engine sv_model_engine;
sv_model_engine *sv_model_engine_new(ct_model *model, ct_detector *detector, int threads,
                                     const char *name, const char *detector_name);
/* Frees the model, the detector and the engine (no call may be in progress). */
void sv_model_engine_free(sv_model_engine *e);
sv_engine sv_model_engine_get(sv_model_engine *e);

/* Runs until SIGINT or SIGTERM, then stops gracefully (a second signal ends the process at
 * once). Prints the address on stdout. Returns 0, or 1 with a message on stderr. */
int sv_run(const sv_config *cfg, const sv_engine *engine);

#endif
