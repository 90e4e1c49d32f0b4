/* ISNet forward pass: cutout's engine against onnxruntime, measured in the same run.
 *
 *   bench_engine [--model PATH] [--rounds R] [--runs N] [--threads T] [--profile]
 *
 * --profile prints, for cutout's last round, a table of where the time goes by op type.
 *
 * Each round starts one process per runtime (cutout first, then onnxruntime through
 * tests/tools/ort_run.js), each loading the model, making one untimed warm-up pass and N
 * timed passes on the same input (the example photo, preprocessed once and written to a
 * file), computing the first output (the mask) only. Rounds alternate the runtimes so that
 * machine noise hits both. Printed: every
 * pass time, each runtime's median, the ratio cutout/onnxruntime, and each one's peak RSS
 * (its own process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "image/image.h"
#include "nn/nn.h"

#define MAX_TIMES 256

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The child: load, warm up, time N passes, print "times_ms ... peak_rss_bytes". */
static int worker(const char *model, const char *input, int runs, int threads, int profile) {
  nn_set_threads(threads);
  nn_graph *g;
  nn_err err = {0};
  if (nn_load(model, &g, &err) || nn_keep_outputs(g, 1, &err)) {
    fprintf(stderr, "bench: %s\n", err.msg);
    return 1;
  }
  if (profile && nn_profile_enable(g, &err)) return 1;
  int64_t dims[4] = {1, 3, 1024, 1024};
  const nn_tensor *declared = &g->values[g->inputs[0]].t;
  if (declared->ndim == 4 && declared->dims[2] > 0) dims[2] = declared->dims[2];
  if (declared->ndim == 4 && declared->dims[3] > 0) dims[3] = declared->dims[3];
  nn_tensor *x = nn_tensor_new(NN_F32, 4, dims, &err);
  FILE *f = fopen(input, "rb");
  if (!x || !f || fread(x->data, 1, nn_nbytes(x), f) != nn_nbytes(x)) {
    fprintf(stderr, "bench: cannot read input %s\n", input);
    return 1;
  }
  fclose(f);
  printf("times_ms");
  for (int r = 0; r <= runs; r++) {
    nn_tensor *out[16] = {0};
    double t0 = now();
    if (nn_run(g, &x, 1, out, g->n_outputs, &err)) {
      fprintf(stderr, "bench: %s\n", err.msg);
      return 1;
    }
    double ms = (now() - t0) * 1e3;
    if (r == 0 && profile) nn_profile_enable(g, &err); /* leave the warm-up pass out */
    if (r > 0) printf(" %.1f", ms);
    for (int i = 0; i < g->n_outputs; i++) nn_tensor_free(out[i]);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("\npeak_rss_bytes %lld\n", (long long)ru.ru_maxrss * 1024);
  if (profile) nn_profile_report(g, stderr);
  nn_tensor_free(x);
  nn_graph_free(g);
  return 0;
}

/* Runs cmd and appends the pass times it prints; returns its peak RSS, or -1. */
static long long collect(const char *cmd, int ort, double *times, int *n) {
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  char line[16384];
  long long rss = -1;
  while (fgets(line, sizeof line, p)) {
    if (ort) { /* one JSON line: {"times_ms":[...],"median_ms":..,"peak_rss_bytes":..} */
      char *t = strstr(line, "\"times_ms\":[");
      char *r = strstr(line, "\"peak_rss_bytes\":");
      if (t) {
        t += strlen("\"times_ms\":[");
        int first = 1;
        while (*t && *t != ']') {
          double v = strtod(t, &t);
          if (!first && *n < MAX_TIMES) times[(*n)++] = v; /* the first pass warms up */
          first = 0;
          while (*t == ',' || *t == ' ') t++;
        }
      }
      if (r) rss = strtoll(r + strlen("\"peak_rss_bytes\":"), NULL, 10);
    } else if (!strncmp(line, "times_ms", 8)) {
      char *t = line + 8;
      for (;;) {
        char *end;
        double v = strtod(t, &end);
        if (end == t) break;
        if (*n < MAX_TIMES) times[(*n)++] = v;
        t = end;
      }
    } else if (!strncmp(line, "peak_rss_bytes", 14)) {
      rss = strtoll(line + 14, NULL, 10);
    }
  }
  return pclose(p) == 0 ? rss : -1;
}

int main(int argc, char **argv) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char model[1024], photo[1024];
  snprintf(model, sizeof model, "%s/models/isnet-fp16.onnx", src ? src : ".");
  snprintf(photo, sizeof photo, "%s/examples/portrait-curls.jpg", src ? src : ".");
  int rounds = 3, runs = 2, threads = 2, profile = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--worker") && i + 5 < argc)
      return worker(argv[i + 1], argv[i + 2], atoi(argv[i + 3]), atoi(argv[i + 4]),
                    atoi(argv[i + 5]));
    if (!strcmp(argv[i], "--model") && i + 1 < argc) snprintf(model, sizeof model, "%s", argv[++i]);
    else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--profile")) profile = 1;
    else {
      fprintf(stderr, "usage: %s [--model PATH] [--rounds R] [--runs N] [--threads T] [--profile]\n"
              "(run from the source folder, or set CUTOUT_SOURCE_DIR)\n", argv[0]);
      return 2;
    }
  }
  if (rounds < 1 || runs < 1 || threads < 1 || rounds * runs > MAX_TIMES) {
    fprintf(stderr, "bench: rounds, runs and threads must be positive\n");
    return 2;
  }
  if (access(model, R_OK) != 0) {
    fprintf(stderr, "bench: no model at %s (run scripts/fetch-models.sh)\n", model);
    return 1;
  }
  /* The input: the example photo, preprocessed as remove() does. */
  char emsg[256];
  ct_img *im = NULL;
  if (img_load_rgb(photo, &im, emsg, sizeof emsg)) {
    fprintf(stderr, "bench: %s\n", emsg);
    return 1;
  }
  size_t count = (size_t)3 * 1024 * 1024;
  float *x = malloc(count * sizeof(float));
  const float mean[3] = {0.5f, 0.5f, 0.5f}, scale[3] = {1, 1, 1};
  if (!x || img_resize_to_planar(im, 1024, 1024, x, mean, scale)) return 1;
  img_free(im);
  char input[] = "/tmp/cutout-bench-XXXXXX";
  int fd = mkstemp(input);
  if (fd < 0 || write(fd, x, count * sizeof(float)) != (ssize_t)(count * sizeof(float))) return 1;
  close(fd);
  free(x);

  double ct_times[MAX_TIMES], ort_times[MAX_TIMES];
  int n_ct = 0, n_ort = 0;
  long long ct_rss = 0, ort_rss = 0;
  char cmd[4096];
  printf("ISNet forward pass, 1x3x1024x1024, %d threads, %d rounds x %d passes\nmodel: %s\n",
         threads, rounds, runs, model);
  for (int r = 0; r < rounds; r++) {
    snprintf(cmd, sizeof cmd, "'/proc/%d/exe' --worker '%s' '%s' %d %d %d", (int)getpid(), model,
             input, runs, threads, profile && r == rounds - 1);
    long long rss = collect(cmd, 0, ct_times, &n_ct);
    snprintf(cmd, sizeof cmd,
             "OMP_NUM_THREADS=%d node '%s/tests/tools/ort_run.js' '%s' '%s' /dev/null "
             "--threads %d --runs %d --shape 1,3,1024,1024",
             threads, src ? src : ".", model, input, threads, runs + 1);
    long long orss = collect(cmd, 1, ort_times, &n_ort);
    if (rss < 0 || orss < 0) {
      fprintf(stderr, "bench: a runtime failed in round %d\n", r + 1);
      unlink(input);
      return 1;
    }
    if (rss > ct_rss) ct_rss = rss;
    if (orss > ort_rss) ort_rss = orss;
    printf("round %d: cutout", r + 1);
    for (int i = n_ct - runs; i < n_ct; i++) printf(" %.0f", ct_times[i]);
    printf(" ms | onnxruntime");
    for (int i = n_ort - runs; i < n_ort; i++) printf(" %.0f", ort_times[i]);
    printf(" ms\n");
    fflush(stdout);
  }
  unlink(input);
  double mc = median(ct_times, n_ct), mo = median(ort_times, n_ort);
  printf("\n%-12s %12s %14s\n", "runtime", "median ms", "peak RSS MB");
  printf("%-12s %12.0f %14.0f\n", "cutout", mc, ct_rss / 1048576.0);
  printf("%-12s %12.0f %14.0f\n", "onnxruntime", mo, ort_rss / 1048576.0);
  printf("ratio cutout/onnxruntime: time %.2f, peak RSS %.2f\n", mc / mo,
         (double)ct_rss / (double)ort_rss);
  return 0;
}
