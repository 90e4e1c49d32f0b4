/* Foreground colour estimation, in one run:
 *   1. quality: synthesised composites (built-in foregrounds with hair strands on patterned
 *      backgrounds); the foreground estimated from each composite and its true alpha is
 *      composited over a second background and compared with the true composite there (mean
 *      absolute error over the soft pixels, 8-bit steps), for the paper's weights and for
 *      cutout's at several sweep counts, next to the raw pixels composited the same way; once
 *      from the clean composites, once from them with their drawn noise and JPEG
 *      re-compression (the truth stays clean);
 *   2. cost: a photo and its alpha (--photo, --alpha; by default the example photo and the
 *      model's mask of it), each way in a child process: wall time and the child's peak RSS
 *      for the tiled estimation (the default), the whole-level one (every level solved whole,
 *      as the method is usually written) and, as the floor, packing RGBA from the raw pixels
 *      (each child loads the photo and alpha: that is in every peak).
 *
 *   build/bench/bench_foreground [--count N] [--size WxH] [--photo FILE] [--alpha FILE]
 *                                [--model PATH] [--threads N] [--no-quality] [--no-cost]
 *
 * Run from the source folder (the default model is models/isnet-fp16.onnx). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cutout.h"
#include "data/synth.h"
#include "image/image.h"
#include "matte/matte.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint8_t over(int a, int f, int b) { return (uint8_t)((a * f + (255 - a) * b + 127) / 255); }

/* mean |fg over s2's background - s2's composite| over the soft pixels of s1 */
static double recomposite_error(const syn_sample *s1, const syn_sample *s2, const uint8_t *fg) {
  size_t n = (size_t)s1->alpha->width * s1->alpha->height;
  double e = 0;
  long soft = 0;
  for (size_t i = 0; i < n; i++) {
    int a = s1->alpha->data[i];
    if (a == 0 || a == 255) continue;
    soft++;
    for (int k = 0; k < 3; k++)
      e += abs(over(a, fg[i * 3 + k], s2->bg->data[i * 3 + k]) - s2->composite->data[i * 3 + k]);
  }
  return soft ? e / (3.0 * soft) : 0;
}

static void quality(int count, int w, int h, int degraded) {
  /* the paper's weights (gradient weight 1, 2 sweeps), then cutout's at several sweeps */
  const double gws[] = {1.0, 1.0, 0.3, 0.3, 0.3, 0.1};
  const int sweeps[] = {2, 4, 2, 3, 4, 3};
  const int nsw = (int)(sizeof sweeps / sizeof *sweeps);
  double sum[8] = {0}, raw = 0, secs[8] = {0};
  syn_config cfg = {.width = w, .height = h, .band = 3, .procedural_fg = 1, .procedural_bg = 1,
                    .augment = 1};
  printf("quality: %d composites of %dx%d%s, foreground from the first background, error "
         "over a second one\n(mean |error| in 8-bit steps over the soft pixels; columns: "
         "gradient weight/sweeps per level)\n",
         count, w, h, degraded ? " with their noise and JPEG degradations" : "");
  printf("%-6s %-9s %-9s %8s", "sample", "old bg", "new bg", "raw");
  for (int s = 0; s < nsw; s++) printf("  %6.1f/%-2d", gws[s], sweeps[s]);
  printf("\n");
  uint8_t *fg = malloc((size_t)w * h * 3);
  if (!fg) return;
  for (int i = 0; i < count; i++) {
    syn_params p, other;
    char err[256];
    syn_draw_params(&cfg, 21, i, &p);
    syn_draw_params(&cfg, 21, i + 1000, &other);
    if (!degraded) {
      p.noise = 0;
      p.jpeg = 0;
    }
    syn_params q = p;
    q.bg = other.bg;
    q.close_colour = 0;
    memcpy(q.colour, other.colour, sizeof q.colour);
    q.period = other.period;
    q.angle_bg = other.angle_bg;
    q.softness = other.softness;
    q.octaves = other.octaves;
    syn_sample s1, s2;
    if (syn_render(&p, NULL, NULL, &s1, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      continue;
    }
    if (syn_render(&q, NULL, NULL, &s2, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      syn_sample_free(&s1);
      continue;
    }
    double r = recomposite_error(&s1, &s2, s1.image->data);
    raw += r;
    printf("%-6d %-9s %-9s %8.2f", i, syn_bg_kind_name(p.bg), syn_bg_kind_name(q.bg), r);
    for (int s = 0; s < nsw; s++) {
      mt_fg_opts o;
      mt_fg_opts_init(&o);
      o.iterations = sweeps[s];
      o.gradient_weight = gws[s];
      double t0 = now();
      if (mt_foreground_opts(s1.image->data, s1.alpha->data, w, h, &o, fg, err,
                             sizeof err)) {
        fprintf(stderr, "%s\n", err);
        break;
      }
      secs[s] += now() - t0;
      double e = recomposite_error(&s1, &s2, fg);
      sum[s] += e;
      printf("  %9.2f", e);
    }
    printf("\n");
    syn_sample_free(&s1);
    syn_sample_free(&s2);
  }
  free(fg);
  printf("%-26s %8.2f", "mean", raw / count);
  for (int s = 0; s < nsw; s++) printf("  %9.2f", sum[s] / count);
  printf("\n%-26s %8s", "seconds per composite", "");
  for (int s = 0; s < nsw; s++) printf("  %9.3f", secs[s] / count);
  printf("\n\n");
}

typedef enum way { WAY_TILED, WAY_WHOLE, WAY_RAW, WAYS } way;
static const char *way_name[] = {"tiled (default)", "whole levels", "raw RGBA (floor)"};

static int load_pair(const char *photo_path, const char *alpha_path, ct_img **photo,
                     ct_img **alpha) {
  char err[256];
  ct_img *a3 = NULL;
  *alpha = NULL;
  if (img_load_rgb(photo_path, photo, err, sizeof err) ||
      img_load_rgb(alpha_path, &a3, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  if (a3->width != (*photo)->width || a3->height != (*photo)->height) {
    fprintf(stderr, "the alpha must be the photo's size\n");
    img_free(a3);
    return -1;
  }
  *alpha = img_new(a3->width, a3->height, 1);
  if (*alpha)
    for (size_t i = 0; i < (size_t)a3->width * a3->height; i++) (*alpha)->data[i] = a3->data[i * 3];
  img_free(a3);
  return *alpha ? 0 : -1;
}

/* The child: one way on the photo, its seconds on stdout. */
static int child(way wy, const char *photo_path, const char *alpha_path) {
  ct_img *photo = NULL, *alpha = NULL;
  if (load_pair(photo_path, alpha_path, &photo, &alpha)) return 1;
  size_t n = (size_t)photo->width * photo->height;
  uint8_t *fg = malloc(n * 3), *rgba = malloc(n * 4);
  char err[256];
  if (!fg || !rgba) return 3;
  double t0 = now();
  if (wy == WAY_RAW) {
    mt_rgba(photo->data, alpha->data, n, rgba);
  } else {
    mt_fg_opts o;
    mt_fg_opts_init(&o);
    if (wy == WAY_WHOLE) o.dense_max = (long)n;
    if (mt_foreground_opts(photo->data, alpha->data, photo->width, photo->height, &o, fg, err,
                           sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    mt_rgba(fg, alpha->data, n, rgba);
  }
  printf("  %-18s %7.3f s", way_name[wy], now() - t0);
  return 0;
}

/* Each way in a fresh process (exec'd: OpenMP does not survive a bare fork): seconds and
 * the child's peak RSS. */
static void cost(const char *photo_path, const char *alpha_path, const char *model_path,
                 int threads) {
  char tmp[64] = "", threads_arg[16];
  snprintf(threads_arg, sizeof threads_arg, "%d", threads);
  ct_img *photo = NULL, *alpha = NULL;
  if (!alpha_path) { /* the model's mask of the photo, through a temporary file */
    char err[256];
    ct_model *model = NULL;
    ct_error e;
    if (img_load_rgb(photo_path, &photo, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return;
    }
    if (ct_model_load(model_path, &model, &e) || ct_predict_mask(model, photo, &alpha, &e)) {
      fprintf(stderr, "%s\n", e.message);
      ct_model_free(model);
      img_free(photo);
      return;
    }
    ct_model_free(model);
    snprintf(tmp, sizeof tmp, "/tmp/bench-foreground-%d.png", (int)getpid());
    if (img_save(alpha, tmp, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      img_free(photo);
      img_free(alpha);
      return;
    }
    alpha_path = tmp;
    img_free(photo);
    img_free(alpha);
  }
  if (load_pair(photo_path, alpha_path, &photo, &alpha) == 0) {
    size_t n = (size_t)photo->width * photo->height;
    long soft = 0;
    for (size_t i = 0; i < n; i++) soft += alpha->data[i] > 0 && alpha->data[i] < 255;
    printf("cost: %s (%dx%d, %.1f%% soft pixels), each in its own process that loads the "
           "photo and alpha\n",
           photo_path, photo->width, photo->height, 100.0 * soft / n);
    for (int w = 0; w < WAYS; w++) {
      char way_arg[4];
      snprintf(way_arg, sizeof way_arg, "%d", w);
      fflush(stdout);
      pid_t pid = fork();
      if (pid < 0) break;
      if (pid == 0) {
        char *args[] = {"bench_foreground", "--child", way_arg, (char *)photo_path,
                        (char *)alpha_path, threads_arg, NULL};
        execv("/proc/self/exe", args);
        _exit(127);
      }
      int status;
      struct rusage ru;
      if (wait4(pid, &status, 0, &ru) < 0) break;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        printf("   peak RSS %6.0f MB\n", ru.ru_maxrss / 1024.0);
      else
        printf("  %-18s failed\n", way_name[w]);
    }
  }
  img_free(photo);
  img_free(alpha);
  if (tmp[0]) unlink(tmp);
}

int main(int argc, char **argv) {
  int count = 8, w = 640, h = 480, threads = 0, do_quality = 1, do_cost = 1;
  const char *photo = "examples/portrait-curls.jpg", *alpha = NULL;
  const char *model = "models/isnet-fp16.onnx";
  if (argc == 6 && !strcmp(argv[1], "--child")) {
    ct_set_threads(atoi(argv[5]));
    return child((way)atoi(argv[2]), argv[3], argv[4]);
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int more = i + 1 < argc;
    if (!strcmp(a, "--count") && more) count = atoi(argv[++i]);
    else if (!strcmp(a, "--size") && more) {
      if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w <= 0 || h <= 0) {
        fprintf(stderr, "--size is WxH\n");
        return 2;
      }
    } else if (!strcmp(a, "--photo") && more) photo = argv[++i];
    else if (!strcmp(a, "--alpha") && more) alpha = argv[++i];
    else if (!strcmp(a, "--model") && more) model = argv[++i];
    else if (!strcmp(a, "--threads") && more) threads = atoi(argv[++i]);
    else if (!strcmp(a, "--no-quality")) do_quality = 0;
    else if (!strcmp(a, "--no-cost")) do_cost = 0;
    else {
      fprintf(stderr, "usage: bench_foreground [--count N] [--size WxH] [--photo FILE] "
                      "[--alpha FILE] [--model PATH] [--threads N] [--no-quality] "
                      "[--no-cost]\n");
      return 2;
    }
  }
  ct_set_threads(threads);
  if (do_quality && count > 0) {
    quality(count, w, h, 0);
    quality(count, w, h, 1);
  }
  if (do_cost) cost(photo, alpha, model, threads);
  return 0;
}
