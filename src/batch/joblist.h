/* The job list of a batch run: one entry per input photo, sorted by its relative path,
 * with its output path; entries that cannot be run (refused paths, name clashes, unreadable
 * folders) stay in the list as failed, so that they are counted and reported once. */
#ifndef CUTOUT_BATCH_JOBLIST_H
#define CUTOUT_BATCH_JOBLIST_H
#include <stddef.h>
#include <stdint.h>

typedef enum bt_state {
  BT_PENDING = 0,
  BT_DONE,      /* output written */
  BT_SKIPPED,   /* output already complete */
  BT_FAILED,    /* reason says why */
  BT_ABANDONED  /* not finished: the run was stopped */
} bt_state;

typedef struct bt_job {
  char *rel;     /* the input's path relative to the input folder: sort and shard key */
  char *in;      /* the path to open (NULL for entries failed before they had one) */
  char *out_rel; /* the output's path relative to the output folder (NULL until mapped) */
  uint64_t dev, ino; /* the input file's identity (0, 0 when unknown) */
  bt_state state;
  char *reason;  /* why it failed (malloc'd), or NULL */
  double seconds; /* time spent on it */
} bt_job;

typedef struct bt_joblist {
  bt_job *jobs;
  size_t n, cap;
} bt_joblist;

/* Appends a job (strings copied). Returns the job, or NULL when out of memory. */
bt_job *bt_joblist_add(bt_joblist *l, const char *rel, const char *in);
/* Appends a job failed from the start (a refused list entry, an unreadable folder). */
bt_job *bt_joblist_add_failed(bt_joblist *l, const char *rel, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bt_joblist_free(bt_joblist *l);

/* Marks the job failed with a reason (the first reason given wins). */
void bt_job_fail(bt_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sorts by rel (byte order, so the same on every machine) and drops repeated entries of the
 * same rel. Returns how many were dropped. */
size_t bt_joblist_sort(bt_joblist *l);

/* Sets every pending job's out_rel (bt_output_rel with ext and keep_ext). Jobs whose outputs
 * would be the same file are all marked failed, each naming the others. Returns the number
 * of jobs so marked, or -1 when out of memory. */
long bt_joblist_map(bt_joblist *l, const char *ext, int keep_ext);

/* Keeps only the jobs of shard index (0-based) of count (bt_shard_of on rel), in order.
 * Returns how many are kept. */
size_t bt_joblist_shard(bt_joblist *l, int index, int count);

#endif
