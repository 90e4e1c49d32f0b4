/* Progress of a batch run: a bar on a terminal, lines elsewhere, and the summary. */
#include "batch/progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct bt_progress {
  FILE *f;
  bt_show show; /* BAR, LINES or QUIET */
  size_t total, count, done, skipped, failed;
  double start, last_draw;
  int bar_shown;
  pthread_mutex_t lock;
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

bt_progress *bt_progress_new(FILE *f, bt_show show, size_t total) {
  bt_progress *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->f = f;
  p->show = show != BT_SHOW_AUTO ? show : isatty(fileno(f)) ? BT_SHOW_BAR : BT_SHOW_LINES;
  p->total = total;
  p->start = now();
  pthread_mutex_init(&p->lock, NULL);
  return p;
}

void bt_progress_free(bt_progress *p) {
  if (!p) return;
  pthread_mutex_destroy(&p->lock);
  free(p);
}

/* Photos that needed work (not skipped) per second so far; 0 before the first. */
static double rate(const bt_progress *p) {
  double t = now() - p->start;
  size_t worked = p->done + p->failed;
  return worked && t > 0 ? worked / t : 0;
}

static void clock_text(double s, char *buf, size_t len) {
  long t = (long)(s + 0.5);
  if (t >= 3600) snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

static void draw_bar(bt_progress *p) {
  struct winsize ws;
  int cols = ioctl(fileno(p->f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
  char left[64], right[128], eta[32] = "--:--";
  double r = rate(p);
  size_t todo = p->total - p->count;
  if (r > 0) clock_text(todo / r, eta, sizeof eta);
  if (todo == 0) clock_text(now() - p->start, eta, sizeof eta);
  snprintf(left, sizeof left, "%zu/%zu ", p->count, p->total);
  int pct = p->total ? (int)(100.0 * p->count / p->total) : 100;
  char failed[32] = "";
  if (p->failed) snprintf(failed, sizeof failed, "  %zu failed", p->failed);
  snprintf(right, sizeof right, " %3d%%  %.2f img/s  %s %s%s", pct, r,
           todo ? "ETA" : "in", eta, failed);
  int width = cols - 1 - (int)strlen(left) - (int)strlen(right) - 2;
  if (width > 40) width = 40;
  fprintf(p->f, "\r%s", left);
  if (width >= 10) {
    int fill = p->total ? (int)((double)width * p->count / p->total) : width;
    fputc('[', p->f);
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', p->f);
    fputc(']', p->f);
  }
  fprintf(p->f, "%s\033[K", right);
  fflush(p->f);
  p->bar_shown = 1;
  p->last_draw = now();
}

/* Clears the bar's line so that a message can be printed there. */
static void clear_bar(bt_progress *p) {
  if (p->bar_shown) fputs("\r\033[K", p->f);
  p->bar_shown = 0;
}

void bt_progress_note(bt_progress *p, const char *fmt, ...) {
  if (p->show == BT_SHOW_QUIET) return;
  pthread_mutex_lock(&p->lock);
  clear_bar(p);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(p->f, fmt, ap);
  va_end(ap);
  fputc('\n', p->f);
  if (p->show == BT_SHOW_BAR) draw_bar(p);
  fflush(p->f);
  pthread_mutex_unlock(&p->lock);
}

void bt_progress_job(bt_progress *p, const bt_job *j, const char *out) {
  pthread_mutex_lock(&p->lock);
  p->count++;
  if (j->state == BT_DONE) p->done++;
  else if (j->state == BT_SKIPPED) p->skipped++;
  else if (j->state == BT_FAILED) p->failed++;
  const char *reason = j->reason ? j->reason : "unknown error";
  switch (p->show) {
  case BT_SHOW_BAR:
    if (j->state == BT_FAILED) {
      clear_bar(p);
      fprintf(p->f, "failed %s: %s\n", j->rel, reason);
    }
    if (j->state == BT_FAILED || now() - p->last_draw >= 0.1 || p->count == p->total)
      draw_bar(p);
    break;
  case BT_SHOW_LINES:
    if (j->state == BT_DONE)
      fprintf(p->f, "[%zu/%zu] done %s -> %s (%.2f s)\n", p->count, p->total, j->rel,
              out ? out : "?", j->seconds);
    else if (j->state == BT_SKIPPED)
      fprintf(p->f, "[%zu/%zu] skipped %s: %s is complete\n", p->count, p->total, j->rel,
              out ? out : "the output");
    else if (j->state == BT_FAILED)
      fprintf(p->f, "[%zu/%zu] failed %s: %s\n", p->count, p->total, j->rel, reason);
    break;
  default:
    if (j->state == BT_FAILED) fprintf(p->f, "failed %s: %s\n", j->rel, reason);
    break;
  }
  fflush(p->f);
  pthread_mutex_unlock(&p->lock);
}

void bt_progress_summary(bt_progress *p, const bt_joblist *l, int stopped, const char *fatal) {
  pthread_mutex_lock(&p->lock);
  if (p->show == BT_SHOW_BAR && p->bar_shown) {
    draw_bar(p);
    fputc('\n', p->f);
    p->bar_shown = 0;
  }
  size_t done = 0, skipped = 0, failed = 0, left = 0;
  for (size_t i = 0; i < l->n; i++) {
    switch (l->jobs[i].state) {
    case BT_DONE: done++; break;
    case BT_SKIPPED: skipped++; break;
    case BT_FAILED: failed++; break;
    default: left++; break;
    }
  }
  double t = now() - p->start;
  if (p->show != BT_SHOW_QUIET || failed || stopped || fatal) {
    fprintf(p->f, "%zu image%s: %zu done, %zu skipped (already complete), %zu failed", l->n,
            l->n == 1 ? "" : "s", done, skipped, failed);
    if (left) fprintf(p->f, ", %zu not done", left);
    fprintf(p->f, "; %.1f s", t);
    if (done + failed && t > 0) fprintf(p->f, ", %.2f images/s", (done + failed) / t);
    fputc('\n', p->f);
  }
  if (failed) {
    fprintf(p->f, "failed:\n");
    for (size_t i = 0; i < l->n; i++)
      if (l->jobs[i].state == BT_FAILED)
        fprintf(p->f, "  %s: %s\n", l->jobs[i].rel,
                l->jobs[i].reason ? l->jobs[i].reason : "unknown error");
  }
  if (fatal) fprintf(p->f, "stopped: %s\n", fatal);
  else if (stopped)
    fprintf(p->f, "stopped by a signal: %zu not done; run the same command again to finish\n",
            left);
  fflush(p->f);
  pthread_mutex_unlock(&p->lock);
}
