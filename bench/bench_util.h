/* What the benchmarks share: a clock, medians, the network input made from a photo as
 * remove() makes it, a group photo made of portraits, and timing a whole child process. */
#ifndef CUTOUT_BENCH_UTIL_H
#define CUTOUT_BENCH_UTIL_H
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "image/image.h"
#include "nn/nn.h"

extern char **environ;

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* (sorts v) */
static inline double bench_median(double *v, int n) {
  if (n <= 0) return 0;
  qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The photo resized to size x size and normalised as ISNet wants it (x/255 - 0.5), written
 * as raw float32 planes to a new temporary file whose name goes into path (a mkstemp
 * template). 0 on success. */
static inline int bench_write_input(const char *photo, int size, char *path) {
  char emsg[256];
  ct_img *im = NULL;
  if (img_load_rgb(photo, &im, emsg, sizeof emsg)) {
    fprintf(stderr, "bench: %s\n", emsg);
    return 1;
  }
  size_t count = (size_t)3 * size * size;
  float *x = malloc(count * sizeof(float));
  const float mean[3] = {0.5f, 0.5f, 0.5f}, scale[3] = {1, 1, 1};
  int rc = !x || img_resize_to_planar(im, size, size, x, mean, scale);
  img_free(im);
  int fd = rc ? -1 : mkstemp(path);
  if (fd < 0 || write(fd, x, count * sizeof(float)) != (ssize_t)(count * sizeof(float))) rc = 1;
  if (fd >= 0) close(fd);
  free(x);
  return rc;
}

/* The photos (n of them) each scaled to height and side by side, left to right, in a new
 * RGB image (as tests/pipeline/test_instances_model.c makes its group photo); NULL on failure,
 * the reason on stderr. */
static inline ct_img *bench_side_by_side(const char *const *photos, int n, int height) {
  ct_img *part[8] = {0}, *out = NULL;
  int width = 0, ok = n > 0 && n <= 8;
  char emsg[256];
  for (int i = 0; ok && i < n; i++) {
    ct_img *im = NULL;
    if (img_load_rgb(photos[i], &im, emsg, sizeof emsg)) {
      fprintf(stderr, "bench: %s\n", emsg);
      ok = 0;
      break;
    }
    int w = (int)((double)im->width * height / im->height + 0.5);
    ok = !img_resize(im, w < 1 ? 1 : w, height, &part[i]);
    img_free(im);
    if (ok) width += part[i]->width;
  }
  if (ok && (out = img_new(width, height, 3)))
    for (int i = 0, x = 0; i < n; x += part[i++]->width)
      for (int y = 0; y < height; y++)
        memcpy(out->data + ((size_t)y * width + x) * 3,
               part[i]->data + (size_t)y * part[i]->width * 3, (size_t)part[i]->width * 3);
  for (int i = 0; i < n && i < 8; i++) img_free(part[i]);
  return out;
}

/* A float32 tensor of dims[4] read from the raw file path (as bench_write_input writes it);
 * NULL after saying why. */
static inline nn_tensor *bench_read_input(const char *path, const int64_t dims[4]) {
  nn_err err = {0};
  nn_tensor *x = nn_tensor_new(NN_F32, 4, dims, &err);
  FILE *f = fopen(path, "rb");
  int ok = x && f && fread(x->data, 1, nn_nbytes(x), f) == nn_nbytes(x);
  if (f) fclose(f);
  if (!ok) {
    fprintf(stderr, "bench: cannot read input %s\n", path);
    nn_tensor_free(x);
    return NULL;
  }
  return x;
}

/* Runs argv (with env_extra, "NAME=VALUE" strings or NULL, added to the environment) with its
 * output to /dev/null; *seconds its wall time from spawn to exit, *rss_mb its peak RSS.
 * Returns its exit status, or -1 when it could not run or died. */
static inline int bench_time_process(char *const *argv, char *const *env_extra, double *seconds,
                                     double *rss_mb) {
  int n_env = 0, n_extra = 0;
  while (environ[n_env]) n_env++;
  while (env_extra && env_extra[n_extra]) n_extra++;
  char **env = calloc((size_t)(n_env + n_extra + 1), sizeof *env);
  if (!env) return -1;
  int k = 0;
  for (int i = 0; i < n_env; i++) { /* the extras take the place of a variable they name */
    int replaced = 0;
    for (int j = 0; j < n_extra; j++) {
      size_t len = strcspn(env_extra[j], "=") + 1;
      if (!strncmp(environ[i], env_extra[j], len)) replaced = 1;
    }
    if (!replaced) env[k++] = environ[i];
  }
  for (int j = 0; j < n_extra; j++) env[k++] = env_extra[j];
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  double t0 = bench_now();
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  free(env);
  if (rc) return -1;
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) return -1;
  *seconds = bench_now() - t0;
  *rss_mb = ru.ru_maxrss / 1024.0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
