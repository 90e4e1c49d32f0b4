/* Admission counting and a fixed set of job threads over one FIFO list. */
#include "serve/jobs.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct sv_jobs {
  pthread_mutex_t lock;
  pthread_cond_t ready;
  sv_job *head, *tail;
  int workers, capacity, admitted, waiting, running, stopping, started;
  double avg_ms;
  pthread_t *threads;
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *worker(void *arg) {
  sv_jobs *q = arg;
  pthread_mutex_lock(&q->lock);
  for (;;) {
    while (!q->head && !q->stopping) pthread_cond_wait(&q->ready, &q->lock);
    if (!q->head) break; /* stopping, nothing left */
    sv_job *job = q->head;
    q->head = job->next;
    if (!q->head) q->tail = NULL;
    q->waiting--;
    q->running++;
    pthread_mutex_unlock(&q->lock);
    double t0 = now_ms();
    job->run(job); /* may free job */
    double ms = now_ms() - t0;
    pthread_mutex_lock(&q->lock);
    q->running--;
    q->avg_ms = q->avg_ms > 0 ? 0.8 * q->avg_ms + 0.2 * ms : ms;
  }
  pthread_mutex_unlock(&q->lock);
  return NULL;
}

sv_jobs *sv_jobs_new(int workers, int queue) {
  if (workers < 1 || queue < 0) return NULL;
  sv_jobs *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->threads = calloc((size_t)workers, sizeof *q->threads);
  if (!q->threads) {
    free(q);
    return NULL;
  }
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->ready, NULL);
  q->workers = workers;
  q->capacity = workers + queue;
  for (; q->started < workers; q->started++)
    if (pthread_create(&q->threads[q->started], NULL, worker, q)) {
      sv_jobs_free(q);
      return NULL;
    }
  return q;
}

int sv_jobs_admit(sv_jobs *q) {
  pthread_mutex_lock(&q->lock);
  int ok = q->admitted < q->capacity;
  if (ok) q->admitted++;
  pthread_mutex_unlock(&q->lock);
  return ok;
}

void sv_jobs_release(sv_jobs *q) {
  pthread_mutex_lock(&q->lock);
  if (q->admitted > 0) q->admitted--;
  pthread_mutex_unlock(&q->lock);
}

void sv_jobs_submit(sv_jobs *q, sv_job *job) {
  job->next = NULL;
  pthread_mutex_lock(&q->lock);
  if (q->tail) q->tail->next = job;
  else q->head = job;
  q->tail = job;
  q->waiting++;
  pthread_cond_signal(&q->ready);
  pthread_mutex_unlock(&q->lock);
}

void sv_jobs_stats_get(sv_jobs *q, sv_jobs_stats *st) {
  pthread_mutex_lock(&q->lock);
  st->admitted = q->admitted;
  st->waiting = q->waiting;
  st->running = q->running;
  st->capacity = q->capacity;
  st->workers = q->workers;
  st->avg_ms = q->avg_ms;
  pthread_mutex_unlock(&q->lock);
}

int sv_jobs_retry_after(sv_jobs *q) {
  sv_jobs_stats st;
  sv_jobs_stats_get(q, &st);
  double s = ceil(st.admitted * (st.avg_ms > 0 ? st.avg_ms : 1000.0) / 1e3 / st.workers);
  return s < 1 ? 1 : s > 3600 ? 3600 : (int)s;
}

void sv_jobs_free(sv_jobs *q) {
  if (!q) return;
  pthread_mutex_lock(&q->lock);
  q->stopping = 1;
  pthread_cond_broadcast(&q->ready);
  pthread_mutex_unlock(&q->lock);
  for (int i = 0; i < q->started; i++) pthread_join(q->threads[i], NULL);
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->ready);
  free(q->threads);
  free(q);
}
