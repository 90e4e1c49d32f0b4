/* ISNet forward pass: cutout's engine against onnxruntime, measured in the same run.
 *
 *   bench_engine [--model PATH] [--rounds R] [--runs N] [--threads T] [--profile]
 *
 * --profile prints, for cutout's last round, a table of where the time goes by op type,
 * with the achieved GFLOP/s of the convolutions' direct-equivalent work.
 *
 * Where the effective ISA (ONEDNN_MAX_CPU_ISA caps it) has AVX2 but no AVX-512, cutout runs
 * its convolutions on its own Winograd kernels; each round then also runs cutout with
 * CUTOUT_CONV=onednn (oneDNN's direct kernels, the path before them), and the ratio of the
 * two is printed.
 *
 * Each round starts one process per runtime (cutout first, then onnxruntime through
 * tests/tools/ort_run.js), each loading the model, making one untimed warm-up pass and N
 * timed passes on the same input (the example photo, preprocessed once and written to a
 * file), computing the first output (the mask) only; cutout loads through the prepared-model
 * cache, as cutout remove does. Rounds alternate the runtimes so that machine noise hits
 * both. Printed: every pass time, each runtime's median, its first pass (from the model's
 * load to its first mask: a one-photo process's cost), the ratios cutout/onnxruntime, and
 * each one's peak RSS (its own process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_util.h"
#include "nn/cache.h"
#include "nn/isa.h"
#include "nn/nn.h"
#include "nn/ops/conv_common.h"

#define MAX_TIMES 256

/* The child: load (through the prepared-model cache, as cutout remove does), warm up, time N
 * passes, print "times_ms ...", "first_ms F" (model load to the first mask, the file read
 * already) and "peak_rss_bytes B". */
static int worker(const char *model, const char *input, int runs, int threads, int profile) {
  nn_set_threads(threads);
  nn_graph *g;
  nn_err err = {0};
  char dir[1024];
  nn_load_opts o = {.outputs = 1, .cache_dir = nn_cache_default_dir(dir, sizeof dir) ? dir : NULL};
  double t_load = bench_now(), first_ms = 0;
  if (nn_load_prepared(model, &o, &g, NULL, &err)) {
    fprintf(stderr, "bench: %s\n", err.msg);
    return 1;
  }
  t_load = bench_now() - t_load;
  if (profile && nn_profile_enable(g, &err)) return 1;
  int64_t dims[4] = {1, 3, 1024, 1024};
  const nn_tensor *declared = &g->values[g->inputs[0]].t;
  if (declared->ndim == 4 && declared->dims[2] > 0) dims[2] = declared->dims[2];
  if (declared->ndim == 4 && declared->dims[3] > 0) dims[3] = declared->dims[3];
  nn_tensor *x = bench_read_input(input, dims);
  if (!x) return 1;
  printf("times_ms");
  for (int r = 0; r <= runs; r++) {
    nn_tensor *out[16] = {0};
    double t0 = bench_now();
    if (nn_run(g, &x, 1, out, g->n_outputs, &err)) {
      fprintf(stderr, "bench: %s\n", err.msg);
      return 1;
    }
    double ms = (bench_now() - t0) * 1e3;
    if (r == 0) first_ms = (t_load + bench_now() - t0) * 1e3;
    if (r == 0 && profile) nn_profile_enable(g, &err); /* leave the warm-up pass out */
    if (r > 0) printf(" %.1f", ms);
    for (int i = 0; i < g->n_outputs; i++) nn_tensor_free(out[i]);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("\nfirst_ms %.1f\npeak_rss_bytes %lld\n", first_ms, (long long)ru.ru_maxrss * 1024);
  if (profile) nn_profile_report(g, stderr);
  nn_tensor_free(x);
  nn_graph_free(g);
  return 0;
}

/* Runs cmd and appends the pass times it prints (but the first, a warm-up) and the time
 * from model load to the first result to *first; returns its peak RSS, or -1. */
static long long collect(const char *cmd, int ort, double *times, int *n, double *first) {
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  char line[16384];
  long long rss = -1;
  while (fgets(line, sizeof line, p)) {
    if (ort) { /* one JSON line: {"times_ms":[...],...,"peak_rss_bytes":..,"load_ms":..} */
      char *t = strstr(line, "\"times_ms\":[");
      char *r = strstr(line, "\"peak_rss_bytes\":"), *l = strstr(line, "\"load_ms\":");
      if (t) {
        t += strlen("\"times_ms\":[");
        int k = 0;
        while (*t && *t != ']') {
          double v = strtod(t, &t);
          if (k++ == 0) *first += v;
          else if (*n < MAX_TIMES) times[(*n)++] = v;
          while (*t == ',' || *t == ' ') t++;
        }
      }
      if (l) *first += strtod(l + strlen("\"load_ms\":"), NULL);
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
    } else if (!strncmp(line, "first_ms", 8)) {
      *first = strtod(line + 8, NULL);
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
  char input[] = "/tmp/cutout-bench-XXXXXX";
  if (bench_write_input(photo, 1024, input)) return 1;

  double ct_times[MAX_TIMES], ort_times[MAX_TIMES], ct_first[MAX_TIMES], ort_first[MAX_TIMES];
  double dn_times[MAX_TIMES], dn_first[MAX_TIMES];
  int n_ct = 0, n_ort = 0, n_dn = 0;
  long long ct_rss = 0, ort_rss = 0, dn_rss = 0;
  /* our convolution kernels in use: oneDNN's path as the peer too */
  int peer = nn_conv_wino_on();
  char cmd[4096];
  char isa[128];
  nn_isa_describe(isa, sizeof isa);
  printf("ISNet forward pass, 1x3x1024x1024, %d threads, %d rounds x %d passes\nmodel: %s\n"
         "%s; convolutions: %s\n",
         threads, rounds, runs, model, isa,
         peer ? "cutout's Winograd kernels (AVX2), oneDNN's as the peer" : "oneDNN");
  for (int r = 0; r < rounds; r++) {
    snprintf(cmd, sizeof cmd, "'/proc/%d/exe' --worker '%s' '%s' %d %d %d", (int)getpid(), model,
             input, runs, threads, profile && r == rounds - 1);
    ct_first[r] = ort_first[r] = 0;
    if (profile && r == rounds - 1) fprintf(stderr, "cutout%s:\n", peer ? " (Winograd)" : "");
    long long rss = collect(cmd, 0, ct_times, &n_ct, &ct_first[r]);
    long long drss = 0;
    dn_first[r] = 0;
    if (peer) {
      char dcmd[4200];
      snprintf(dcmd, sizeof dcmd, "CUTOUT_CONV=onednn %s", cmd);
      if (profile && r == rounds - 1) fprintf(stderr, "\ncutout (CUTOUT_CONV=onednn):\n");
      drss = collect(dcmd, 0, dn_times, &n_dn, &dn_first[r]);
    }
    snprintf(cmd, sizeof cmd,
             "OMP_NUM_THREADS=%d node '%s/tests/tools/ort_run.js' '%s' '%s' /dev/null "
             "--threads %d --runs %d --shape 1,3,1024,1024",
             threads, src ? src : ".", model, input, threads, runs + 1);
    long long orss = collect(cmd, 1, ort_times, &n_ort, &ort_first[r]);
    if (rss < 0 || orss < 0 || drss < 0) {
      fprintf(stderr, "bench: a runtime failed in round %d\n", r + 1);
      unlink(input);
      return 1;
    }
    if (rss > ct_rss) ct_rss = rss;
    if (orss > ort_rss) ort_rss = orss;
    if (drss > dn_rss) dn_rss = drss;
    printf("round %d: cutout", r + 1);
    for (int i = n_ct - runs; i < n_ct; i++) printf(" %.0f", ct_times[i]);
    if (peer) {
      printf(" ms | cutout CUTOUT_CONV=onednn");
      for (int i = n_dn - runs; i < n_dn; i++) printf(" %.0f", dn_times[i]);
    }
    printf(" ms | onnxruntime");
    for (int i = n_ort - runs; i < n_ort; i++) printf(" %.0f", ort_times[i]);
    printf(" ms; first pass (load + run) cutout %.0f ms, onnxruntime %.0f ms\n", ct_first[r],
           ort_first[r]);
    fflush(stdout);
  }
  unlink(input);
  double mc = bench_median(ct_times, n_ct), mo = bench_median(ort_times, n_ort);
  double fc = bench_median(ct_first, rounds), fo = bench_median(ort_first, rounds);
  printf("\n%-12s %12s %22s %14s\n", "runtime", "median ms", "first pass median ms",
         "peak RSS MB");
  printf("%-12s %12.0f %22.0f %14.0f\n", "cutout", mc, fc, ct_rss / 1048576.0);
  double md = peer ? bench_median(dn_times, n_dn) : 0, fd = peer ? bench_median(dn_first, rounds) : 0;
  if (peer)
    printf("%-12s %12.0f %22.0f %14.0f  (CUTOUT_CONV=onednn)\n", "cutout-dnnl", md, fd,
           dn_rss / 1048576.0);
  printf("%-12s %12.0f %22.0f %14.0f\n", "onnxruntime", mo, fo, ort_rss / 1048576.0);
  if (peer)
    printf("ratio cutout/cutout-dnnl: time %.2f (%.2fx faster), first pass %.2f, peak RSS %.2f\n",
           mc / md, md / mc, fc / fd, (double)ct_rss / (double)dn_rss);
  printf("ratio cutout/onnxruntime: time %.2f, first pass %.2f, peak RSS %.2f\n", mc / mo,
         fc / fo, (double)ct_rss / (double)ort_rss);
  return 0;
}
