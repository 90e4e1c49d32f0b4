/* Admission and the job threads of the service.
 *
 * A request is admitted (sv_jobs_admit) when it arrives, while fewer than workers + queue are
 * in progress, and released (sv_jobs_release) when its answer is sent; so at most that many
 * requests hold memory at once, and the job list never holds more. Submitted jobs run in
 * arrival order on `workers` threads. */
#ifndef CUTOUT_SERVE_JOBS_H
#define CUTOUT_SERVE_JOBS_H

typedef struct sv_job {
  struct sv_job *next;
  void (*run)(struct sv_job *job); /* called on a job thread */
} sv_job;

typedef struct sv_jobs sv_jobs;

typedef struct sv_jobs_stats {
  int admitted; /* requests in progress: uploading, waiting or running */
  int waiting;  /* submitted, not yet started */
  int running;  /* on a job thread now */
  int capacity; /* workers + queue */
  int workers;
  double avg_ms; /* recent mean job time (0 before the first) */
} sv_jobs_stats;

/* NULL when threads or memory are lacking. */
sv_jobs *sv_jobs_new(int workers, int queue);
/* 1 when admitted, 0 when full. */
int sv_jobs_admit(sv_jobs *q);
void sv_jobs_release(sv_jobs *q);
void sv_jobs_submit(sv_jobs *q, sv_job *job);
void sv_jobs_stats_get(sv_jobs *q, sv_jobs_stats *st);
/* Seconds a newly refused request might wait before retrying: the work ahead of it. */
int sv_jobs_retry_after(sv_jobs *q);
/* Stops the threads once the list is empty, and frees q. */
void sv_jobs_free(sv_jobs *q);

#endif
