/* Closed-form matting (mt_solve, full mode) on synthesised composites with known alpha.
 * The composite: a soft disc with 1-3 px hair strands (anti-aliased) in a smooth warm colour
 * field F, over a background B of blue-green stripes and a gradient; I = a F + (1-a) B in
 * 8 bits. The trimap is the true alpha's sure regions eroded by 3 px, the rest unknown; the
 * starting guess is the true alpha seen at 1/6 of the resolution and scaled back up, as an
 * upscaled network mask is. Also two composites of the dataset synthesiser (a head with hair
 * over a patterned background, trimap from mt_trimap on the guess).
 *   - the solver converges (residual <= tol) and the band's SAD is well below the guess's;
 *   - sure pixels come out exactly 0/255;
 *   - solving in tiles of 96 gives nearly the result of one tile;
 *   - the fast mode keeps the sure pixels;
 *   - a trimap without unknown pixels gives the trimap back; bad arguments fail cleanly. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"
#include "matte/matte.h"

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* The disc-and-strands composite, w x h: rgb (3 per pixel) and its 8-bit alpha. */
static void composite(int w, int h, uint8_t *rgb, uint8_t *alpha) {
  const size_t n = (size_t)w * h;
  float *a = calloc(n, sizeof *a);
  const double cx = w * 0.5, cy = h * 0.58, R = h * 0.3;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double d = hypot(x - cx, y - cy);
      a[(size_t)y * w + x] = (float)clamp01((R - d) / 3.0 + 0.5); /* 3 px soft edge */
    }
  /* strands leave the disc's upper half and wave outward; each is a chain of samples 0.5 px
   * apart whose coverage is the distance to the nearest sample against the half width */
  const int strands = 16;
  for (int k = 0; k < strands; k++) {
    double th = M_PI * (1.05 + 0.9 * k / (strands - 1)), hw = 0.5 + 0.25 * (k % 5);
    double len = R * (0.45 + 0.25 * ((k * 7) % 3)), amp = 3 + (k % 4) * 2, ph = k * 1.3;
    double op = 0.85 + 0.15 * ((k * 3) % 2);
    for (double s = -4; s < len; s += 0.5) {
      double px = cx + (R + s) * cos(th) - sin(th) * amp * sin(s / 14 + ph);
      double py = cy + (R + s) * sin(th) + cos(th) * amp * sin(s / 14 + ph);
      for (int y = (int)py - 3; y <= (int)py + 3; y++)
        for (int x = (int)px - 3; x <= (int)px + 3; x++) {
          if (x < 0 || y < 0 || x >= w || y >= h) continue;
          double c = op * clamp01(hw + 0.5 - hypot(x - px, y - py));
          float *t = &a[(size_t)y * w + x];
          if (c > *t) *t = (float)c;
        }
    }
  }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      alpha[i] = (uint8_t)lround(a[i] * 255.0);
      double f[3] = {0.78 + 0.15 * sin(x / 37.0), 0.47 + 0.12 * cos(y / 29.0),
                     0.22 + 0.1 * sin((x + y) / 53.0)};
      double t = clamp01(0.5 + 1.5 * sin((0.8 * x + 0.6 * y) / 6.0));
      double g = (double)y / h;
      double b[3] = {0.10 + 0.05 * t + 0.1 * g, 0.35 + 0.3 * t, 0.75 - 0.4 * t + 0.1 * g};
      double av = alpha[i] / 255.0;
      for (int c = 0; c < 3; c++)
        rgb[i * 3 + c] = (uint8_t)lround(255.0 * clamp01(av * f[c] + (1 - av) * b[c]));
    }
  free(a);
}

/* Sure regions of the true alpha eroded by e px (square), the rest unknown. */
static void eroded_trimap(const uint8_t *alpha, int w, int h, int e, uint8_t *trimap) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int all_fg = 1, all_bg = 1;
      for (int dy = -e; dy <= e; dy++)
        for (int dx = -e; dx <= e; dx++) {
          int yy = y + dy < 0 ? 0 : y + dy >= h ? h - 1 : y + dy;
          int xx = x + dx < 0 ? 0 : x + dx >= w ? w - 1 : x + dx;
          uint8_t v = alpha[(size_t)yy * w + xx];
          all_fg &= v == 255, all_bg &= v == 0;
        }
      trimap[(size_t)y * w + x] = all_fg ? 255 : all_bg ? 0 : MT_UNKNOWN;
    }
}

/* The alpha at 1/f of the resolution (box means), bilinearly scaled back up. */
static void blurry_guess(const uint8_t *alpha, int w, int h, int f, uint8_t *guess) {
  int sw = (w + f - 1) / f, sh = (h + f - 1) / f;
  double *s = calloc((size_t)sw * sh, sizeof *s);
  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++) {
      double sum = 0;
      int cnt = 0;
      for (int yy = y * f; yy < (y + 1) * f && yy < h; yy++)
        for (int xx = x * f; xx < (x + 1) * f && xx < w; xx++)
          sum += alpha[(size_t)yy * w + xx], cnt++;
      s[(size_t)y * sw + x] = sum / cnt;
    }
  for (int y = 0; y < h; y++) {
    double fy = (y + 0.5) / f - 0.5;
    fy = fy < 0 ? 0 : fy > sh - 1 ? sh - 1 : fy;
    int y0 = (int)fy, y1 = y0 + 1 < sh ? y0 + 1 : y0;
    for (int x = 0; x < w; x++) {
      double fx = (x + 0.5) / f - 0.5;
      fx = fx < 0 ? 0 : fx > sw - 1 ? sw - 1 : fx;
      int x0 = (int)fx, x1 = x0 + 1 < sw ? x0 + 1 : x0;
      double ax = fx - x0, ay = fy - y0;
      double v = (1 - ay) * ((1 - ax) * s[y0 * sw + x0] + ax * s[y0 * sw + x1]) +
                 ay * ((1 - ax) * s[y1 * sw + x0] + ax * s[y1 * sw + x1]);
      guess[(size_t)y * w + x] = (uint8_t)lround(v);
    }
  }
  free(s);
}

static double band_sad(const uint8_t *a, const uint8_t *truth, const uint8_t *trimap, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    if (trimap[i] != 0 && trimap[i] != 255) s += abs(a[i] - truth[i]) / 255.0;
  return s;
}

static int sure_exact(const uint8_t *a, const uint8_t *trimap, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((trimap[i] == 0 || trimap[i] == 255) && a[i] != trimap[i]) return 0;
  return 1;
}

/* The checks on one composite; returns the band SAD's ratio to the guess's. */
static double check_solve(const char *name, const uint8_t *rgb, const uint8_t *truth,
                          const uint8_t *trimap, const uint8_t *guess, int w, int h) {
  const size_t n = (size_t)w * h;
  uint8_t *full = malloc(n), *tiled = malloc(n), *fast = malloc(n);
  char err[256] = "";
  mt_solve_opts so;
  mt_solve_opts_init(&so);
  so.tile = 1024; /* one tile */
  mt_solve_stats st, stt;
  memcpy(full, guess, n);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, w, h, trimap, &so, full, &st, err, sizeof err) == 0);
  so.tile = 96;
  memcpy(tiled, guess, n);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, w, h, trimap, &so, tiled, &stt, err, sizeof err) == 0);
  double g = band_sad(guess, truth, trimap, n), f = band_sad(full, truth, trimap, n),
         ft = band_sad(tiled, truth, trimap, n), diff = 0;
  for (size_t i = 0; i < n; i++) diff += abs(full[i] - tiled[i]);
  diff /= st.unknown > 0 ? (double)st.unknown : 1.0;
  printf("%s: %dx%d, %ld unknown; one tile: %d iterations, residual %.2e (tol %.0e), %.3f s; "
         "%d tiles of 96: %d iterations at most, residual %.2e, %.3f s\n",
         name, w, h, st.unknown, st.iterations, st.residual, so.tol, st.seconds, stt.tiles,
         stt.iterations, stt.residual, stt.seconds);
  printf("%s: band SAD guess %.1f, solved %.1f (%.3fx), in tiles of 96 %.1f; "
         "tiled vs one tile: mean |diff| %.3f/255 over the unknowns\n",
         name, g, f, f / g, ft, diff);
  CHECK(st.unknown > 0 && st.residual <= so.tol && stt.residual <= so.tol);
  CHECK(f < 0.6 * g);
  CHECK(sure_exact(full, trimap, n) && sure_exact(tiled, trimap, n));
  CHECK(stt.tiles > 1 && stt.unknown == st.unknown);
  CHECK(diff < 3.0 && ft < 1.2 * f);

  /* the fast mode is guided.c's; here only its contract with mt_solve */
  memcpy(fast, guess, n);
  CHECK(mt_solve(MT_MATTING_FAST, rgb, w, h, trimap, &so, fast, NULL, err, sizeof err) == 0);
  printf("%s: fast mode band SAD %.1f\n", name, band_sad(fast, truth, trimap, n));
  CHECK(sure_exact(fast, trimap, n));
  free(full);
  free(tiled);
  free(fast);
  return f / g;
}

int main(void) {
  /* the disc-and-strands composite */
  {
    const int w = 400, h = 300;
    const size_t n = (size_t)w * h;
    uint8_t *rgb = malloc(n * 3), *truth = malloc(n), *trimap = malloc(n), *guess = malloc(n);
    composite(w, h, rgb, truth);
    eroded_trimap(truth, w, h, 3, trimap);
    blurry_guess(truth, w, h, 6, guess);
    check_solve("strands", rgb, truth, trimap, guess, w, h);
    free(rgb);
    free(truth);
    free(trimap);
    free(guess);
  }
  /* the dataset synthesiser's composites */
  const int W = 480, H = 360;
  const size_t N = (size_t)W * H;
  syn_config cfg = {.width = W, .height = H, .band = 8, .procedural_fg = 1, .procedural_bg = 1};
  for (int index = 0; index < 2; index++) {
    syn_params p;
    syn_draw_params(&cfg, 7, index, &p);
    syn_sample s = {0};
    char err[256];
    if (syn_render(&p, NULL, NULL, &s, err, sizeof err)) {
      fprintf(stderr, "synth: %s\n", err);
      return 1;
    }
    uint8_t *guess = malloc(N), *trimap = malloc(N);
    blurry_guess(s.alpha->data, W, H, 4, guess);
    mt_trimap_opts to;
    mt_trimap_opts_init(&to);
    CHECK(mt_trimap(guess, NULL, W, H, &to, trimap, err, sizeof err) == 0);
    char name[32];
    snprintf(name, sizeof name, "synth %d", index);
    check_solve(name, s.image->data, s.alpha->data, trimap, guess, W, H);
    free(guess);
    free(trimap);
    syn_sample_free(&s);
  }

  /* no unknown pixel: the trimap comes back, whatever alpha held */
  uint8_t *rgb = calloc(N * 3, 1), *tri = malloc(N), *a = malloc(N);
  for (size_t i = 0; i < N; i++) tri[i] = i % 7 ? 0 : 255, a[i] = 77;
  char err[256];
  mt_solve_stats st;
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, tri, NULL, a, &st, err, sizeof err) == 0);
  CHECK(memcmp(a, tri, N) == 0 && st.unknown == 0 && st.tiles == 0);
  /* off: alpha unchanged */
  tri[5] = MT_UNKNOWN;
  memset(a, 77, N);
  CHECK(mt_solve(MT_MATTING_OFF, rgb, W, H, tri, NULL, a, NULL, err, sizeof err) == 0);
  CHECK(a[0] == 77 && a[5] == 77 && a[7] == 77);
  /* bad arguments */
  CHECK(mt_solve(MT_MATTING_FULL, NULL, W, H, tri, NULL, a, NULL, err, sizeof err) == -1);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, NULL, NULL, a, NULL, err, sizeof err) == -1);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, tri, NULL, NULL, NULL, err, sizeof err) == -1);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, 0, H, tri, NULL, a, NULL, err, sizeof err) == -1);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, -3, tri, NULL, a, NULL, err, sizeof err) == -1);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, INT_MAX, INT_MAX, tri, NULL, a, NULL, err,
                 sizeof err) == -1);
  printf("huge image: %s\n", err);
  CHECK(mt_solve((mt_mode)9, rgb, W, H, tri, NULL, a, NULL, err, sizeof err) == -1);
  printf("bad mode: %s\n", err);
  mt_solve_opts so;
  mt_solve_opts_init(&so);
  so.eps = 0;
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, tri, &so, a, NULL, err, sizeof err) == -1);
  printf("bad options: %s\n", err);
  free(rgb);
  free(tri);
  free(a);
  return CHECK_DONE();
}
