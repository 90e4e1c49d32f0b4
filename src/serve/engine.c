/* The engine over a loaded model: every network run on one thread of its own, one at a
 * time. The job threads hand their photos over and wait for the mask; the rest of
 * ct_remove's work (the colours) is left to them, in parallel.
 *
 * One thread rather than a mutex: oneDNN keeps per-thread state for the primitives a thread
 * made (the scratchpad of its "library" mode), so primitives made on one thread may not run
 * on another, even one at a time. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "serve/serve.h"

typedef struct call {
  struct call *next;
  const ct_image *photo;
  const ct_remove_options *opts;
  ct_image *mask;
  ct_status status;
  ct_error err;
  int done;
} call;

struct sv_model_engine {
  ct_model *model;
  int threads;
  const char *name;
  pthread_mutex_t lock;
  pthread_cond_t work, done;
  call *head, *tail;
  int stopping;
  pthread_t thread;
};

/* The global pass, and the tile pass with opts->tiles. */
static ct_status run(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                     ct_image **mask, ct_error *err) {
  ct_image *global = NULL;
  *mask = NULL;
  ct_status st = ct_predict_mask(model, photo, &global, err);
  if (st || !opts->tiles) {
    *mask = global;
    return st;
  }
  st = ct_tiled_mask(model, photo, global, opts, mask, NULL, err);
  ct_image_free(global);
  return st;
}

static void *network_thread(void *arg) {
  sv_model_engine *e = arg;
  ct_set_threads(e->threads); /* OpenMP's thread count belongs to the calling thread */
  pthread_mutex_lock(&e->lock);
  for (;;) {
    while (!e->head && !e->stopping) pthread_cond_wait(&e->work, &e->lock);
    if (!e->head) break;
    call *c = e->head;
    e->head = c->next;
    if (!e->head) e->tail = NULL;
    pthread_mutex_unlock(&e->lock);
    c->status = run(e->model, c->photo, c->opts, &c->mask, &c->err);
    pthread_mutex_lock(&e->lock);
    c->done = 1;
    pthread_cond_broadcast(&e->done);
  }
  pthread_mutex_unlock(&e->lock);
  ct_model_free(e->model); /* on the thread that ran it */
  return NULL;
}

static ct_status model_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                            ct_image **mask, ct_error *err) {
  sv_model_engine *e = ctx;
  call c = {.photo = photo, .opts = opts};
  pthread_mutex_lock(&e->lock);
  if (e->tail) e->tail->next = &c;
  else e->head = &c;
  e->tail = &c;
  pthread_cond_signal(&e->work);
  while (!c.done) pthread_cond_wait(&e->done, &e->lock);
  pthread_mutex_unlock(&e->lock);
  *mask = c.mask;
  if (c.status && err) *err = c.err;
  return c.status;
}

sv_model_engine *sv_model_engine_new(ct_model *model, int threads, const char *name) {
  sv_model_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->model = model;
  e->threads = threads;
  e->name = name;
  pthread_mutex_init(&e->lock, NULL);
  pthread_cond_init(&e->work, NULL);
  pthread_cond_init(&e->done, NULL);
  /* The thread takes no signals: they are for the thread that waits for them (sv_run). */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&e->thread, NULL, network_thread, e);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    pthread_mutex_destroy(&e->lock);
    pthread_cond_destroy(&e->work);
    pthread_cond_destroy(&e->done);
    free(e);
    return NULL;
  }
  return e;
}

void sv_model_engine_free(sv_model_engine *e) {
  if (!e) return;
  pthread_mutex_lock(&e->lock);
  e->stopping = 1;
  pthread_cond_signal(&e->work);
  pthread_mutex_unlock(&e->lock);
  pthread_join(e->thread, NULL);
  pthread_mutex_destroy(&e->lock);
  pthread_cond_destroy(&e->work);
  pthread_cond_destroy(&e->done);
  free(e);
}

sv_engine sv_model_engine_get(sv_model_engine *e) {
  sv_engine g = {model_mask, e, e->name};
  return g;
}
