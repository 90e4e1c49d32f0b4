/* Helpers for the batch tests: a scratch folder, small photos, a stand-in for the network
 * (the mask is the photo's red channel: instant, deterministic), the run's log as text. */
#ifndef CUTOUT_TESTS_BATCH_FIXTURE_H
#define CUTOUT_TESTS_BATCH_FIXTURE_H
#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vips/vips.h>

#include "batch/batch.h"
#include "check.h"
#include "cutout.h"

static char scratch[256];

/* scratch/rel, in a rotating set of buffers (several may be used in one expression). */
static inline const char *at(const char *rel) {
  static char bufs[8][512];
  static int k;
  char *b = bufs[k++ % 8];
  snprintf(b, sizeof bufs[0], "%s/%s", scratch, rel);
  return b;
}

static inline int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)st, (void)flag, (void)f;
  return remove(p);
}

static inline void scratch_open(void) {
  snprintf(scratch, sizeof scratch, "/tmp/cutout-batch-test-XXXXXX");
  if (!mkdtemp(scratch)) {
    perror("mkdtemp");
    exit(1);
  }
}

static inline void scratch_close(void) { nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static inline void remove_tree(const char *rel) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", scratch, rel);
  nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void mkdirs(const char *rel) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", scratch, rel);
  for (char *s = p + strlen(scratch) + 1; (s = strchr(s, '/')); s++) {
    *s = 0;
    mkdir(p, 0777);
    *s = '/';
  }
  mkdir(p, 0777);
}

/* A w x h RGB photo with a gradient at scratch/rel (its folders made). */
static inline void photo(const char *rel, int w, int h) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s", rel);
  char *slash = strrchr(dir, '/');
  if (slash) {
    *slash = 0;
    mkdirs(dir);
  }
  unsigned char *px = malloc((size_t)w * h * 3);
  for (int i = 0; i < w * h; i++) {
    px[i * 3] = (unsigned char)(i % w * 255 / (w > 1 ? w - 1 : 1));
    px[i * 3 + 1] = (unsigned char)(i / w * 255 / (h > 1 ? h - 1 : 1));
    px[i * 3 + 2] = 90;
  }
  ct_image *im = NULL;
  ct_error err;
  if (ct_image_from_pixels(px, w, h, 3, (size_t)w * 3, &im, &err) ||
      ct_image_save(im, at(rel), &err)) {
    fprintf(stderr, "cannot make %s: %s\n", rel, err.message);
    exit(1);
  }
  ct_image_free(im);
  free(px);
}

static inline void text_file(const char *rel, const char *text) {
  FILE *f = fopen(at(rel), "w");
  if (!f) {
    perror(rel);
    exit(1);
  }
  fputs(text, f);
  fclose(f);
}

static inline int exists(const char *rel) {
  struct stat st;
  return lstat(at(rel), &st) == 0;
}

/* The image's width, height and channels as libvips reads them back; 0 when it cannot. */
static inline int image_is(const char *rel, int w, int h, int channels) {
  ct_image *im = NULL;
  ct_error err;
  if (ct_image_load(at(rel), &im, &err)) {
    fprintf(stderr, "%s: %s\n", rel, err.message);
    return 0;
  }
  int ok = ct_image_width(im) == w && ct_image_height(im) == h;
  ct_image_free(im);
  if (!ok) fprintf(stderr, "%s is not %dx%d\n", rel, w, h);
  /* channels from the header (ct_image_load always gives RGB); libvips was started by it */
  VipsImage *v = vips_image_new_from_file(at(rel), NULL);
  int bands = v ? v->Bands : 0;
  if (v) g_object_unref(v);
  if (bands != channels) fprintf(stderr, "%s has %d bands, not %d\n", rel, bands, channels);
  return ok && bands == channels;
}

static int tmp_seen;
static inline int count_tmp(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)st, (void)flag, (void)f;
  size_t n = strlen(p);
  if (n > 4 && !strcmp(p + n - 4, ".tmp")) {
    fprintf(stderr, "left behind: %s\n", p);
    tmp_seen++;
  }
  return 0;
}
/* Temporary files anywhere in the scratch folder. */
static inline int temps_left(void) {
  tmp_seen = 0;
  nftw(scratch, count_tmp, 16, FTW_PHYS);
  return tmp_seen;
}

static int files_seen;
static inline int count_file(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)p, (void)st, (void)f;
  if (flag == FTW_F || flag == FTW_SL) files_seen++;
  return 0;
}
static inline int files_under(const char *rel) {
  files_seen = 0;
  nftw(at(rel), count_file, 16, FTW_PHYS);
  return files_seen;
}

/* mtime (ns) and inode of a file, to tell whether it was rewritten. */
typedef struct stamp {
  long long mtime;
  unsigned long long ino;
} stamp;
static inline stamp stamp_of(const char *rel) {
  struct stat st;
  stamp s = {0, 0};
  if (stat(at(rel), &st) == 0) {
    s.mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    s.ino = st.st_ino;
  }
  return s;
}
static inline int same_stamp(stamp a, stamp b) { return a.mtime == b.mtime && a.ino == b.ino; }

/* ---- the stand-in network ---- */

static atomic_int fake_calls;
static int fake_stop_at;  /* > 0: asks the run to stop during that call (as SIGINT would) */
static int fake_fatal;    /* 1: fails as a model that cannot load */

static inline int fake_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                     ct_image **mask, int *fatal, ct_error *err) {
  (void)ctx, (void)opts;
  *fatal = 0;
  if (bt_stopping()) return 1;
  int call = atomic_fetch_add(&fake_calls, 1) + 1;
  if (fake_fatal) {
    *fatal = 1;
    snprintf(err->message, sizeof err->message, "cannot load the model 'fake.onnx'");
    err->code = CT_ERR_MODEL;
    return -1;
  }
  if (fake_stop_at && call == fake_stop_at) bt_request_stop();
  int w = ct_image_width(photo), h = ct_image_height(photo);
  const unsigned char *px = ct_image_pixels(photo);
  unsigned char *m = malloc((size_t)w * h);
  for (int i = 0; i < w * h; i++) m[i] = px[i * 3];
  ct_status st = ct_image_from_pixels(m, w, h, 1, (size_t)w, mask, err);
  free(m);
  return st ? -1 : 0;
}

/* ---- running ---- */

static char log_text[65536];

/* A configuration with the stand-in network, quiet about signals, logging lines. */
static inline bt_config config(const char *in_rel, const char *out_rel) {
  bt_config c;
  bt_config_init(&c);
  static char in[512], out[512];
  if (in_rel) snprintf(in, sizeof in, "%s", at(in_rel));
  snprintf(out, sizeof out, "%s", at(out_rel));
  c.in_dir = in_rel ? in : NULL;
  c.out_dir = out;
  c.engine.mask = fake_mask;
  c.handle_signals = 0;
  c.show = BT_SHOW_LINES;
  c.jobs = 2;
  return c;
}

/* Runs c, keeping its log in log_text; returns the exit status. */
static inline int run(bt_config c) {
  FILE *log = tmpfile();
  c.log = log;
  fake_calls = 0;
  int rc = bt_run(&c);
  rewind(log);
  size_t n = fread(log_text, 1, sizeof log_text - 1, log);
  log_text[n] = 0;
  fclose(log);
  return rc;
}

static inline int logged(const char *s) {
  if (strstr(log_text, s)) return 1;
  fprintf(stderr, "the log lacks \"%s\":\n%s\n", s, log_text);
  return 0;
}

#endif
