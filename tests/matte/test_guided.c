/* The fast matting mode (mt_solve with MT_MATTING_FAST: the colour guided filter of guided.c):
 *   - on synthesised composites (hair strands over patterned backgrounds, known alpha), from
 *     a guess that is the true alpha cut at 50% and box-blurred (a clean mask that lost the
 *     strands), the SAD in the unknown band is lower than the guess's;
 *   - sure pixels of the trimap come out exactly 0/255, and nothing else outside the band
 *     changes;
 *   - small tiles give the result of one tile over the whole image within 1/255;
 *   - on two flat colours, a guess whose edge is 3 px off the colour edge has its 50% crossing
 *     pulled onto the colour edge (a plain blur would leave it at the guess's edge). The
 *     filter keeps local means, so the 3 px of error are spread thin over the far side, not
 *     removed: it is the fast mode, closed-form matting is the one that snaps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"
#include "matte/matte.h"

#define W 480
#define H 360
#define N ((size_t)W * H)

/* truth cut at 50%, then a (2r+1)^2 box mean (by brute force: the test is small). */
static void blunt_guess(const uint8_t *truth, int r, uint8_t *guess) {
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int on = 0, all = 0;
      for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++) {
          int yy = y + dy, xx = x + dx;
          if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
          on += truth[(size_t)yy * W + xx] >= 128, all++;
        }
      guess[(size_t)y * W + x] = (uint8_t)((on * 255 + all / 2) / all);
    }
}

static double band_sad(const uint8_t *a, const uint8_t *truth, const uint8_t *trimap) {
  double s = 0;
  for (size_t i = 0; i < N; i++)
    if (trimap[i] != 0 && trimap[i] != 255) s += abs(a[i] - truth[i]) / 255.0;
  return s;
}

int main(void) {
  syn_config cfg = {.width = W, .height = H, .band = 8, .procedural_fg = 1, .procedural_bg = 1};
  char err[256];
  double gain = 0;
  uint8_t *guess = malloc(N), *trimap = malloc(N), *whole = malloc(N), *tiled = malloc(N);
  for (int index = 0; index < 3; index++) {
    syn_params p;
    syn_draw_params(&cfg, 11, index, &p);
    syn_sample s = {0};
    if (syn_render(&p, NULL, NULL, &s, err, sizeof err)) {
      fprintf(stderr, "synth: %s\n", err);
      return 1;
    }
    const uint8_t *truth = s.alpha->data, *rgb = s.image->data;
    blunt_guess(truth, 2, guess);
    mt_trimap_opts to;
    mt_trimap_opts_init(&to);
    to.erode = 6; /* room for the strands the guess lost */
    CHECK(mt_trimap(guess, NULL, W, H, &to, trimap, err, sizeof err) == 0);

    mt_solve_opts so;
    mt_solve_opts_init(&so);
    so.tile = 1024; /* one tile: the whole image */
    mt_solve_stats st;
    memcpy(whole, guess, N);
    CHECK(mt_solve(MT_MATTING_FAST, rgb, W, H, trimap, &so, whole, &st, err, sizeof err) == 0);
    so.tile = 64;
    memcpy(tiled, guess, N);
    CHECK(mt_solve(MT_MATTING_FAST, rgb, W, H, trimap, &so, tiled, NULL, err, sizeof err) == 0);

    int sure_ok = 1, most = 0;
    long unknown = 0;
    for (size_t i = 0; i < N; i++) {
      int sure = trimap[i] == 0 || trimap[i] == 255;
      sure_ok &= !sure || (whole[i] == trimap[i] && tiled[i] == trimap[i]);
      unknown += !sure;
      int d = abs(whole[i] - tiled[i]);
      most = d > most ? d : most;
    }
    double g = band_sad(guess, truth, trimap), q = band_sad(whole, truth, trimap);
    printf("image %d: %ld unknown, %.3f s; band SAD guess %.1f, fast %.1f (%.3fx); tiles of 64 "
           "vs whole: max |diff| %d/255\n", index, st.unknown, st.seconds, g, q, q / g, most);
    CHECK(st.unknown == unknown && unknown > 1000);
    CHECK(q < 0.9 * g);
    CHECK(sure_ok);
    CHECK(most <= 1);
    gain += q / g;
    syn_sample_free(&s);
  }
  printf("mean band SAD / guess's: %.3f\n", gain / 3);

  /* two flat colours meeting at x = 240; the guess's edge is at x = 243 */
  uint8_t *rgb = malloc(N * 3);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *c = rgb + ((size_t)y * W + x) * 3;
      c[0] = x < 240 ? 210 : 40, c[1] = x < 240 ? 150 : 90, c[2] = x < 240 ? 60 : 170;
      guess[(size_t)y * W + x] = x < 243 ? 255 : 0;
    }
  mt_trimap_opts to;
  mt_trimap_opts_init(&to);
  to.erode = 8;
  CHECK(mt_trimap(guess, NULL, W, H, &to, trimap, err, sizeof err) == 0);
  memcpy(whole, guess, N);
  CHECK(mt_solve(MT_MATTING_FAST, rgb, W, H, trimap, NULL, whole, NULL, err, sizeof err) == 0);
  int snapped = 1;
  for (int y = 0; y < H; y++) {
    const uint8_t *row = whole + (size_t)y * W;
    for (int x = 232; x < 240; x++) snapped &= row[x] >= 200;
    for (int x = 240; x < 243; x++) snapped &= row[x] < 128;
  }
  printf("edge 3 px off the colour edge: alpha at x = 238..243 on row 180: %d %d | %d %d %d %d\n",
         whole[180 * W + 238], whole[180 * W + 239], whole[180 * W + 240], whole[180 * W + 241],
         whole[180 * W + 242], whole[180 * W + 243]);
  CHECK(snapped);
  free(rgb);
  free(guess);
  free(trimap);
  free(whole);
  free(tiled);
  return CHECK_DONE();
}
