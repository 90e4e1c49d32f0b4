/* A batch run: the job list made, sharded and run by a pool of workers. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/batch.h"
#include "batch/complete.h"
#include "batch/inputs.h"
#include "batch/joblist.h"
#include "batch/outdir.h"
#include "batch/paths.h"
#include "batch/progress.h"

static atomic_int stop_flag;      /* no new photos: a signal, a request or a fatal error */
static atomic_int stop_requested; /* by bt_request_stop (exit status 130) */
static volatile sig_atomic_t signals_seen;

void bt_request_stop(void) {
  atomic_store(&stop_requested, 1);
  atomic_store(&stop_flag, 1);
}

int bt_stopping(void) { return atomic_load(&stop_flag); }

static void on_signal(int sig) {
  (void)sig;
  if (signals_seen++) {
    static const char m[] = "\ncutout: stopped at once\n";
    (void)!write(STDERR_FILENO, m, sizeof m - 1);
    _exit(130);
  }
  bt_request_stop();
  static const char m[] = "\ncutout: stopping: photos past the network are finished, the others "
                          "left for a rerun (again to quit at once)\n";
  (void)!write(STDERR_FILENO, m, sizeof m - 1);
}

void bt_config_init(bt_config *c) {
  memset(c, 0, sizeof *c);
  c->format = "png";
  c->jobs = 2;
  c->log = stderr;
  c->handle_signals = 1;
  ct_remove_options_init(&c->opts);
}

/* ---- the inputs' identities, so that no output replaces one ---- */

typedef struct file_id {
  dev_t dev;
  ino_t ino;
} file_id;

static int cmp_id(const void *a, const void *b) {
  const file_id *x = a, *y = b;
  if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* ---- the run ---- */

typedef struct run {
  const bt_config *cfg;
  bt_joblist *list;
  bt_outdir out;
  file_id *inputs;
  size_t n_inputs;
  int bands; /* channels of an output */
  bt_progress *progress;
  pthread_mutex_t lock;
  size_t next;
  char fatal[600];
  int has_fatal;
} run;

static int is_input(const run *r, const struct stat *st) {
  file_id k = {st->st_dev, st->st_ino};
  return r->n_inputs && bsearch(&k, r->inputs, r->n_inputs, sizeof k, cmp_id) != NULL;
}

static void fatal_stop(run *r, const char *msg) {
  pthread_mutex_lock(&r->lock);
  if (!r->has_fatal) {
    snprintf(r->fatal, sizeof r->fatal, "%s", msg);
    r->has_fatal = 1;
  }
  pthread_mutex_unlock(&r->lock);
  atomic_store(&stop_flag, 1);
}

/* One photo, from the output checks to the write. Leaves the job pending when the run
 * stops before its network pass. */
static void process(run *r, bt_job *j, char *path, size_t pathlen) {
  const bt_config *c = r->cfg;
  char why[1024];
  struct stat st;
  ct_image *photo = NULL, *mask = NULL, *result = NULL;
  ct_error err = {0};
  if (bt_outdir_prepare(&r->out, j->out_rel, path, pathlen, why, sizeof why)) {
    bt_job_fail(j, "%s", why);
    return;
  }
  if (stat(path, &st) == 0) {
    if (is_input(r, &st)) {
      bt_job_fail(j, "refused: the output '%s' is one of the input photos", path);
      return;
    }
    int w, h;
    if (!c->overwrite && bt_photo_size(j->in, &w, &h) == 0 &&
        bt_output_complete(path, w, h, r->bands)) {
      j->state = BT_SKIPPED;
      return;
    }
  }
  if (bt_stopping()) return;
  if (ct_image_load(j->in, &photo, &err)) {
    bt_job_fail(j, "%s", err.message);
    return;
  }
  if (bt_stopping()) goto done;
  int fatal = 0;
  int rc = c->engine.mask(c->engine.ctx, photo, &c->opts, &mask, &fatal, &err);
  if (rc > 0) goto done; /* stopping */
  if (rc < 0) {
    if (fatal) fatal_stop(r, err.message); /* every later photo would fail the same way */
    else bt_job_fail(j, "%s", err.message);
    goto done;
  }
  if (c->opts.mask_only) {
    result = mask;
    mask = NULL;
  } else if (ct_composite(photo, mask, &c->opts, &result, &err)) {
    bt_job_fail(j, "%s", err.message);
    goto done;
  }
  if (ct_image_save(result, path, &err)) {
    bt_job_fail(j, "%s", err.message);
    goto done;
  }
  j->state = BT_DONE;
done:
  ct_image_free(result);
  ct_image_free(mask);
  ct_image_free(photo);
}

static double seconds_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *worker(void *arg) {
  run *r = arg;
  size_t pathlen = strlen(r->out.path) + PATH_MAX + 2;
  char *path = malloc(pathlen);
  for (;;) {
    pthread_mutex_lock(&r->lock);
    bt_job *j = !bt_stopping() && r->next < r->list->n ? &r->list->jobs[r->next++] : NULL;
    pthread_mutex_unlock(&r->lock);
    if (!j) break;
    double t0 = seconds_now();
    if (j->state == BT_PENDING) {
      if (path) process(r, j, path, pathlen);
      else bt_job_fail(j, "out of memory");
    }
    j->seconds = seconds_now() - t0;
    if (j->state != BT_PENDING)
      bt_progress_job(r->progress, j, j->state == BT_FAILED ? NULL : path);
  }
  free(path);
  return NULL;
}

/* ---- setting up ---- */

static int output_bands(const ct_remove_options *o) {
  if (o->mask_only) return 1;
  if (o->bg_image) return ct_image_channels(o->bg_image);
  return o->bg_color[3] == 255 ? 3 : 4;
}

static int known_format(const char *f) {
  static const char *const names[] = {"png", "webp", "tif", "tiff", "jpg", "jpeg"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcasecmp(f, names[i])) return 1;
  return 0;
}

/* Refuses an output folder that is the input folder or holds it (outputs would land among
 * the inputs). 0, or -1 after saying why. */
static int check_folders(const bt_config *c) {
  char in_real[PATH_MAX], out_real[PATH_MAX], rel[PATH_MAX];
  if (!realpath(c->in_dir, in_real)) {
    fprintf(c->log, "cutout: cannot open the folder '%s': %s\n", c->in_dir, strerror(errno));
    return -1;
  }
  if (!realpath(c->out_dir, out_real)) return 0; /* made later: it holds nothing yet */
  if (!strcmp(in_real, out_real)) {
    fprintf(c->log, "cutout: the output folder '%s' is the input folder: choose another, the "
                    "inputs are never overwritten\n", c->out_dir);
    return -1;
  }
  if (!bt_rel_under(in_real, out_real, rel, sizeof rel)) {
    fprintf(c->log, "cutout: the input folder '%s' lies inside the output folder '%s': "
                    "choose an output folder outside it\n", c->in_dir, c->out_dir);
    return -1;
  }
  return 0;
}

/* The folder a list's relative paths are taken from. */
static void list_base(const bt_config *c, char *buf, size_t len) {
  if (c->in_dir) snprintf(buf, len, "%s", c->in_dir);
  else if (!strcmp(c->list, "-")) snprintf(buf, len, ".");
  else {
    const char *slash = strrchr(c->list, '/');
    if (!slash) snprintf(buf, len, ".");
    else if (slash == c->list) snprintf(buf, len, "/");
    else snprintf(buf, len, "%.*s", (int)(slash - c->list), c->list);
  }
}

static int collect(run *r, char *err, size_t errlen) {
  const bt_config *c = r->cfg;
  if (c->list) {
    char base[PATH_MAX];
    list_base(c, base, sizeof base);
    return bt_read_list(c->list, base, r->list, err, errlen);
  }
  if (bt_walk(c->in_dir, bt_can_read_heif(), 1, r->out.dev, r->out.ino, r->list)) {
    snprintf(err, errlen, "out of memory listing '%s'", c->in_dir);
    return -1;
  }
  return 0;
}

static int make_input_set(run *r) {
  size_t n = 0;
  r->inputs = malloc((r->list->n ? r->list->n : 1) * sizeof *r->inputs);
  if (!r->inputs) return -1;
  for (size_t i = 0; i < r->list->n; i++)
    if (r->list->jobs[i].in) {
      r->inputs[n].dev = (dev_t)r->list->jobs[i].dev;
      r->inputs[n].ino = (ino_t)r->list->jobs[i].ino;
      n++;
    }
  qsort(r->inputs, n, sizeof *r->inputs, cmp_id);
  r->n_inputs = n;
  return 0;
}

static int start_workers(run *r, pthread_t *t, int n) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* signals are for the main thread */
  int started = 0;
  while (started < n && pthread_create(&t[started], NULL, worker, r) == 0) started++;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return started;
}

int bt_run(const bt_config *c) {
  FILE *log = c->log ? c->log : stderr;
  bt_config cfg = *c;
  cfg.log = log;
  char err[1200];
  if (!cfg.out_dir || !*cfg.out_dir) {
    fprintf(log, "cutout: no output folder given (-o OUT_DIR)\n");
    return 2;
  }
  if (!cfg.in_dir && !cfg.list) {
    fprintf(log, "cutout: no input folder or --list given\n");
    return 2;
  }
  if (!cfg.format || !known_format(cfg.format)) {
    fprintf(log, "cutout: --format is png, webp, tif or jpg, not '%s'\n",
            cfg.format ? cfg.format : "");
    return 2;
  }
  if (!cfg.engine.mask) {
    fprintf(log, "cutout: no engine given\n");
    return 2;
  }
  if (cfg.jobs < 1) cfg.jobs = 1;
  run r = {.cfg = &cfg, .bands = output_bands(&cfg.opts)};
  if ((!strcasecmp(cfg.format, "jpg") || !strcasecmp(cfg.format, "jpeg")) && r.bands == 4) {
    fprintf(log, "cutout: JPEG has no transparency: use --format png, webp or tif, or an opaque "
                 "background\n");
    return 2;
  }
  struct stat st;
  if (cfg.in_dir && (stat(cfg.in_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
    fprintf(log, "cutout: '%s' is not a folder\n", cfg.in_dir);
    return 2;
  }
  if (cfg.in_dir && check_folders(&cfg)) return 2;
  bt_shard shard;
  if (bt_shard_resolve(cfg.shard, cfg.shards, &shard, err, sizeof err)) {
    fprintf(log, "cutout: %s\n", err);
    return 2;
  }
  atomic_store(&stop_flag, 0);
  atomic_store(&stop_requested, 0);
  signals_seen = 0;
  bt_joblist list = {0};
  r.list = &list;
  pthread_mutex_init(&r.lock, NULL);
  int status = 1;
  pthread_t *threads = NULL;
  /* A walk passes over the output folder, so that is made first; a list is read first, so
   * that nothing is made when it cannot be. */
  if ((cfg.list && collect(&r, err, sizeof err)) ||
      bt_outdir_open(&r.out, cfg.out_dir, err, sizeof err) ||
      (!cfg.list && collect(&r, err, sizeof err))) {
    fprintf(log, "cutout: %s\n", err);
    goto out;
  }
  size_t repeated = bt_joblist_sort(&list);
  long clashes = bt_joblist_map(&list, cfg.format, cfg.keep_ext);
  if (clashes < 0 || make_input_set(&r)) {
    fprintf(log, "cutout: out of memory\n");
    goto out;
  }
  size_t all = list.n;
  if (shard.count > 1) bt_joblist_shard(&list, shard.index, shard.count);
  int cleaned = bt_outdir_clean_temps(&r.out, &list);
  if (!(r.progress = bt_progress_new(log, cfg.show, list.n))) {
    fprintf(log, "cutout: out of memory\n");
    goto out;
  }
  const char *from = cfg.list ? (strcmp(cfg.list, "-") ? cfg.list : "standard input")
                              : cfg.in_dir;
  if (shard.count > 1)
    bt_progress_note(r.progress, "%zu of %zu images from '%s' (shard %d/%d, from %s) -> '%s'",
                     list.n, all, from, shard.index + 1, shard.count, shard.source, r.out.path);
  else
    bt_progress_note(r.progress, "%zu images from '%s' -> '%s'", list.n, from, r.out.path);
  if (repeated)
    bt_progress_note(r.progress, "%zu repeated list entr%s taken once", repeated,
                     repeated == 1 ? "y" : "ies");
  if (clashes)
    bt_progress_note(r.progress, "%ld images share an output name with another: not processed "
                     "(see the failures; --keep-ext keeps them apart)", clashes);
  if (cleaned)
    bt_progress_note(r.progress, "removed %d temporary file%s left by an interrupted run",
                     cleaned, cleaned == 1 ? "" : "s");

  struct sigaction sa, old_int, old_term;
  if (cfg.handle_signals) {
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  int n = cfg.jobs < (int)list.n ? cfg.jobs : (int)list.n;
  int started = 0;
  if (n > 0 && (threads = malloc((size_t)n * sizeof *threads)))
    started = start_workers(&r, threads, n);
  if (n > 0 && started == 0) worker(&r); /* no thread could start: work here */
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  if (cfg.handle_signals) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  int stopped = atomic_load(&stop_requested);
  bt_progress_summary(r.progress, &list, stopped && !r.has_fatal,
                      r.has_fatal ? r.fatal : NULL);
  size_t failed = 0;
  for (size_t i = 0; i < list.n; i++) failed += list.jobs[i].state == BT_FAILED;
  status = r.has_fatal ? 1 : stopped ? 130 : failed ? 1 : 0;
out:
  free(threads);
  bt_progress_free(r.progress);
  free(r.inputs);
  bt_joblist_free(&list);
  bt_outdir_close(&r.out);
  pthread_mutex_destroy(&r.lock);
  return status;
}
