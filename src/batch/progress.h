/* What a batch run shows while it works: a progress bar redrawn in place on a terminal
 * (count/total, images per second, time left), or one line per photo; then the summary. */
#ifndef CUTOUT_BATCH_PROGRESS_H
#define CUTOUT_BATCH_PROGRESS_H
#include <stddef.h>
#include <stdio.h>

#include "batch/batch.h"
#include "batch/joblist.h"

typedef struct bt_progress bt_progress;

/* show BT_SHOW_AUTO picks the bar when f is a terminal. NULL when out of memory. */
bt_progress *bt_progress_new(FILE *f, bt_show show, size_t total);
void bt_progress_free(bt_progress *p);

/* A line for the person, above the bar (not shown when quiet). Thread-safe. */
void bt_progress_note(bt_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Job j has finished (done, skipped or failed); out is its output's path (may be NULL).
 * Thread-safe. */
void bt_progress_job(bt_progress *p, const bt_job *j, const char *out);

/* Finishes the bar, then prints the summary: how many done, skipped, failed (each failure
 * with its reason), and left undone by a stop. fatal (may be NULL) is why the run stopped
 * early. */
void bt_progress_summary(bt_progress *p, const bt_joblist *l, int stopped, const char *fatal);

#endif
