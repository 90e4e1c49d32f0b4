/* The object detector and the instances: cutout's engine against TensorFlow.js on CenterNet,
 * and what one instance's mask costs.
 *
 *   bench_detector [--runs N] [--rounds R] [--threads T] [--photo P] [--detector D]
 *                  [--model M] [--no-tfjs] [--no-instances] [--profile]
 *
 * 1. The CenterNet graph (models/centernet.json, a TensorFlow.js graph model, 1x512x512x3) on
 * the same input: the photo (default examples/portrait-curls.jpg) letterboxed to 512x512 as
 * the detector does it (det_letterbox), written to a file once. Each round starts one process
 * per runtime: cutout (this program's worker: the graph loaded as ct_detector_load loads it,
 * computing the two outputs the detector asks for, tower_0/keypoints and tower_0/wh, in
 * float32 as it does) with T threads and, when T > 1, with one, and tfjs 4.22 on its wasm
 * backend (bench/detector_tfjs.js: the same two outputs with execute(), then the graph's own
 * decoding, tower_0/detections, with executeAsync()); the order turns round each round so
 * that machine noise hits all of them. Each process loads the model, makes a first pass and
 * N timed ones. tfjs-backend-wasm runs single-threaded under node (it turns its threads off
 * there: the line "tfjs-wasm: ..." says what it got), so cutout's one-thread figures are the
 * like-for-like ones. Printed: each round's figures, then the load time, the first pass and
 * the warm median (over every round's N passes) of each, and the ratios cutout/tfjs; cutout
 * beside tower_0/detections is its graph plus its decoding in C (det_decode_centernet).
 *
 * 2. The instances: the three portraits of ../shared/examples (else the repository's one,
 * twice) scaled to 720 pixels high and side by side; ct_detect on it (people only, as
 * `cutout instances --class person`: a first call, then the median of N), and
 * ct_instance_masks on its detections with the default options (mask only) and with the fast
 * ones (ct_remove_options_fast), each a first call and the median of R more. Printed: the
 * detection time, the number of instances, the masks' total time and the time per instance.
 *
 * The models: --detector, else $CUTOUT_DETECTOR, else models/centernet.json; --model, else
 * $CUTOUT_MODEL, else models/isnet-fp16.onnx (the source folder's models, as the command line
 * finds them from a build inside the source tree). A part whose model is absent, or the tfjs
 * side without node or the npm packages (npm ci), is skipped with the reason. Run from the
 * source folder (or set CUTOUT_SOURCE_DIR); ONEDNN_MAX_CPU_ISA caps the instruction set.
 * Defaults: N 10, R 3, T 2. --profile: cutout's last round of each kind also prints (on stderr) where its time goes
 * by op type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tests/nn/tfjs_harness.h"
#include "bench_util.h"
#include "cutout.h"
#include "nn/isa.h"
#include "nn/nn.h"
#include "nn/precision.h"
#include "pipeline/detect.h"

#define SIZE 512     /* the detector's input side */
#define HEIGHT 720   /* the group photo's */
#define MAX_TIMES 1024
#define MAX_ROUNDS 32
#define STRIDE 4
#define CLASSES 80
#define DECODED 100

static const char *const outputs[2] = {"tower_0/keypoints", "tower_0/wh"};

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int positive(const char *s, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < 1 || v > 100000) return 0;
  *out = (int)v;
  return 1;
}

/* The child: the graph loaded as ct_detector_load does, a first pass and N timed ones, each
 * also decoded; prints "load_ms L", "first_ms F", "times_ms ..." and "decode_ms ...". */
static int worker(const char *det, const char *input, int runs, int threads, int profile) {
  nn_set_threads(threads);
  nn_graph *g = NULL;
  nn_err err = {0};
  double t = bench_now();
  nn_pin_f32(1);
  int rc = nn_load_tfjs(det, outputs, 2, &g, &err);
  nn_pin_f32(0);
  if (rc) {
    fprintf(stderr, "bench: %s\n", err.msg);
    return 1;
  }
  double load_ms = (bench_now() - t) * 1e3;
  const nn_tensor *in = g->n_inputs == 1 ? &g->values[g->inputs[0]].t : NULL;
  if (!in || in->ndim != 4 || in->dims[1] != SIZE || in->dims[2] != SIZE || in->dims[3] != 3) {
    fprintf(stderr, "bench: %s: not a 1x%dx%dx3 input\n", det, SIZE, SIZE);
    return 1;
  }
  int64_t dims[4] = {1, SIZE, SIZE, 3};
  nn_tensor *x = bench_read_input(input, dims);
  if (!x) return 1;
  static double times[MAX_TIMES + 1], decode[MAX_TIMES + 1];
  det_box box[DECODED];
  for (int r = 0; r <= runs; r++) {
    nn_tensor *y[2] = {0};
    t = bench_now();
    nn_pin_f32(1);
    rc = nn_run(g, &x, 1, y, 2, &err);
    nn_pin_f32(0);
    if (rc) {
      fprintf(stderr, "bench: %s\n", err.msg);
      return 1;
    }
    double t1 = bench_now();
    int cells = SIZE / STRIDE;
    if (nn_numel(y[0]) != (int64_t)cells * cells * CLASSES || nn_numel(y[1]) != (int64_t)cells * cells * 4 ||
        det_decode_centernet(y[0]->data, y[1]->data, cells, cells, CLASSES, STRIDE, DECODED, box) < 0) {
      fprintf(stderr, "bench: the outputs are not a heatmap and sizes\n");
      return 1;
    }
    times[r] = (t1 - t) * 1e3;
    if (r == 0 && profile && nn_profile_enable(g, &err)) return 1; /* the first left out */
    decode[r] = (bench_now() - t1) * 1e3;
    nn_tensor_free(y[0]);
    nn_tensor_free(y[1]);
  }
  printf("load_ms %.2f\nfirst_ms %.2f\ntimes_ms", load_ms, times[0]);
  for (int r = 1; r <= runs; r++) printf(" %.2f", times[r]);
  printf("\ndecode_ms");
  for (int r = 1; r <= runs; r++) printf(" %.3f", decode[r]);
  printf("\n");
  if (profile) nn_profile_report(g, stderr);
  nn_tensor_free(x);
  nn_graph_free(g);
  return 0;
}

/* The numbers after key in text, a worker's "key N N ..." line or detector_tfjs.js's JSON
 * "key":N or "key":[N,...], appended to v (*n of them, up to MAX_TIMES); how many were read. */
static int numbers(const char *text, const char *key, double *v, int *n) {
  char pat[64];
  size_t len = (size_t)snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *s = strstr(text, pat);
  if (!s) {
    len = (size_t)snprintf(pat, sizeof pat, "\n%s ", key);
    s = !strncmp(text, pat + 1, len - 1) ? text - 1 : strstr(text, pat);
  }
  if (!s) return 0;
  s += len;
  if (*s == '[') s++;
  int k = 0;
  for (;;) {
    char *end;
    double x = strtod(s, &end);
    if (end == s) break;
    if (*n < MAX_TIMES) v[(*n)++] = x, k++;
    s = end;
    if (*s != ',' && *s != ' ') break;
    s++;
  }
  return k;
}

static double number(const char *text, const char *key) {
  double v[1];
  int n = 0;
  return numbers(text, key, v, &n) ? v[0] : -1;
}

/* Runs cmd; its whole standard output (malloc'd), NULL when it failed (*status: its exit
 * status). */
static char *output_of(const char *cmd, int *status) {
  *status = -1;
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + len, 1, cap - len - 1, p)) > 0)
    if ((len += got) + 4096 > cap) {
      char *b = realloc(buf, cap *= 2);
      if (!b) free(buf);
      buf = b;
    }
  int rc = pclose(p);
  *status = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  if (buf) buf[len] = 0;
  if (*status) {
    free(buf);
    buf = NULL;
  }
  return buf;
}

/* The median of n values, v left as it is. */
static double median_of(const double *v, int n) {
  static double tmp[MAX_TIMES];
  memcpy(tmp, v, (size_t)n * sizeof *v);
  return bench_median(tmp, n);
}

static void ratio_line(const char *what, double ours, double theirs) {
  printf("detector %dx%d %s: cutout %.0f ms, tfjs-wasm %.0f ms, ratio %.2f\n", SIZE, SIZE, what,
         ours, theirs, ours / theirs);
}

enum { CT, CT1, TFJS, KINDS }; /* cutout with T threads, cutout with 1 thread, tfjs */
static const char *const kind_name[KINDS] = {"cutout", "cutout (1 thread)", "tfjs-wasm"};

/* Part 1: the detector's graph, cutout against tfjs (tfjs: 0 to leave it out). */
static int bench_graph(const char *src, const char *det, const char *photo, int rounds, int runs,
                       int threads, int tfjs, int profile) {
  char emsg[256];
  ct_img *im = NULL;
  if (img_load_rgb(photo, &im, emsg, sizeof emsg)) {
    fprintf(stderr, "bench: %s\n", emsg);
    return 1;
  }
  size_t bytes = (size_t)SIZE * SIZE * 3 * sizeof(float);
  float *x = malloc(bytes);
  det_frame frame = {0};
  char input[] = "/tmp/cutout-bench-detector-XXXXXX";
  int fd = -1;
  int rc = !x || det_letterbox(im, SIZE, x, &frame) || (fd = mkstemp(input)) < 0 ||
           th_write(input, x, bytes);
  if (fd >= 0) close(fd);
  free(x);
  printf("detector %s on %s (%dx%d, letterboxed into %dx%d at %d,%d of %dx%d)\n", det, photo,
         im->width, im->height, frame.w, frame.h, frame.ox, frame.oy, SIZE, SIZE);
  img_free(im);
  if (rc) {
    fprintf(stderr, "bench: cannot make the detector's input\n");
    if (fd >= 0) unlink(input);
    return 1;
  }
  char isa[160], load_avg[32] = "?";
  nn_isa_describe(isa, sizeof isa);
  FILE *la = fopen("/proc/loadavg", "r"); /* other work on the machine skews the figures */
  if (la) {
    if (fscanf(la, "%31s", load_avg) != 1) snprintf(load_avg, sizeof load_avg, "?");
    fclose(la);
  }
  printf("%s; cutout with %d thread%s%s; %d rounds x %d warm passes; load average %s\n", isa,
         threads, threads > 1 ? "s" : "", threads > 1 ? " and with 1" : "", rounds, runs,
         load_avg);
  static double t[KINDS][MAX_TIMES], with_decoding[MAX_TIMES], full[MAX_TIMES];
  double load[KINDS][MAX_ROUNDS], first[KINDS][MAX_ROUNDS], init[MAX_ROUNDS];
  double full_first[MAX_ROUNDS];
  int n[KINDS] = {0}, n_dec = 0, n_full = 0, tf_threads = 0, tf_simd = 0;
  for (int r = 0; r < rounds; r++) {
    int order[KINDS] = {CT, CT1, TFJS};
    if (r % 2) order[0] = TFJS, order[2] = CT;
    for (int k = 0; k < KINDS; k++) {
      int kind = order[k], status;
      if ((kind == CT1 && threads == 1) || (kind == TFJS && !tfjs)) continue;
      char cmd[4096];
      if (kind == TFJS)
        snprintf(cmd, sizeof cmd,
                 "node '%s/bench/detector_tfjs.js' '%s' '%s' --runs %d --threads %d "
                 "--full tower_0/detections",
                 src, det, input, runs, threads);
      else
        snprintf(cmd, sizeof cmd, "'/proc/%d/exe' --worker '%s' '%s' %d %d %d", (int)getpid(),
                 det, input, runs, kind == CT ? threads : 1, profile && r == rounds - 1);
      char *out = output_of(cmd, &status);
      int at = n[kind];
      if (!out || numbers(out, "times_ms", t[kind], &n[kind]) != runs) {
        fprintf(stderr, "bench: %s failed (status %d) in round %d: %s\n", kind_name[kind], status,
                r + 1, cmd);
        free(out);
        unlink(input);
        return 1;
      }
      load[kind][r] = number(out, "load_ms");
      first[kind][r] = number(out, "first_ms");
      printf("round %d %s: load %.0f ms, first pass %.0f ms, passes", r + 1, kind_name[kind],
             load[kind][r], first[kind][r]);
      for (int i = at; i < n[kind]; i++) printf(" %.0f", t[kind][i]);
      printf(" ms");
      if (kind == CT) { /* each pass and its decoding */
        double dec[MAX_TIMES];
        int nd = 0;
        numbers(out, "decode_ms", dec, &nd);
        for (int i = 0; i < nd && n_dec < MAX_TIMES; i++) with_decoding[n_dec++] = t[CT][at + i] + dec[i];
        printf("; decoding %.2f ms", median_of(dec, nd));
      }
      if (kind == TFJS) {
        init[r] = number(out, "init_ms");
        full_first[r] = number(out, "full_first_ms");
        int f0 = n_full;
        numbers(out, "full_times_ms", full, &n_full);
        tf_threads = (int)number(out, "threads");
        tf_simd = strstr(out, "\"simd\":true") != NULL;
        printf(" (backend start %.0f ms + model %.0f ms); tower_0/detections first %.0f ms, "
               "median %.0f ms", init[r], load[kind][r], full_first[r],
               median_of(full + f0, n_full - f0));
        load[kind][r] += init[r];
      }
      printf("\n");
      fflush(stdout);
      free(out);
    }
  }
  unlink(input);
  double warm[KINDS], ld[KINDS], fp[KINDS];
  for (int k = 0; k < KINDS; k++)
    if (n[k]) {
      warm[k] = median_of(t[k], n[k]);
      ld[k] = median_of(load[k], rounds);
      fp[k] = median_of(first[k], rounds);
    }
  if (!tfjs) {
    for (int k = CT; k <= CT1; k++)
      if (n[k])
        printf("detector %dx%d %s: load %.0f ms, first pass %.0f ms, warm median %.0f ms\n", SIZE,
               SIZE, kind_name[k], ld[k], fp[k], warm[k]);
    return 0;
  }
  printf("tfjs-wasm: asked for %d thread%s, runs %d%s%s\n", threads, threads > 1 ? "s" : "",
         tf_threads, tf_simd ? ", SIMD" : ", no SIMD",
         tf_threads < threads ? " (tfjs-backend-wasm turns its threads off under node): the "
                                "1-thread lines are the like-for-like ones"
                              : "");
  char what[128];
  for (int k = CT; k <= CT1; k++) {
    if (!n[k]) continue;
    const char *tail = k == CT1 ? ", cutout 1 thread" : "";
    snprintf(what, sizeof what, "load (tfjs: backend start + model)%s", tail);
    ratio_line(what, ld[k], ld[TFJS]);
    snprintf(what, sizeof what, "first pass%s", tail);
    ratio_line(what, fp[k], fp[TFJS]);
    snprintf(what, sizeof what, "warm median%s", tail);
    ratio_line(what, warm[k], warm[TFJS]);
  }
  ratio_line("warm median with the decoding (cutout: + det_decode_centernet, tfjs: "
             "tower_0/detections, executeAsync)",
             median_of(with_decoding, n_dec), median_of(full, n_full));
  return 0;
}

/* ct_instance_masks on photo's detections with opts: the first call's time and the median of
 * rounds more into *first and *median (ms). */
static int time_masks(ct_model *model, const ct_image *photo, const ct_detection *d, int count,
                      const ct_remove_options *opts, int rounds, double *first, double *median) {
  double t[MAX_ROUNDS];
  ct_image **masks = calloc((size_t)count, sizeof *masks);
  ct_error err = {0};
  for (int r = 0; masks && r <= rounds; r++) {
    double t0 = bench_now();
    ct_status st = ct_instance_masks(model, photo, d, count, opts, masks, &err);
    double ms = (bench_now() - t0) * 1e3;
    for (int i = 0; i < count; i++) ct_image_free(masks[i]), masks[i] = NULL;
    if (st) {
      fprintf(stderr, "bench: %s\n", err.message);
      free(masks);
      return 1;
    }
    if (r) t[r - 1] = ms;
    else *first = ms;
  }
  free(masks);
  *median = bench_median(t, rounds);
  return 0;
}

/* Part 2: ct_detect and ct_instance_masks on the portraits side by side. */
static int bench_instances(const char *src, const char *det_path, const char *model_path,
                           int rounds, int runs, int threads) {
  static const char *const names[3] = {"portrait-curls", "portrait-dark-curls",
                                       "portrait-windblown"};
  char paths[3][1100];
  const char *list[3];
  int n = 0;
  for (; n < 3; n++) {
    snprintf(paths[n], sizeof paths[n], "%s/../shared/examples/%s.jpg", src, names[n]);
    if (!exists(paths[n])) break;
    list[n] = paths[n];
  }
  if (n < 3) { /* the repository's portrait, twice */
    snprintf(paths[0], sizeof paths[0], "%s/examples/portrait-curls.jpg", src);
    list[0] = list[1] = paths[0];
    n = 2;
  }
  ct_set_threads(threads);
  ct_img *photo = bench_side_by_side(list, n, HEIGHT);
  if (!photo) return 1;
  ct_error err = {0};
  ct_model *model = NULL;
  ct_detector *det = NULL;
  double t0 = bench_now();
  if (ct_model_load(model_path, &model, &err)) {
    fprintf(stderr, "bench: %s\n", err.message);
    img_free(photo);
    return 1;
  }
  double t_model = (bench_now() - t0) * 1e3;
  t0 = bench_now();
  if (ct_detector_load(det_path, &det, &err)) {
    fprintf(stderr, "bench: %s\n", err.message);
    ct_model_free(model);
    img_free(photo);
    return 1;
  }
  double t_det = (bench_now() - t0) * 1e3;
  int W = photo->width, S = HEIGHT < W ? HEIGHT : W, L = W + HEIGHT - S;
  /* ct_detect's passes over this photo: the whole of it, and square windows when it is
   * over 1.6 times as long as it is high */
  int passes = 1 + (L > 1.6 * S ? (L - S + S / 2 - 1) / (S / 2) + 1 : 0);
  printf("\ninstances: %d portraits side by side, %dx%d; %s (%.0f ms to load), %s (%.0f ms); "
         "%d thread%s\n",
         n, W, HEIGHT, model_path, t_model, det_path, t_det, threads, threads > 1 ? "s" : "");
  int person = ct_class_id("person"), count = 0, rc = 1;
  ct_detect_options dopts = {.classes = &person, .n_classes = 1};
  ct_detection *d = NULL;
  double td[MAX_TIMES], first_det = 0;
  for (int r = 0; r <= runs; r++) {
    free(d);
    d = NULL;
    t0 = bench_now();
    if (ct_detect(det, photo, &dopts, &d, &count, &err)) {
      fprintf(stderr, "bench: %s\n", err.message);
      goto done;
    }
    double ms = (bench_now() - t0) * 1e3;
    if (r) td[r - 1] = ms;
    else first_det = ms;
  }
  double det_ms = bench_median(td, runs);
  printf("instances detection: %.0f ms (first call %.0f ms; %d detector passes, %.0f ms each), "
         "%d instances\n",
         det_ms, first_det, passes, det_ms / passes, count);
  if (!count) {
    printf("instances: nothing detected, no masks to time\n");
    rc = 0;
    goto done;
  }
  ct_remove_options opts[2];
  ct_remove_options_init(&opts[0]);
  ct_remove_options_fast(&opts[1]);
  static const char *const opt_name[2] = {"default options", "fast options"};
  double per[2];
  for (int k = 0; k < 2; k++) {
    opts[k].mask_only = 1;
    double first = 0, median = 0;
    if (time_masks(model, photo, d, count, &opts[k], rounds, &first, &median)) goto done;
    per[k] = median / count;
    printf("instances masks, %s: %.0f ms in total, %.0f ms per instance (median of %d; first "
           "call %.0f ms); with the detection %.0f ms per instance\n",
           opt_name[k], median, per[k], rounds, first, (median + det_ms) / count);
    fflush(stdout);
  }
  printf("instances per instance, fast/default: ratio %.2f\n", per[1] / per[0]);
  rc = 0;
done:
  free(d);
  ct_detector_free(det);
  ct_model_free(model);
  img_free(photo);
  return rc;
}

/* path from the option, else the environment variable, else src/models/file. */
static void model_path(char *out, size_t len, const char *option, const char *env,
                       const char *src, const char *file) {
  const char *e = getenv(env);
  if (option) snprintf(out, len, "%s", option);
  else if (e && e[0]) snprintf(out, len, "%s", e);
  else snprintf(out, len, "%s/models/%s", src, file);
}

int main(int argc, char **argv) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  if (!src || !src[0]) src = ".";
  const char *photo_opt = NULL, *det_opt = NULL, *model_opt = NULL;
  int runs = 10, rounds = 3, threads = 2, tfjs = 1, instances = 1, profile = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--worker") && i + 5 < argc) {
      int r, t;
      if (!positive(argv[i + 3], &r) || r > MAX_TIMES || !positive(argv[i + 4], &t)) return 2;
      return worker(argv[i + 1], argv[i + 2], r, t, !strcmp(argv[i + 5], "1"));
    }
    int value = i + 1 < argc;
    if (!strcmp(a, "--runs") || !strcmp(a, "--rounds") || !strcmp(a, "--threads")) {
      int v;
      if (!value || !positive(argv[i + 1], &v)) {
        fprintf(stderr, "bench_detector: %s needs a positive whole number\n", a);
        return 2;
      }
      *(a[2] == 't' ? &threads : a[4] == 'n' ? &runs : &rounds) = v;
      i++;
    } else if (!strcmp(a, "--photo") && value) photo_opt = argv[++i];
    else if (!strcmp(a, "--detector") && value) det_opt = argv[++i];
    else if (!strcmp(a, "--model") && value) model_opt = argv[++i];
    else if (!strcmp(a, "--no-tfjs")) tfjs = 0;
    else if (!strcmp(a, "--no-instances")) instances = 0;
    else if (!strcmp(a, "--profile")) profile = 1;
    else {
      int known = !strcmp(a, "--photo") || !strcmp(a, "--detector") || !strcmp(a, "--model");
      fprintf(stderr, "bench_detector: %s %s; usage: bench_detector [--runs N] [--rounds R] "
              "[--threads T] [--photo P] [--detector D] [--model M] [--no-tfjs] "
              "[--no-instances] [--profile]\n", known ? "no value for" : "unknown argument", a);
      return 2;
    }
  }
  if (runs > MAX_TIMES / MAX_ROUNDS || rounds > MAX_ROUNDS) {
    fprintf(stderr, "bench_detector: --runs is at most %d, --rounds at most %d\n",
            MAX_TIMES / MAX_ROUNDS, MAX_ROUNDS);
    return 2;
  }
  char det[1024], model[1024], photo[1100];
  model_path(det, sizeof det, det_opt, "CUTOUT_DETECTOR", src, "centernet.json");
  model_path(model, sizeof model, model_opt, "CUTOUT_MODEL", src, "isnet-fp16.onnx");
  if (photo_opt) snprintf(photo, sizeof photo, "%s", photo_opt);
  else snprintf(photo, sizeof photo, "%s/examples/portrait-curls.jpg", src);
  if (!exists(photo)) {
    fprintf(stderr, "bench_detector: no photo at %s (run from the source folder, or set "
            "CUTOUT_SOURCE_DIR, or give --photo)\n", photo);
    return 2;
  }
  if ((det_opt && !exists(det)) || (model_opt && !exists(model))) {
    fprintf(stderr, "bench_detector: no such file: %s\n", det_opt && !exists(det) ? det : model);
    return 2;
  }
  if (!exists(det)) {
    printf("skipped: no detector at %s (scripts/fetch-tfjs-models.sh)\n", det);
    return 0;
  }
  if (tfjs) {
    const char *why = th_tfjs_missing(src);
    if (why) printf("tfjs side skipped: %s\n", why);
    tfjs = !why;
  }
  if (bench_graph(src, det, photo, rounds, runs, threads, tfjs, profile)) return 1;
  if (!instances) return 0;
  if (!exists(model)) {
    printf("\ninstances skipped: no model at %s (scripts/fetch-models.sh)\n", model);
    return 0;
  }
  return bench_instances(src, det, model, rounds, runs, threads);
}
