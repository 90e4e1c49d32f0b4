/* The per-channel pass against the global pass alone, in one run: synthesised composites
 * (built-in foregrounds with hair strands, fur and veils on patterned backgrounds whose
 * colours are sometimes close to the subject's, known alpha); per image and mean SAD and MSE
 * of ct_predict_mask and of ct_channel_mask against the true alpha, over the whole image and
 * over the trimap's unknown band, and the seconds each took.
 *
 *   build/bench/bench_channels [--count N] [--size WxH] [--seed S] [--model PATH]
 *
 * Run from the source folder (the default model is models/isnet-fp16.onnx). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cutout.h"
#include "data/synth.h"
#include "eval/metrics.h"
#include "image/image.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct totals {
  double sad[2], mse[2], sad_band[2], mse_band[2], sec[2];
  int n;
} totals;

static void print_row(const char *name, const double *sad, const double *mse,
                      const double *sad_band, const double *mse_band, const double *sec,
                      double k) {
  printf("%6s %9.1f %9.1f %7.4f %7.4f %9.1f %9.1f %7.4f %7.4f %6.2f %6.2f\n", name, sad[0] * k,
         sad[1] * k, mse[0] * k, mse[1] * k, sad_band[0] * k, sad_band[1] * k, mse_band[0] * k,
         mse_band[1] * k, sec[0] * k, sec[1] * k);
}

static int one_image(ct_model *model, unsigned long long seed, int w, int h, int index,
                     totals *t) {
  syn_config cfg = {.width = w, .height = h, .band = 16, .procedural_fg = 1,
                    .procedural_bg = 1, .augment = 1};
  syn_params p;
  syn_draw_params(&cfg, seed, index, &p);
  syn_sample s = {0};
  char msg[256];
  if (syn_render(&p, NULL, NULL, &s, msg, sizeof msg)) {
    fprintf(stderr, "bench_channels: cannot synthesise sample %d: %s\n", index, msg);
    return -1;
  }
  ct_image *mask[2] = {NULL, NULL};
  ct_error err = {0};
  int rc = -1;
  double sad[2], mse[2], sad_band[2], mse_band[2], sec[2];
  for (int k = 0; k < 2; k++) {
    double t0 = now();
    ct_status st = k ? ct_channel_mask(model, s.image, &mask[k], &err)
                     : ct_predict_mask(model, s.image, &mask[k], &err);
    sec[k] = now() - t0;
    if (st) {
      fprintf(stderr, "bench_channels: %s\n", err.message);
      goto done;
    }
    eval_scores all, band;
    if (eval_score_u8(mask[k]->data, s.alpha->data, NULL, w, h, &all) ||
        eval_score_u8(mask[k]->data, s.alpha->data, s.trimap->data, w, h, &band)) {
      fprintf(stderr, "bench_channels: out of memory scoring\n");
      goto done;
    }
    sad[k] = all.sad, mse[k] = all.mse, sad_band[k] = band.sad, mse_band[k] = band.mse;
    t->sad[k] += sad[k], t->mse[k] += mse[k], t->sad_band[k] += sad_band[k];
    t->mse_band[k] += mse_band[k], t->sec[k] += sec[k];
  }
  char name[16];
  snprintf(name, sizeof name, "%d", index);
  print_row(name, sad, mse, sad_band, mse_band, sec, 1.0);
  fflush(stdout);
  t->n++;
  rc = 0;
done:
  ct_image_free(mask[0]);
  ct_image_free(mask[1]);
  syn_sample_free(&s);
  return rc;
}

int main(int argc, char **argv) {
  int count = 12, w = 2000, h = 1500;
  unsigned long long seed = 20240501;
  const char *model_path = "models/isnet-fp16.onnx";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = !v;
    if (bad) {
    } else if (!strcmp(a, "--count")) count = atoi(v), i++;
    else if (!strcmp(a, "--size")) bad = sscanf(v, "%dx%d", &w, &h) != 2 || w < 1 || h < 1, i++;
    else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10), i++;
    else if (!strcmp(a, "--model")) model_path = v, i++;
    else bad = 1;
    if (bad || count < 1) {
      fprintf(stderr, "bench_channels: bad or incomplete option '%s'\n", a);
      return 2;
    }
  }
  ct_model *model;
  ct_error err;
  if (ct_model_load(model_path, &model, &err)) {
    fprintf(stderr, "bench_channels: %s\n", err.message);
    return 1;
  }
  printf("per-channel pass: %d synthesised composites of %dx%d (seed %llu)\n", count, w, h,
         seed);
  printf("%6s %9s %9s %7s %7s %9s %9s %7s %7s %6s %6s\n", "image", "SAD glob", "SAD chan",
         "MSE glo", "MSE cha", "SADb glob", "SADb chan", "MSEb gl", "MSEb ch", "glob s",
         "chan s");
  totals t = {0};
  for (int i = 0; i < count; i++) one_image(model, seed, w, h, i, &t);
  ct_model_free(model);
  if (!t.n) return 1;
  print_row("mean", t.sad, t.mse, t.sad_band, t.mse_band, t.sec, 1.0 / t.n);
  printf("channels / global: SAD %.3f, MSE %.3f; in the unknown band: SAD %.3f, MSE %.3f\n",
         t.sad[1] / t.sad[0], t.mse[1] / t.mse[0], t.sad_band[1] / t.sad_band[0],
         t.mse_band[1] / t.mse_band[0]);
  return 0;
}
