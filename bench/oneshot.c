/* One photo, one process: the whole `cutout remove PHOTO --mask --fast` against onnxruntime's whole
 * process (node, load, one run of the same model) and, where installed, the imgly node
 * package's whole process, pair by pair in one run, under each instruction-set cap the
 * machine honours.
 *
 *   bench_oneshot [--rounds R] [--photo P] [--model M] [--caps LIST] [--baseline PROGRAM]
 *
 * Each round, under each cap: the cache folder emptied, `cutout remove` timed on it (the first
 * run ever), again (the cache warm: what every later run costs), the network's warm forward
 * pass in a process of its own (bench_engine's worker), onnxruntime (tests/tools/ort_run.js,
 * load + one run on the photo preprocessed once), the imgly package (bench/imgly/, when its
 * node_modules is installed: see bench/imgly/run.js) and, with --baseline, another cutout
 * program (an earlier build) on the same photo. Printed: every time, the medians, peak RSS,
 * cutout (cache warm) minus the warm pass, and the ratios. LIST: comma-separated caps of
 * none, AVX512_CORE_BF16, AVX512_CORE, AVX2, AVX512_CORE_AMX ("none": uncapped); default all;
 * a cap the CPU cannot honour is skipped with the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"

#define MAX_ROUNDS 32

enum { FIRST, WARM_CACHE, PASS, ORT, IMGLY, BASE, N_KINDS };
static const char *const kind_name[N_KINDS] = {
    "cutout, first run (empty cache)", "cutout, cache warm", "warm forward pass (network only)",
    "onnxruntime, load + one run", "imgly node package", "baseline program"};

static char exe_dir[900], src_dir[900];

/* The effective ISA cutout reports under cap (its `cutout version` line), into isa. */
static int effective_isa(const char *cutout, const char *cap, char *isa, size_t len) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "%s%s '%s' version", cap ? "ONEDNN_MAX_CPU_ISA=" : "",
           cap ? cap : "", cutout);
  FILE *p = popen(cmd, "r");
  if (!p) return 1;
  char line[512] = "";
  if (!fgets(line, sizeof line, p)) line[0] = 0;
  pclose(p);
  /* "cutout 0.1.0 (libvips 8.14.1, oneDNN 2.6.3, avx512_core_bf16, convolutions in ...)" */
  char *a = strstr(line, "oneDNN ");
  a = a ? strchr(a, ',') : NULL;
  if (!a) return 1;
  a += 2;
  size_t n = strcspn(a, ",)");
  snprintf(isa, len, "%.*s", (int)n, a);
  return 0;
}

/* The warm pass's median (ms) from bench_engine's worker, or -1. */
static double warm_pass(const char *cap, const char *model, const char *input, double *rss) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s%s '%s/bench_engine' --worker '%s' '%s' 3 2 0",
           cap ? "ONEDNN_MAX_CPU_ISA=" : "", cap ? cap : "", exe_dir, model, input);
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  char line[8192];
  double t[64];
  int n = 0;
  *rss = 0;
  while (fgets(line, sizeof line, p)) {
    if (!strncmp(line, "times_ms", 8))
      for (char *s = line + 8, *end;; s = end) {
        double v = strtod(s, &end);
        if (end == s || n == 64) break;
        t[n++] = v;
      }
    if (!strncmp(line, "peak_rss_bytes", 14)) *rss = strtod(line + 14, NULL) / 1048576.0;
  }
  return pclose(p) == 0 && n ? bench_median(t, n) : -1;
}

int main(int argc, char **argv) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  snprintf(src_dir, sizeof src_dir, "%s", src ? src : ".");
  char self[1024];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  if (sl <= 0) return 1;
  self[sl] = 0;
  snprintf(exe_dir, sizeof exe_dir, "%.*s", (int)(strrchr(self, '/') - self), self);
  char photo[1024], model[1024], cutout[1100], caps_buf[256] = "none,AVX512_CORE_BF16,AVX512_CORE,AVX2,AVX512_CORE_AMX";
  snprintf(photo, sizeof photo, "%s/examples/portrait-curls.jpg", src_dir);
  snprintf(model, sizeof model, "%s/models/isnet-fp16.onnx", src_dir);
  snprintf(cutout, sizeof cutout, "%s/../cutout", exe_dir);
  const char *baseline = NULL;
  int rounds = 3;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--photo") && i + 1 < argc) snprintf(photo, sizeof photo, "%s", argv[++i]);
    else if (!strcmp(argv[i], "--model") && i + 1 < argc) snprintf(model, sizeof model, "%s", argv[++i]);
    else if (!strcmp(argv[i], "--caps") && i + 1 < argc) snprintf(caps_buf, sizeof caps_buf, "%s", argv[++i]);
    else if (!strcmp(argv[i], "--baseline") && i + 1 < argc) baseline = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--rounds R] [--photo P] [--model M] [--caps LIST] "
              "[--baseline PROGRAM]\n(run from the source folder, or set CUTOUT_SOURCE_DIR)\n",
              argv[0]);
      return 2;
    }
  }
  if (rounds < 1 || rounds > MAX_ROUNDS) {
    fprintf(stderr, "bench: --rounds is 1..%d\n", MAX_ROUNDS);
    return 2;
  }
  if (access(model, R_OK) || access(cutout, X_OK)) {
    fprintf(stderr, "bench: needs %s (scripts/fetch-models.sh) and %s\n", model, cutout);
    return 1;
  }
  char imgly_js[1200], imgly_mod[1200];
  snprintf(imgly_js, sizeof imgly_js, "%s/bench/imgly/run.js", src_dir);
  snprintf(imgly_mod, sizeof imgly_mod,
           "%s/bench/imgly/node_modules/@imgly/background-removal-node", src_dir);
  int imgly = access(imgly_mod, R_OK) == 0;
  char tmp[] = "/tmp/cutout-oneshot-XXXXXX";
  if (!mkdtemp(tmp)) return 1;
  char input[1100], out[1100], ort_js[1100], base_out[1100];
  snprintf(input, sizeof input, "%s/input-XXXXXX", tmp);
  snprintf(out, sizeof out, "%s/mask.png", tmp);
  snprintf(base_out, sizeof base_out, "%s/mask-baseline.png", tmp);
  snprintf(ort_js, sizeof ort_js, "%s/tests/tools/ort_run.js", src_dir);
  if (bench_write_input(photo, 1024, input)) return 1;
  printf("One photo, one process: %s, mask only, 2 threads, %d rounds\nmodel: %s\n%s\n\n", photo,
         rounds, model,
         imgly ? "imgly: bench/imgly (installed)"
               : "imgly: not installed (cd bench/imgly && npm install --ignore-scripts)");
  int failed = 0;
  for (char *cap = strtok(caps_buf, ","); cap; cap = strtok(NULL, ",")) {
    const char *c = strcmp(cap, "none") ? cap : NULL;
    char isa[64], want[64];
    if (effective_isa(cutout, c, isa, sizeof isa)) {
      fprintf(stderr, "bench: cannot run %s\n", cutout);
      return 1;
    }
    snprintf(want, sizeof want, "%s", c ? c : "");
    for (char *w = want; *w; w++) *w = (char)(*w >= 'A' && *w <= 'Z' ? *w + 32 : *w);
    if (c && strcmp(isa, want)) {
      printf("cap %s: skipped, this CPU's effective ISA under it is %s\n\n", c, isa);
      continue;
    }
    char cache[1200], cache_env[1300], cap_env[128], omp_env[] = "OMP_NUM_THREADS=2";
    snprintf(cache, sizeof cache, "%s/cache-%s", tmp, cap);
    snprintf(cache_env, sizeof cache_env, "CUTOUT_CACHE_DIR=%s", cache);
    snprintf(cap_env, sizeof cap_env, "ONEDNN_MAX_CPU_ISA=%s", c ? c : "ALL");
    char *env[] = {cache_env, cap_env, omp_env, NULL};
    /* --fast: the global pass alone, the same job as onnxruntime's and imgly's (the default
     * pipeline adds framing, tiles and matting: bench/tiles, scripts/score-benchmark.sh) */
    char *ct_argv[] = {cutout, "remove", photo, "--mask", "--fast", "-o", out, "-q", "-t", "2",
                       NULL};
    char *base_argv[] = {(char *)baseline, "remove", photo, "--mask", "-o", base_out, "-q",
                         "-t", "2", NULL};
    char *ort_argv[] = {"node", ort_js, model, input, "/dev/null", "--threads", "2", "--runs",
                        "1", "--shape", "1,3,1024,1024", NULL};
    char *imgly_argv[] = {"node", imgly_js, photo, out, NULL};
    double t[N_KINDS][MAX_ROUNDS], rss[N_KINDS] = {0};
    int have[N_KINDS] = {1, 1, 1, 1, imgly, baseline != NULL};
    printf("cap %s (effective %s):\n", c ? c : "none", isa);
    for (int r = 0; r < rounds; r++) {
      char rm[1300];
      snprintf(rm, sizeof rm, "rm -rf '%s'", cache);
      if (system(rm) != 0) return 1;
      printf("  round %d:", r + 1);
      for (int k = 0; k < N_KINDS; k++) {
        if (!have[k]) continue;
        double s = -1, m = 0;
        int st = 0;
        if (k == FIRST || k == WARM_CACHE) st = bench_time_process(ct_argv, env, &s, &m);
        else if (k == BASE) st = bench_time_process(base_argv, env, &s, &m);
        else if (k == ORT) st = bench_time_process(ort_argv, env, &s, &m);
        else if (k == IMGLY) st = bench_time_process(imgly_argv, env, &s, &m);
        else if ((s = warm_pass(c, model, input, &m) / 1e3) < 0) st = 1;
        if (st) {
          fprintf(stderr, "bench: %s failed under cap %s\n", kind_name[k], c ? c : "none");
          failed = 1;
          have[k] = 0;
          continue;
        }
        t[k][r] = s;
        if (m > rss[k]) rss[k] = m;
        printf(" %s %.2f s |", k == FIRST ? "first" : k == WARM_CACHE ? "cutout" : k == PASS
               ? "pass" : k == ORT ? "ort" : k == IMGLY ? "imgly" : "baseline", s);
      }
      printf("\n");
      fflush(stdout);
    }
    double med[N_KINDS] = {0};
    for (int k = 0; k < N_KINDS; k++)
      if (have[k]) {
        med[k] = bench_median(t[k], rounds);
        printf("  %-36s median %6.3f s, peak RSS %5.0f MB\n", kind_name[k], med[k], rss[k]);
      }
    printf("  cutout (cache warm) - warm pass: %.3f s\n", med[WARM_CACHE] - med[PASS]);
    if (have[ORT])
      printf("  cutout (cache warm) / onnxruntime: %.2f\n", med[WARM_CACHE] / med[ORT]);
    if (have[IMGLY]) printf("  cutout (cache warm) / imgly: %.2f\n", med[WARM_CACHE] / med[IMGLY]);
    if (have[BASE]) printf("  first run / baseline: %.2f\n", med[FIRST] / med[BASE]);
    printf("\n");
  }
  char rm[1100];
  snprintf(rm, sizeof rm, "rm -rf '%s'", tmp);
  if (system(rm) != 0) failed = 1;
  return failed;
}
