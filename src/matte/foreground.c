/* Foreground colour of semi-transparent pixels: multi-level foreground estimation (Germer,
 * Uelwer, Conrad, Harmeling 2020, "Fast Multi-Level Foreground Estimation").
 *
 * For each pixel with alpha a and colour I, the foreground F and background B minimise
 *   |a F + (1 - a) B - I|^2 + sum over the 4 neighbours j of w_j (|F - F_j|^2 + |B - B_j|^2),
 *   w_j = regularization + |a - a_j|,
 * so colours are smooth where alpha is flat and free to change across alpha edges. One update
 * solves that pixel's 2x2 system with its neighbours held; the updates run as red-black
 * Gauss-Seidel sweeps on a pyramid from 1x1 to the photo's size (each level the photo and
 * alpha sampled at nearest pixels, started from the coarser level's colours), a few sweeps
 * per level. Levels up to dense_max pixels are solved whole. On the finer levels only tiles
 * near soft or changing alpha are solved, each with a halo around it; elsewhere the colours
 * are known (F = I where a = 1, B = I where a = 0) or smooth (taken from the last whole
 * level), so memory follows the soft band rather than the photo. The finest level goes
 * straight to the 8-bit output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matte/matte.h"

#define MARGIN 2      /* a tile is solved when soft or changing alpha lies this close */
#define SMALL_SIDE 32 /* levels whose shorter side is at most this get SMALL_ITER sweeps */
#define SMALL_ITER 10

static const float INV255 = 1.0f / 255.0f;

void mt_fg_opts_init(mt_fg_opts *o) {
  o->regularization = 1e-5;
  o->gradient_weight = 0.3;
  o->iterations = 3;
  o->dense_max = 1L << 20;
  o->tile = 64;
}

/* A rectangle of one level being solved: colours and alpha as 8-bit, F and B as floats. */
typedef struct region {
  int w, h;
  const uint8_t *rgb; /* w*h*3 */
  const uint8_t *a;   /* w*h */
  float *fb;          /* w*h*6: F (3) then B (3), in [0, 1] */
  int held[4];        /* 1: the left, right, top, bottom border is held (not updated) */
  float eps, gw;      /* smoothness weight: eps + gw * |alpha difference| */
} region;

static inline float clamp01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

static inline void update(const region *r, int x, int y) {
  const int w = r->w;
  size_t i = (size_t)y * w + x;
  size_t nb[4] = {x > 0 ? i - 1 : i, x + 1 < w ? i + 1 : i, y > 0 ? i - w : i,
                  y + 1 < r->h ? i + w : i};
  float a0 = r->a[i] * INV255, a1 = 1.0f - a0;
  float bf[3], bb[3], s = 0;
  for (int k = 0; k < 3; k++) {
    float c = r->rgb[i * 3 + k] * INV255;
    bf[k] = a0 * c;
    bb[k] = a1 * c;
  }
  for (int d = 0; d < 4; d++) {
    size_t j = nb[d];
    float da = r->eps + r->gw * fabsf(a0 - r->a[j] * INV255);
    const float *q = r->fb + j * 6;
    s += da;
    for (int k = 0; k < 3; k++) {
      bf[k] += da * q[k];
      bb[k] += da * q[3 + k];
    }
  }
  float a00 = a0 * a0 + s, a11 = a1 * a1 + s, a01 = a0 * a1;
  float inv = 1.0f / (a00 * a11 - a01 * a01); /* = 1 / (s (a0^2 + a1^2) + s^2), s > 0 */
  float *p = r->fb + i * 6;
  for (int k = 0; k < 3; k++) {
    p[k] = clamp01(inv * (a11 * bf[k] - a01 * bb[k]));
    p[3 + k] = clamp01(inv * (a00 * bb[k] - a01 * bf[k]));
  }
}

static inline void sweep_row(const region *r, int parity, int y) {
  int xa = r->held[0], xb = r->w - r->held[1];
  for (int x = xa + ((xa + y + parity) & 1); x < xb; x += 2) update(r, x, y);
}

/* iterations red-black sweeps (red pixels read only black ones and the reverse, so the rows
 * of one colour may run in parallel). */
static void solve(const region *r, int iterations, int parallel) {
  int ya = r->held[2], yb = r->h - r->held[3];
  for (int it = 0; it < iterations; it++)
    for (int parity = 0; parity < 2; parity++) {
      if (parallel) {
#pragma omp parallel for schedule(static)
        for (int y = ya; y < yb; y++) sweep_row(r, parity, y);
      } else {
        for (int y = ya; y < yb; y++) sweep_row(r, parity, y);
      }
    }
}

/* floor((x + 0.5) * to / from): nearest sample of coordinate x of a side of from pixels in
 * a side of to pixels. */
static inline int nearest(int x, int from, int to) {
  return (int)(((2 * (int64_t)x + 1) * to) / (2 * (int64_t)from));
}

typedef struct level {
  int w, h, iterations;
  int *xs, *ys; /* full-resolution column of each column, row of each row */
} level;

typedef struct dense {
  int w, h;
  uint8_t *rgb, *a;
  float *fb;
} dense;

typedef struct sparse {
  int w, h, tw, th, T;
  float **tiles; /* tw*th; T*T*6 floats each, NULL where the tile was not solved */
  const int *xs, *ys;
} sparse;

typedef struct job {
  const uint8_t *rgb, *alpha;
  int w0, h0;
  float eps, gw;
  int T;
  const dense *whole;  /* the last level solved whole */
  const sparse *prev;  /* the previous level when it was tiled, else NULL (whole is it) */
} job;

static void dense_free(dense *d) {
  free(d->rgb);
  free(d->a);
  free(d->fb);
  memset(d, 0, sizeof *d);
}

static void sparse_free(sparse *s) {
  if (s->tiles)
    for (int t = 0; t < s->tw * s->th; t++) free(s->tiles[t]);
  free(s->tiles);
  memset(s, 0, sizeof *s);
}

/* F and B of pixel (px, py) of the previous level. */
static void prev_colours(const job *j, int px, int py, float out[6]) {
  const dense *d = j->whole;
  const sparse *s = j->prev;
  if (!s) {
    memcpy(out, d->fb + ((size_t)py * d->w + px) * 6, 6 * sizeof(float));
    return;
  }
  int T = s->T;
  const float *tile = s->tiles[(py / T) * s->tw + px / T];
  if (tile) {
    memcpy(out, tile + ((size_t)(py % T) * T + px % T) * 6, 6 * sizeof(float));
    return;
  }
  /* not solved there: alpha is 0 or 255 all around */
  size_t at = (size_t)s->ys[py] * j->w0 + s->xs[px];
  uint8_t a = j->alpha[at];
  const float *q = d->fb + ((size_t)nearest(py, s->h, d->h) * d->w + nearest(px, s->w, d->w)) * 6;
  for (int k = 0; k < 3; k++) {
    float c = j->rgb[at * 3 + k] * INV255;
    out[k] = a == 255 ? c : q[k];
    out[3 + k] = a == 0 ? c : q[3 + k];
  }
}

static inline uint8_t to_u8(float v) { return (uint8_t)(clamp01(v) * 255.0f + 0.5f); }

/* The output colour of a pixel of alpha a8, photo colour I and solved colours fb. */
static inline void out_fg(uint8_t a8, const uint8_t *I, const float *fb, uint8_t *o) {
  if (a8 == 255)
    memcpy(o, I, 3);
  else
    for (int k = 0; k < 3; k++) o[k] = to_u8(fb[k]);
}

/* Alpha-weighted mean colours of the photo (F) and of its background (B), from at most about
 * a million samples. */
static void mean_colours(const uint8_t *rgb, const uint8_t *alpha, size_t n, float out[6]) {
  size_t step = n / (1u << 20) + 1;
  double s[8] = {0};
  for (size_t i = 0; i < n; i += step) {
    double a = alpha[i] / 255.0;
    for (int k = 0; k < 3; k++) {
      s[k] += a * rgb[i * 3 + k];
      s[3 + k] += (1 - a) * rgb[i * 3 + k];
    }
    s[6] += a;
    s[7] += 1 - a;
  }
  for (int k = 0; k < 3; k++) {
    double all = (s[k] + s[3 + k]) / (s[6] + s[7]);
    out[k] = (float)((s[6] > 0 ? s[k] / s[6] : all) / 255.0);
    out[3 + k] = (float)((s[7] > 0 ? s[3 + k] / s[7] : all) / 255.0);
  }
}

/* Level l of n (n halvings from the photo's size down to 1 pixel on the longer side). */
static int level_make(int w0, int h0, int n, int l, int iterations, level *lv) {
  double s = ldexp(1.0, l - n);
  lv->w = (int)lround(w0 * s);
  lv->h = (int)lround(h0 * s);
  lv->w = lv->w < 1 ? 1 : lv->w > w0 ? w0 : lv->w;
  lv->h = lv->h < 1 ? 1 : lv->h > h0 ? h0 : lv->h;
  lv->iterations = (lv->w < lv->h ? lv->w : lv->h) <= SMALL_SIDE ? SMALL_ITER : iterations;
  lv->xs = malloc(sizeof(int) * lv->w);
  lv->ys = malloc(sizeof(int) * lv->h);
  if (!lv->xs || !lv->ys) return -1;
  for (int x = 0; x < lv->w; x++) lv->xs[x] = nearest(x, lv->w, w0);
  for (int y = 0; y < lv->h; y++) lv->ys[y] = nearest(y, lv->h, h0);
  return 0;
}

static void level_free(level *lv) {
  free(lv->xs);
  free(lv->ys);
  lv->xs = lv->ys = NULL;
}

/* A whole level: sampled from the photo, started from prev (or init when prev is empty),
 * solved. */
static int dense_level(const job *j, const level *lv, const dense *prev, const float init[6],
                       dense *d) {
  size_t n = (size_t)lv->w * lv->h;
  d->w = lv->w;
  d->h = lv->h;
  d->rgb = malloc(n * 3);
  d->a = malloc(n);
  d->fb = malloc(n * 6 * sizeof(float));
  if (!d->rgb || !d->a || !d->fb) return -1;
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int y = 0; y < lv->h; y++) {
    int py = prev->fb ? nearest(y, lv->h, prev->h) : 0;
    for (int x = 0; x < lv->w; x++) {
      size_t i = (size_t)y * lv->w + x, at = (size_t)lv->ys[y] * j->w0 + lv->xs[x];
      memcpy(d->rgb + i * 3, j->rgb + at * 3, 3);
      d->a[i] = j->alpha[at];
      const float *src =
          prev->fb ? prev->fb + ((size_t)py * prev->w + nearest(x, lv->w, prev->w)) * 6 : init;
      memcpy(d->fb + i * 6, src, 6 * sizeof(float));
    }
  }
  region r = {lv->w, lv->h, d->rgb, d->a, d->fb, {0, 0, 0, 0}, j->eps, j->gw};
  solve(&r, lv->iterations, n > 16384);
  return 0;
}

/* 1 when the tile (tx, ty) of the level, widened by MARGIN, holds alpha strictly between 0
 * and 255 or two neighbours of different alpha. */
static int tile_active(const job *j, const level *lv, int tx, int ty) {
  int T = j->T;
  int x0 = tx * T - MARGIN, x1 = tx * T + T + MARGIN, y0 = ty * T - MARGIN,
      y1 = ty * T + T + MARGIN;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > lv->w) x1 = lv->w;
  if (y1 > lv->h) y1 = lv->h;
  const uint8_t *first = j->alpha + (size_t)lv->ys[y0] * j->w0 + lv->xs[x0];
  uint8_t a0 = *first;
  if (a0 != 0 && a0 != 255) return 1;
  for (int y = y0; y < y1; y++) {
    const uint8_t *row = j->alpha + (size_t)lv->ys[y] * j->w0;
    for (int x = x0; x < x1; x++)
      if (row[lv->xs[x]] != a0) return 1;
  }
  return 0;
}

/* Writes the 8-bit foreground of pixels [x0, x1) x [y0, y1) of the finest level from the
 * previous level's colours (tiles not solved). */
static void write_unsolved(const job *j, const level *prev_lv, int x0, int x1, int y0, int y1,
                           uint8_t *fg) {
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      size_t i = (size_t)y * j->w0 + x;
      if (j->alpha[i] == 255) {
        memcpy(fg + i * 3, j->rgb + i * 3, 3);
        continue;
      }
      float c[6];
      prev_colours(j, nearest(x, j->w0, prev_lv->w), nearest(y, j->h0, prev_lv->h), c);
      for (int k = 0; k < 3; k++) fg[i * 3 + k] = to_u8(c[k]);
    }
}

/* Solves tile t of a tiled level; on the finest level (fg != NULL) writes the output, else
 * keeps the tile's colours in cur. Returns -1 when out of memory. */
static int tiled_tile(const job *j, const level *lv, const level *prev_lv, int t, sparse *cur,
                      uint8_t *fg) {
  int T = j->T, tx = t % cur->tw, ty = t / cur->tw;
  int ix0 = tx * T, iy0 = ty * T;
  int ix1 = ix0 + T < lv->w ? ix0 + T : lv->w, iy1 = iy0 + T < lv->h ? iy0 + T : lv->h;
  if (!tile_active(j, lv, tx, ty)) {
    if (fg) write_unsolved(j, prev_lv, ix0, ix1, iy0, iy1, fg);
    return 0;
  }
  /* each red-black sweep carries the held ring's influence 2 pixels inward: with a halo of
   * 2 per sweep the tile comes out as it would from solving the whole level */
  int halo = 2 * lv->iterations;
  int rx0 = ix0 - halo < 0 ? 0 : ix0 - halo, ry0 = iy0 - halo < 0 ? 0 : iy0 - halo;
  int rx1 = ix1 + halo > lv->w ? lv->w : ix1 + halo, ry1 = iy1 + halo > lv->h ? lv->h : iy1 + halo;
  int rw = rx1 - rx0, rh = ry1 - ry0;
  size_t n = (size_t)rw * rh;
  uint8_t *rgb = malloc(n * 4);
  float *fb = malloc(n * 6 * sizeof(float));
  float *keep = fg ? NULL : malloc((size_t)T * T * 6 * sizeof(float));
  if (!rgb || !fb || (!fg && !keep)) {
    free(rgb);
    free(fb);
    free(keep);
    return -1;
  }
  uint8_t *a = rgb + n * 3;
  for (int y = 0; y < rh; y++) {
    int ly = ry0 + y, py = nearest(ly, lv->h, prev_lv->h);
    for (int x = 0; x < rw; x++) {
      int lx = rx0 + x;
      size_t i = (size_t)y * rw + x, at = (size_t)lv->ys[ly] * j->w0 + lv->xs[lx];
      memcpy(rgb + i * 3, j->rgb + at * 3, 3);
      a[i] = j->alpha[at];
      prev_colours(j, nearest(lx, lv->w, prev_lv->w), py, fb + i * 6);
    }
  }
  region r = {rw, rh, rgb, a, fb, {rx0 > 0, rx1 < lv->w, ry0 > 0, ry1 < lv->h}, j->eps, j->gw};
  solve(&r, lv->iterations, 0);
  for (int ly = iy0; ly < iy1; ly++)
    for (int lx = ix0; lx < ix1; lx++) {
      const float *q = fb + ((size_t)(ly - ry0) * rw + (lx - rx0)) * 6;
      if (!fg) {
        memcpy(keep + ((size_t)(ly - iy0) * T + (lx - ix0)) * 6, q, 6 * sizeof(float));
        continue;
      }
      size_t i = (size_t)ly * j->w0 + lx; /* the finest level is the photo itself */
      out_fg(j->alpha[i], j->rgb + i * 3, q, fg + i * 3);
    }
  free(rgb);
  free(fb);
  if (!fg) cur->tiles[t] = keep;
  return 0;
}

static int fail(char *err, size_t errlen, const char *msg, int w, int h) {
  if (err && errlen) snprintf(err, errlen, "%s (%dx%d)", msg, w, h);
  return -1;
}

int mt_foreground_opts(const uint8_t *rgb, const uint8_t *alpha, int width, int height,
                       const mt_fg_opts *o, uint8_t *fg, char *err, size_t errlen) {
  if (!rgb || !alpha || !fg)
    return fail(err, errlen, "foreground estimation: missing image", width, height);
  if (width <= 0 || height <= 0)
    return fail(err, errlen, "foreground estimation: invalid size", width, height);
  mt_fg_opts defaults;
  if (!o) {
    mt_fg_opts_init(&defaults);
    o = &defaults;
  }
  if (!(o->regularization > 0) || !(o->gradient_weight >= 0) || o->iterations < 1 || o->dense_max < 1 || o->tile < 1)
    return fail(err, errlen, "foreground estimation: invalid options", width, height);
  int n = 0;
  while ((1L << n) < (width > height ? width : height)) n++;
  job j = {rgb, alpha, width, height, (float)o->regularization, (float)o->gradient_weight,
           o->tile, NULL, NULL};
  float init[6];
  mean_colours(rgb, alpha, (size_t)width * height, init);

  dense whole = {0}, next = {0};
  sparse prev = {0}, cur = {0};
  level lv = {0}, prev_lv = {0};
  int rc = -1, l = 0;
  /* whole levels */
  for (; l <= n; l++) {
    if (level_make(width, height, n, l, o->iterations, &lv)) goto oom;
    if ((long)lv.w * lv.h > o->dense_max && l > 0) break;
    if (dense_level(&j, &lv, &whole, init, &next)) goto oom;
    dense_free(&whole);
    whole = next;
    memset(&next, 0, sizeof next);
    level_free(&prev_lv);
    prev_lv = lv;
    memset(&lv, 0, sizeof lv);
  }
  if (l > n) { /* the photo itself was solved whole */
    size_t count = (size_t)width * height;
#pragma omp parallel for schedule(static) if (count > 65536)
    for (size_t i = 0; i < count; i++) {
      out_fg(alpha[i], rgb + i * 3, whole.fb + i * 6, fg + i * 3);
    }
    rc = 0;
    goto done;
  }
  j.whole = &whole;
  /* tiled levels: lv holds level l */
  for (; l <= n; l++) {
    if (!lv.xs && level_make(width, height, n, l, o->iterations, &lv)) goto oom;
    int last = l == n, T = o->tile;
    cur.w = lv.w;
    cur.h = lv.h;
    cur.T = T;
    cur.tw = (lv.w + T - 1) / T;
    cur.th = (lv.h + T - 1) / T;
    cur.xs = lv.xs;
    cur.ys = lv.ys;
    int tiles = cur.tw * cur.th, failed = 0;
    if (!last && !(cur.tiles = calloc(tiles, sizeof *cur.tiles))) goto oom;
#pragma omp parallel for schedule(dynamic, 4)
    for (int t = 0; t < tiles; t++)
      if (tiled_tile(&j, &lv, &prev_lv, t, &cur, last ? fg : NULL)) {
#pragma omp atomic write
        failed = 1;
      }
    if (failed) goto oom;
    sparse_free(&prev);
    prev = cur;
    memset(&cur, 0, sizeof cur);
    j.prev = last ? NULL : &prev;
    level_free(&prev_lv);
    prev_lv = lv;
    memset(&lv, 0, sizeof lv);
  }
  rc = 0;
  goto done;
oom:
  fail(err, errlen, "out of memory estimating the foreground colours", width, height);
done:
  dense_free(&whole);
  dense_free(&next);
  sparse_free(&prev);
  sparse_free(&cur);
  level_free(&lv);
  level_free(&prev_lv);
  return rc;
}

int mt_foreground(const uint8_t *rgb, const uint8_t *alpha, int width, int height, uint8_t *fg,
                  char *err, size_t errlen) {
  return mt_foreground_opts(rgb, alpha, width, height, NULL, fg, err, errlen);
}
