/* mt_solve: the alpha solvers run tile by tile over the trimap's unknown band. The photo is
 * cut into tile x tile cores; a core with unknown pixels is solved inside a region that
 * extends it by a margin of context, reading the starting alpha from a copy made before any
 * tile ran (so the result does not depend on the order the threads take the tiles) and
 * writing only its core. Memory: that copy plus one region's planes per thread. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matte/matte.h"
#include "matte/solve_tile.h"

/* Closed-form tiles: cores of 512 with 32 px of context each side. Against 256 and 48 (the
 * previous default), on 2000x1500 composites (tests/matte's strands, data/synth's sample 0;
 * IC(0), eps 1e-7, tol 1e-4, 2 threads): 0.75 s and 5.1 s against 0.92 s and 5.9 s, and the
 * result nearer to one whole-photo solve on the second (mean |diff| 5.5 against 14.4 /255).
 * A region is at most 576^2 pixels: ~85 MB per thread when all of it is unknown (38 bytes
 * a pixel, 128 an unknown, 80 a window), whatever the photo's size. Starting the tiles
 * from a solve of the photo at half resolution (recursively) moved the result little
 * (mean |diff| to one whole solve 7.0 -> 6.4, 5.5 -> 4.6 /255) for up to 25% more time. */
#define CF_MARGIN 32
/* With the non-local flow, whose neighbours lie up to 30 px away (knn_flow.c). */
#define CF_MARGIN_FLOW 48
#define CF_TILE 512
/* Photos over CF_BIG_PIXELS take cores of 256 (by default): the unknowns of a tile cost more
 * each the bigger the tile (more CG iterations, a working set further beyond the caches).
 * Full matting of a 6000x4000 composite (1.84 million unknowns, its tile pass's mask as the
 * start, 2 threads): 8.4 s of CPU with 512, 6.5-6.9 s with 256, 7.1 s with 192 and 8.3 s
 * with 128; band SAD 177.5, 178.5, 178.9, 180.6 (/1000). The first 20 photos of the
 * benchmark set (1536x2048): 1.20 s against 0.95 s a photo, SAD 69.33 against 69.67. On
 * bench/matting's 800x560 composites 256 cost 7% of SAD (4.82 -> 5.17, from the mask) for
 * 0.08 s, so small photos keep 512. */
#define CF_TILE_BIG 256
#define CF_BIG_PIXELS (4 * 1000 * 1000)

/* eps 2e-7, tol 5e-4 with IC(0) (closed_form.c): on five 1000x750 composites (tests/matte's
 * strands and data/synth's samples 0-3, 2 threads) band SAD 0.293x the guess's in 2.15 s,
 * against 0.305x in 5.11 s with plain CG and tiles of 256 (the previous solver); tol 2e-4
 * 0.304x, 1e-4 0.298x in 3.5 s: solving further moves alpha away from the guess, which
 * helps fine strands and hurts elsewhere. Converged (tol 1e-5; 400x300 and 480x360), eps
 * 5e-8 .. 1e-5 gave 0.143, 0.145 (1e-7), 0.149 (2e-7), 0.159 (5e-7), 0.172 (1e-6), 0.266x.
 * bench/matting's composites (800x560, from a network-like mask, plain CG) gave SAD 5.08
 * and 0.44 s with 2e-7 and 5e-4, against 6.40 and 0.30 s with 1e-6 and 1e-3, 5.20 with 3e-7
 * and 3e-4, 5.97 with 1e-6 and 1e-4; OpenCV's alphamat 5.47 in 11.3 s. */
void mt_solve_opts_init(mt_solve_opts *o) {
  memset(o, 0, sizeof *o);
  o->eps = 2e-7;
  o->tol = 5e-4;
  o->max_iter = 500;
  o->tile = 0; /* CF_TILE, or CF_TILE_BIG for photos over CF_BIG_PIXELS */
}

/* The fast mode's filter radius and regulariser: 1/64 of the photo's larger side, at least
 * 8 px, and 1e-4. On synthesised 480x360 composites (tests/matte/test_closed_form.c) radii of
 * 8-16 px cut the band's SAD to 0.73-0.78 of the guess's, 3-4 px only to 0.87. */
static int guided_radius(int width, int height) {
  int big = width > height ? width : height;
  return big / 64 < 8 ? 8 : big / 64;
}
#define GUIDED_EPS 1e-4

/* The unknown pixels of a core. */
static long core_unknown(const uint8_t *trimap, int width, int x, int y, int w, int h) {
  long n = 0;
  for (int yy = y; yy < y + h; yy++) {
    const uint8_t *row = trimap + (size_t)yy * width + x;
    for (int xx = 0; xx < w; xx++) n += row[xx] != 0 && row[xx] != 255;
  }
  return n;
}

typedef struct core {
  int id;     /* j * tx + i */
  long count; /* its unknown pixels */
} core;

/* The biggest cores first, so that no large one is left to run alone at the end. */
static int by_count(const void *a, const void *b) {
  long x = ((const core *)a)->count, y = ((const core *)b)->count;
  return x < y ? 1 : x > y ? -1 : ((const core *)a)->id - ((const core *)b)->id;
}

int mt_solve(mt_mode mode, const uint8_t *rgb, int width, int height, const uint8_t *trimap,
             const mt_solve_opts *o, uint8_t *alpha, mt_solve_stats *stats, char *err,
             size_t errlen) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (stats) memset(stats, 0, sizeof *stats);
  mt_solve_opts defaults;
  if (!o) {
    mt_solve_opts_init(&defaults);
    o = &defaults;
  }
  if (!rgb || !trimap || !alpha) return mt_fail(err, errlen, "missing argument");
  if (width <= 0 || height <= 0) return mt_fail(err, errlen, "bad image size");
  /* w*h*3 must fit a size_t; beyond 2^32 pixels (65536 squared) no photo is meant */
  if ((size_t)width > SIZE_MAX / 3 / (size_t)height ||
      (uint64_t)width * (uint64_t)height > (uint64_t)1 << 32)
    return mt_fail(err, errlen, "image too large");
  if (mode != MT_MATTING_OFF && mode != MT_MATTING_FAST && mode != MT_MATTING_FULL)
    return mt_fail(err, errlen, "unknown matting mode");
  if (!(o->eps > 0) || !(o->tol > 0) || !(o->flow >= 0) || o->max_iter < 1 || o->tile < 0 ||
      o->threads < 0)
    return mt_fail(err, errlen, "bad solver options");
  if (mode == MT_MATTING_OFF) return 0; /* alpha as it came */
  const size_t n = (size_t)width * height;
  for (size_t i = 0; i < n; i++)
    if (trimap[i] == 0 || trimap[i] == 255) alpha[i] = trimap[i];

  /* a region (tile plus margins) is indexed with int in the tile solvers */
  int T = o->tile                               ? o->tile
          : mode == MT_MATTING_FULL && n > CF_BIG_PIXELS ? CF_TILE_BIG
                                                         : CF_TILE;
  T = T < 16 ? 16 : T > 8192 ? 8192 : T;
  int margin = mode != MT_MATTING_FULL ? 2 * guided_radius(width, height)
               : o->flow > 0                 ? CF_MARGIN_FLOW
                                             : CF_MARGIN;
  int tx = (width + T - 1) / T, ty = (height + T - 1) / T;
  core *list = malloc(sizeof *list * (size_t)tx * ty);
  uint8_t *guess = malloc(n);
  if (!list || !guess) {
    free(list);
    free(guess);
    return mt_nomem(err, errlen);
  }
  memcpy(guess, alpha, n);
  int nt = 0;
  for (int j = 0; j < ty; j++)
    for (int i = 0; i < tx; i++) {
      int cw = width - i * T < T ? width - i * T : T, ch = height - j * T < T ? height - j * T : T;
      long count = core_unknown(trimap, width, i * T, j * T, cw, ch);
      if (count) list[nt++] = (core){j * tx + i, count};
    }
  qsort(list, (size_t)nt, sizeof *list, by_count);
  long unknown = 0;
  int most_iter = 0, failed = 0;
  double worst = 0;
  int threads = o->threads ? o->threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic) num_threads(threads) \
    reduction(+ : unknown, failed) reduction(max : most_iter, worst)
  for (int k = 0; k < nt; k++) {
    int i = list[k].id % tx, j = list[k].id / tx;
    mt_tile t = {rgb, trimap, guess, width, height, 0, 0, 0, 0, i * T, j * T, 0, 0};
    t.cw = width - t.cx < T ? width - t.cx : T;
    t.ch = height - t.cy < T ? height - t.cy : T;
    t.rx = t.cx - margin < 0 ? 0 : t.cx - margin;
    t.ry = t.cy - margin < 0 ? 0 : t.cy - margin;
    int rx1 = t.cx + t.cw + margin > width ? width : t.cx + t.cw + margin;
    int ry1 = t.cy + t.ch + margin > height ? height : t.cy + t.ch + margin;
    t.rw = rx1 - t.rx, t.rh = ry1 - t.ry;
    mt_tile_result res;
    int rc = mode == MT_MATTING_FULL
                 ? mt_closed_form_tile(&t, o->eps, o->tol, o->max_iter, o->flow, alpha, &res)
                 : mt_guided_tile(&t, guided_radius(width, height), GUIDED_EPS, alpha, &res);
    if (rc) {
      failed++;
      continue;
    }
    unknown += res.unknown;
    most_iter = res.iterations > most_iter ? res.iterations : most_iter;
    worst = res.residual > worst ? res.residual : worst;
  }
  free(list);
  free(guess);
  if (failed) return mt_nomem(err, errlen);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (stats) {
    stats->unknown = unknown;
    stats->tiles = nt;
    stats->iterations = most_iter;
    stats->residual = worst;
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  }
  return 0;
}
