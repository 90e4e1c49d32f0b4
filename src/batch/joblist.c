/* The job list of a batch run. */
#include "batch/joblist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/paths.h"
#include "batch/shard.h"

static bt_job *grow(bt_joblist *l) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    bt_job *j = realloc(l->jobs, cap * sizeof *j);
    if (!j) return NULL;
    l->jobs = j;
    l->cap = cap;
  }
  bt_job *j = &l->jobs[l->n];
  memset(j, 0, sizeof *j);
  return j;
}

bt_job *bt_joblist_add(bt_joblist *l, const char *rel, const char *in) {
  bt_job *j = grow(l);
  if (!j) return NULL;
  j->rel = strdup(rel);
  j->in = in ? strdup(in) : NULL;
  if (!j->rel || (in && !j->in)) {
    free(j->rel);
    free(j->in);
    return NULL;
  }
  l->n++;
  return j;
}

static char *vformat(const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0) return NULL;
  char *s = malloc((size_t)n + 1);
  if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

bt_job *bt_joblist_add_failed(bt_joblist *l, const char *rel, const char *fmt, ...) {
  bt_job *j = bt_joblist_add(l, rel, NULL);
  if (!j) return NULL;
  va_list ap;
  va_start(ap, fmt);
  j->reason = vformat(fmt, ap);
  va_end(ap);
  j->state = BT_FAILED;
  return j;
}

void bt_job_fail(bt_job *j, const char *fmt, ...) {
  j->state = BT_FAILED;
  if (j->reason) return;
  va_list ap;
  va_start(ap, fmt);
  j->reason = vformat(fmt, ap);
  va_end(ap);
}

static void job_free(bt_job *j) {
  free(j->rel);
  free(j->in);
  free(j->out_rel);
  free(j->reason);
}

void bt_joblist_free(bt_joblist *l) {
  for (size_t i = 0; i < l->n; i++) job_free(&l->jobs[i]);
  free(l->jobs);
  memset(l, 0, sizeof *l);
}

static int by_rel(const void *a, const void *b) {
  const bt_job *x = a, *y = b;
  int c = strcmp(x->rel, y->rel);
  if (c) return c;
  /* a usable entry before a failed one of the same name, so that it is the one kept */
  return (x->state == BT_FAILED) - (y->state == BT_FAILED);
}

size_t bt_joblist_sort(bt_joblist *l) {
  if (l->n > 1) qsort(l->jobs, l->n, sizeof *l->jobs, by_rel);
  size_t w = 0;
  for (size_t i = 0; i < l->n; i++) {
    if (w > 0 && !strcmp(l->jobs[w - 1].rel, l->jobs[i].rel)) {
      job_free(&l->jobs[i]);
      continue;
    }
    l->jobs[w++] = l->jobs[i];
  }
  size_t dropped = l->n - w;
  l->n = w;
  return dropped;
}

static int by_out(const void *a, const void *b) {
  const bt_job *x = *(const bt_job *const *)a, *y = *(const bt_job *const *)b;
  int c = strcmp(x->out_rel, y->out_rel);
  return c ? c : strcmp(x->rel, y->rel);
}

/* Marks jobs g[0..n-1], which share one output, as failed, naming each other. */
static void clash(bt_job **g, size_t n) {
  char names[1024];
  size_t used = 0;
  names[0] = 0;
  for (size_t k = 0; k < n && used < sizeof names; k++) {
    const char *sep = k == 0 ? "" : k + 1 == n ? " and " : ", ";
    int w = snprintf(names + used, sizeof names - used, "%s'%s'", sep, g[k]->rel);
    if (w < 0) break;
    used += (size_t)w;
  }
  for (size_t k = 0; k < n; k++)
    bt_job_fail(g[k], "%s all map to output '%s' (rename one, or use --keep-ext)", names,
                g[k]->out_rel);
}

long bt_joblist_map(bt_joblist *l, const char *ext, int keep_ext) {
  size_t cnt = 0;
  for (size_t i = 0; i < l->n; i++) {
    bt_job *j = &l->jobs[i];
    if (j->state != BT_PENDING) continue;
    size_t len = strlen(j->rel) + strlen(ext) + 2;
    if (!(j->out_rel = malloc(len))) return -1;
    if (bt_output_rel(j->rel, ext, keep_ext, j->out_rel, len)) return -1;
    cnt++;
  }
  bt_job **v = malloc((cnt ? cnt : 1) * sizeof *v);
  if (!v) return -1;
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++)
    if (l->jobs[i].out_rel && l->jobs[i].state == BT_PENDING) v[k++] = &l->jobs[i];
  qsort(v, cnt, sizeof *v, by_out);
  long marked = 0;
  for (size_t i = 0; i < cnt;) {
    size_t e = i + 1;
    while (e < cnt && !strcmp(v[e]->out_rel, v[i]->out_rel)) e++;
    if (e - i > 1) {
      clash(v + i, e - i);
      marked += (long)(e - i);
    }
    i = e;
  }
  free(v);
  return marked;
}

size_t bt_joblist_shard(bt_joblist *l, int index, int count) {
  size_t w = 0;
  for (size_t i = 0; i < l->n; i++) {
    if (bt_shard_of(l->jobs[i].rel, count) == index) l->jobs[w++] = l->jobs[i];
    else job_free(&l->jobs[i]);
  }
  l->n = w;
  return w;
}
