/* The tile pass against the global pass alone, in one run:
 *   1. quality: synthesised high-resolution composites (built-in foregrounds with hair
 *      strands 1-3 px wide on patterned backgrounds, known alpha); per image and mean SAD and
 *      MSE of the global mask and of the tiled mask against the true alpha, over the whole
 *      image and over the trimap's unknown band;
 *   2. cost: one photo of --big size (a synthesised one) through ct_remove: the global pass
 *      alone, with tiles, with tiles and fast matting, with tiles and full matting, each in
 *      a child process: wall time, each stage's time and the child's peak RSS.
 *
 *   build/bench/bench_tiles [--count N] [--size WxH] [--seed S] [--tile T] [--overlap O]
 *                           [--tile-scale S] [--big WxH] [--model PATH] [--threads N] [--no-quality]
 *                           [--no-cost] [--save DIR]
 *
 * --save DIR keeps each composite, its true alpha and both masks (DIR/NNNNNN-*.png) and the
 * tile pass's intermediate masks (DIR/NNNNNN/, as cutout remove --debug-dir writes them).
 *
 * Run from the source folder (the default model is models/isnet-fp16.onnx). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cutout.h"
#include "data/synth.h"
#include "eval/metrics.h"
#include "image/image.h"

typedef struct bench_opts {
  int count, width, height, big_w, big_h, tile, overlap, threads, quality, cost;
  double tile_scale; /* 0: automatic */
  unsigned long long seed;
  const char *model, *save;
} bench_opts;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int parse_size(const char *s, int *w, int *h) {
  return sscanf(s, "%dx%d", w, h) == 2 && *w > 0 && *h > 0 ? 0 : -1;
}

static int parse(int argc, char **argv, bench_opts *o) {
  *o = (bench_opts){.count = 4, .width = 4000, .height = 3000, .big_w = 6000, .big_h = 4000,
                    .seed = 20240501, .model = "models/isnet-fp16.onnx", .quality = 1,
                    .cost = 1};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0;
    if (!strcmp(a, "--no-quality")) o->quality = 0;
    else if (!strcmp(a, "--no-cost")) o->cost = 0;
    else if (!v) bad = 1;
    else if (!strcmp(a, "--count")) o->count = atoi(v), i++;
    else if (!strcmp(a, "--size")) bad = parse_size(v, &o->width, &o->height), i++;
    else if (!strcmp(a, "--big")) bad = parse_size(v, &o->big_w, &o->big_h), i++;
    else if (!strcmp(a, "--seed")) o->seed = strtoull(v, NULL, 10), i++;
    else if (!strcmp(a, "--tile")) o->tile = atoi(v), i++;
    else if (!strcmp(a, "--overlap")) o->overlap = atoi(v), i++;
    else if (!strcmp(a, "--tile-scale")) o->tile_scale = atof(v), i++;
    else if (!strcmp(a, "--threads")) o->threads = atoi(v), i++;
    else if (!strcmp(a, "--model")) o->model = v, i++;
    else if (!strcmp(a, "--save")) o->save = v, i++;
    else bad = 1;
    if (bad) {
      fprintf(stderr, "bench_tiles: bad or incomplete option '%s'\n", a);
      return -1;
    }
  }
  return o->count > 0 ? 0 : -1;
}

static int render(const bench_opts *o, int w, int h, int index, syn_sample *s) {
  syn_config cfg = {.width = w, .height = h, .band = 16, .procedural_fg = 1,
                    .procedural_bg = 1, .augment = 1};
  syn_params p;
  syn_draw_params(&cfg, o->seed, index, &p);
  char err[256];
  if (syn_render(&p, NULL, NULL, s, err, sizeof err)) {
    fprintf(stderr, "bench_tiles: cannot synthesise sample %d: %s\n", index, err);
    return -1;
  }
  return 0;
}

static void save(const bench_opts *o, const ct_image *im, int index, const char *what) {
  if (!o->save) return;
  char path[4096];
  ct_error err;
  snprintf(path, sizeof path, "%s/%06d-%s.png", o->save, index, what);
  if (ct_image_save(im, path, &err)) fprintf(stderr, "bench_tiles: %s\n", err.message);
}

typedef struct quality_sum {
  double sad[2], mse[2], sad_band[2], mse_band[2], sec[2];
  int tiles_run, tiles_total;
} quality_sum;

static int one_image(const bench_opts *o, ct_model *model, int index, quality_sum *sum) {
  syn_sample s = {0};
  if (render(o, o->width, o->height, index, &s)) return -1;
  ct_remove_options opts;
  ct_remove_options_fast(&opts); /* (only its tile fields are used: ct_tiled_mask) */
  opts.tile_size = o->tile;
  opts.tile_overlap = o->overlap;
  opts.tile_scale = o->tile_scale;
  char debug[4096];
  if (o->save) {
    snprintf(debug, sizeof debug, "%s/%06d", o->save, index);
    mkdir(debug, 0777);
    opts.debug_dir = debug;
  }
  ct_image *global = NULL, *tiled = NULL;
  ct_error err;
  int run = 0, total = 0, rc = -1;
  double t0 = now();
  if (ct_predict_mask(model, s.image, &global, &err)) goto done;
  double t1 = now();
  if (ct_tiled_mask(model, s.image, global, &opts, &tiled, &run, &err)) goto done;
  double t2 = now();
  ct_tile_count(model, o->width, o->height, &opts, &total, &err);
  eval_scores g_all, t_all, g_band, t_band;
  const uint8_t *gt = s.alpha->data;
  if (eval_score_u8(global->data, gt, NULL, o->width, o->height, &g_all) ||
      eval_score_u8(tiled->data, gt, NULL, o->width, o->height, &t_all) ||
      eval_score_u8(global->data, gt, s.trimap->data, o->width, o->height, &g_band) ||
      eval_score_u8(tiled->data, gt, s.trimap->data, o->width, o->height, &t_band)) {
    fprintf(stderr, "bench_tiles: out of memory scoring\n");
    goto done;
  }
  printf("%6d %9.1f %9.1f %7.4f %7.4f %9.1f %9.1f %7.4f %7.4f %5d/%-3d %6.2f %6.2f\n", index,
         g_all.sad, t_all.sad, g_all.mse, t_all.mse, g_band.sad, t_band.sad, g_band.mse,
         t_band.mse, run, total, t1 - t0, t2 - t1);
  fflush(stdout);
  sum->sad[0] += g_all.sad, sum->sad[1] += t_all.sad;
  sum->mse[0] += g_all.mse, sum->mse[1] += t_all.mse;
  sum->sad_band[0] += g_band.sad, sum->sad_band[1] += t_band.sad;
  sum->mse_band[0] += g_band.mse, sum->mse_band[1] += t_band.mse;
  sum->sec[0] += t1 - t0, sum->sec[1] += t2 - t1;
  sum->tiles_run += run, sum->tiles_total += total;
  save(o, s.image, index, "image");
  save(o, s.alpha, index, "alpha");
  save(o, global, index, "global");
  save(o, tiled, index, "tiled");
  rc = 0;
done:
  if (rc && err.message[0]) fprintf(stderr, "bench_tiles: %s\n", err.message);
  ct_image_free(global);
  ct_image_free(tiled);
  syn_sample_free(&s);
  return rc;
}

static int quality(const bench_opts *o) {
  ct_model *model;
  ct_error err;
  if (ct_model_load(o->model, &model, &err)) {
    fprintf(stderr, "bench_tiles: %s\n", err.message);
    return -1;
  }
  printf("quality: %d synthesised composites of %dx%d (seed %llu), tile %d, overlap %d, "
         "tile scale %g (0: automatic)\n",
         o->count, o->width, o->height, o->seed, o->tile, o->overlap, o->tile_scale);
  printf("%6s %9s %9s %7s %7s %9s %9s %7s %7s %9s %6s %6s\n", "image", "SAD glob", "SAD tile",
         "MSE glo", "MSE til", "SADb glob", "SADb tile", "MSEb gl", "MSEb ti", "tiles",
         "glob s", "tile s");
  quality_sum sum = {0};
  int n = 0;
  for (int i = 0; i < o->count; i++) n += one_image(o, model, i, &sum) == 0;
  ct_model_free(model);
  if (!n) return -1;
  printf("%6s %9.1f %9.1f %7.4f %7.4f %9.1f %9.1f %7.4f %7.4f %5d/%-3d %6.2f %6.2f\n", "mean",
         sum.sad[0] / n, sum.sad[1] / n, sum.mse[0] / n, sum.mse[1] / n, sum.sad_band[0] / n,
         sum.sad_band[1] / n, sum.mse_band[0] / n, sum.mse_band[1] / n, sum.tiles_run,
         sum.tiles_total, sum.sec[0] / n, sum.sec[1] / n);
  printf("tiled / global: SAD %.3f, MSE %.3f; in the unknown band: SAD %.3f, MSE %.3f\n",
         sum.sad[1] / sum.sad[0], sum.mse[1] / sum.mse[0], sum.sad_band[1] / sum.sad_band[0],
         sum.mse_band[1] / sum.mse_band[0]);
  return 0;
}

/* The configurations the cost part compares: ct_remove as `cutout remove` runs it (with the
 * foreground colours and the RGBA result), adding one stage at a time. */
static const struct {
  const char *name;
  int tiles;
  ct_matting matting;
  ct_framing framing;
} configs[] = {
    {"global pass", 0, CT_MATTING_OFF, CT_FRAMING_STRETCH},
    {"+ tiles", 1, CT_MATTING_OFF, CT_FRAMING_STRETCH},
    {"+ tiles + fast matting", 1, CT_MATTING_FAST, CT_FRAMING_STRETCH},
    {"+ tiles + full matting", 1, CT_MATTING_FULL, CT_FRAMING_STRETCH},
    {"default pipeline", CT_TILES_AUTO, CT_MATTING_FULL, CT_FRAMING_AUTO},
};
#define CONFIGS ((int)(sizeof configs / sizeof *configs))

/* The child's job (this program run again with --child, so that it starts with fresh
 * threads): the photo through ct_remove in configuration c; prints the seconds taken, the
 * tiles run and the seconds of each stage. */
static int child(const bench_opts *o, const char *photo_path, int c) {
  ct_model *model = NULL;
  ct_image *photo = NULL, *cut = NULL;
  ct_error err;
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  ct_remove_stats st = {0};
  opts.tile_size = o->tile;
  opts.tile_overlap = o->overlap;
  opts.tile_scale = o->tile_scale;
  opts.tiles = configs[c].tiles;
  opts.matting = configs[c].matting;
  opts.framing = configs[c].framing;
  opts.stats = &st;
  int rc = 1;
  if (!ct_model_load(o->model, &model, &err) && !ct_image_load(photo_path, &photo, &err)) {
    double t0 = now();
    if (!ct_remove(model, photo, &opts, &cut, &err)) {
      printf("%f %d %f %f %f %f\n", now() - t0, st.tiles_run, st.global_s, st.tiles_s,
             st.matting_s, st.composite_s);
      rc = 0;
    }
  }
  if (rc) fprintf(stderr, "bench_tiles: %s\n", err.message);
  ct_image_free(cut);
  ct_image_free(photo);
  ct_model_free(model);
  return rc;
}

typedef struct cost_result {
  double sec, stage[4]; /* total; global, tiles, matting, composite */
  long rss_kb;
  int run;
} cost_result;

/* Runs the child job; its figures come back through a pipe, its peak RSS through wait4. */
static int cost_run(const bench_opts *o, char **argv, const char *photo_path, int c,
                    cost_result *r) {
  int fd[2];
  if (pipe(fd)) return -1;
  char conf[16], tile[16], overlap[16], threads[16], scale[32];
  snprintf(conf, sizeof conf, "%d", c);
  snprintf(tile, sizeof tile, "%d", o->tile);
  snprintf(overlap, sizeof overlap, "%d", o->overlap);
  snprintf(threads, sizeof threads, "%d", o->threads);
  snprintf(scale, sizeof scale, "%.17g", o->tile_scale);
  char *args[] = {argv[0], "--child", (char *)photo_path, conf, "--tile", tile,
                  "--overlap", overlap, "--tile-scale", scale, "--threads", threads,
                  "--model", (char *)o->model, NULL};
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execv("/proc/self/exe", args);
    _exit(127);
  }
  close(fd[1]);
  char buf[256] = {0};
  ssize_t got = read(fd[0], buf, sizeof buf - 1);
  close(fd[0]);
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0 || got <= 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) ||
      sscanf(buf, "%lf %d %lf %lf %lf %lf", &r->sec, &r->run, &r->stage[0], &r->stage[1],
             &r->stage[2], &r->stage[3]) != 6)
    return -1;
  r->rss_kb = ru.ru_maxrss;
  return 0;
}

static int cost(const bench_opts *o, char **argv) {
  syn_sample s = {0};
  if (render(o, o->big_w, o->big_h, 1000, &s)) return -1;
  char path[] = "/tmp/bench_tiles_XXXXXX.png";
  int fd = mkstemps(path, 4);
  if (fd < 0) return -1;
  close(fd);
  ct_error err;
  int bad = ct_image_save(s.image, path, &err) != CT_OK;
  syn_sample_free(&s);
  if (bad) {
    fprintf(stderr, "bench_tiles: %s\n", err.message);
    unlink(path);
    return -1;
  }
  printf("cost: one %dx%d photo through ct_remove, RGBA with foreground colours (decode and "
         "model load excluded)\n", o->big_w, o->big_h);
  printf("  %-24s %7s %9s   %7s %7s %7s %7s\n", "", "total s", "peak RSS", "global", "tiles",
         "matting", "colours");
  cost_result r[CONFIGS];
  int rc = 0;
  for (int c = 0; c < CONFIGS && !rc; c++) {
    if (cost_run(o, argv, path, c, &r[c])) {
      fprintf(stderr, "bench_tiles: configuration '%s' failed\n", configs[c].name);
      rc = -1;
      break;
    }
    printf("  %-24s %7.2f %6.0f MB   %7.2f %7.2f %7.2f %7.2f", configs[c].name, r[c].sec,
           r[c].rss_kb / 1024.0, r[c].stage[0], r[c].stage[1], r[c].stage[2], r[c].stage[3]);
    if (configs[c].tiles) printf("   (%d tiles)", r[c].run); /* (automatic: 0 if none ran) */
    printf("\n");
    fflush(stdout);
  }
  unlink(path);
  if (rc) return -1;
  printf("  tiles / global: time %.2f, peak RSS %.2f; the tile pass alone %.2f s, %+.0f MB\n",
         r[1].sec / r[0].sec, (double)r[1].rss_kb / r[0].rss_kb, r[1].stage[1],
         (r[1].rss_kb - r[0].rss_kb) / 1024.0);
  return 0;
}

int main(int argc, char **argv) {
  bench_opts o;
  if (argc >= 4 && !strcmp(argv[1], "--child")) {
    if (parse(argc - 3, argv + 3, &o)) return 2;
    ct_set_threads(o.threads);
    int c = atoi(argv[3]);
    return c >= 0 && c < CONFIGS ? child(&o, argv[2], c) : 2;
  }
  if (parse(argc, argv, &o)) return 2;
  if (o.save) mkdir(o.save, 0777);
  ct_set_threads(o.threads);
  int rc = 0;
  if (o.quality && quality(&o)) rc = 1;
  if (o.cost && cost(&o, argv)) rc = 1;
  return rc;
}
