/* The alpha solvers on synthesised composites (a built-in foreground with hair strands over
 * a patterned background, known alpha): the starting guess is the true alpha seen at a
 * quarter of the resolution and scaled back up (as an upscaled network mask is), the trimap
 * is mt_trimap's from that guess.
 *   - full (closed form): converges (residual <= tol) and the SAD in the unknown band is
 *     well below the guess's; sure pixels are exactly 0/255;
 *   - fast (guided filter): SAD in the band below the guess's;
 *   - solving in small tiles gives nearly the result of one big tile;
 *   - a trimap without unknown pixels gives the trimap back; bad arguments fail cleanly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"
#include "image/image.h"
#include "matte/matte.h"

#define W 480
#define H 360
#define N ((size_t)W * H)

/* The alpha at a quarter of the resolution (box means), bilinearly scaled back. */
static void blurry_guess(const uint8_t *alpha, uint8_t *guess) {
  int sw = W / 4, sh = H / 4;
  float *small = malloc(sizeof(float) * sw * sh);
  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++) {
      int s = 0;
      for (int dy = 0; dy < 4; dy++)
        for (int dx = 0; dx < 4; dx++) s += alpha[(size_t)(y * 4 + dy) * W + x * 4 + dx];
      small[y * sw + x] = s / (16.0f * 255);
    }
  img_upscale_mask(small, sw, sh, W, H, guess);
  free(small);
}

static double band_sad(const uint8_t *a, const uint8_t *truth, const uint8_t *trimap) {
  double s = 0;
  for (size_t i = 0; i < N; i++)
    if (trimap[i] != 0 && trimap[i] != 255) s += abs(a[i] - truth[i]) / 255.0;
  return s;
}

static int sure_exact(const uint8_t *a, const uint8_t *trimap) {
  for (size_t i = 0; i < N; i++)
    if ((trimap[i] == 0 || trimap[i] == 255) && a[i] != trimap[i]) return 0;
  return 1;
}

int main(void) {
  syn_config cfg = {.width = W, .height = H, .band = 8, .procedural_fg = 1, .procedural_bg = 1};
  double gain_full = 0, gain_fast = 0;
  for (int index = 0; index < 3; index++) {
    syn_params p;
    syn_draw_params(&cfg, 7, index, &p);
    syn_sample s = {0};
    char err[256];
    if (syn_render(&p, NULL, NULL, &s, err, sizeof err)) {
      fprintf(stderr, "synth: %s\n", err);
      return 1;
    }
    const uint8_t *truth = s.alpha->data, *rgb = s.image->data;
    uint8_t *guess = malloc(N), *trimap = malloc(N), *full = malloc(N), *fast = malloc(N),
            *tiled = malloc(N);
    blurry_guess(truth, guess);
    mt_trimap_opts to;
    mt_trimap_opts_init(&to);
    CHECK(mt_trimap(guess, NULL, W, H, &to, trimap, err, sizeof err) == 0);

    mt_solve_opts so;
    mt_solve_opts_init(&so);
    so.tile = 1024; /* one tile */
    mt_solve_stats st;
    memcpy(full, guess, N);
    CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, trimap, &so, full, &st, err, sizeof err) == 0);
    memcpy(fast, guess, N);
    CHECK(mt_solve(MT_MATTING_FAST, rgb, W, H, trimap, &so, fast, NULL, err, sizeof err) == 0);
    so.tile = 128;
    memcpy(tiled, guess, N);
    CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, trimap, &so, tiled, NULL, err, sizeof err) == 0);

    double g = band_sad(guess, truth, trimap), f = band_sad(full, truth, trimap),
           q = band_sad(fast, truth, trimap), ft = band_sad(tiled, truth, trimap), diff = 0;
    for (size_t i = 0; i < N; i++) diff += abs(full[i] - tiled[i]);
    printf("image %d: %ld unknown, %d iterations, residual %.2e, %.3f s; band SAD: guess %.1f, "
           "full %.1f (in tiles of 128: %.1f), fast %.1f; tiled vs whole: mean |diff| %.3f/255\n",
           index, st.unknown, st.iterations, st.residual, st.seconds, g, f, ft, q,
           diff / (double)st.unknown);
    CHECK(st.unknown > 0 && st.residual <= so.tol);
    CHECK(f < 0.6 * g);
    CHECK(q < g);
    CHECK(sure_exact(full, trimap) && sure_exact(fast, trimap) && sure_exact(tiled, trimap));
    CHECK(diff / (double)st.unknown < 5.0 && ft < 1.2 * f);
    gain_full += f / g, gain_fast += q / g;
    free(guess);
    free(trimap);
    free(full);
    free(fast);
    free(tiled);
    syn_sample_free(&s);
  }
  printf("mean band SAD / guess's: full %.3f, fast %.3f\n", gain_full / 3, gain_fast / 3);

  /* no unknown pixel: the trimap comes back */
  uint8_t *rgb = calloc(N * 3, 1), *tri = malloc(N), *a = malloc(N);
  for (size_t i = 0; i < N; i++) tri[i] = i % 7 ? 0 : 255, a[i] = 77;
  char err[256];
  mt_solve_stats st;
  CHECK(mt_solve(MT_MATTING_FULL, rgb, W, H, tri, NULL, a, &st, err, sizeof err) == 0);
  CHECK(memcmp(a, tri, N) == 0 && st.unknown == 0);
  /* bad arguments */
  CHECK(mt_solve(MT_MATTING_FULL, NULL, W, H, tri, NULL, a, NULL, err, sizeof err) == -1);
  CHECK(mt_solve(MT_MATTING_FULL, rgb, 0, H, tri, NULL, a, NULL, err, sizeof err) == -1);
  CHECK(mt_solve((mt_mode)9, rgb, W, H, tri, NULL, a, NULL, err, sizeof err) == -1);
  printf("bad mode: %s\n", err);
  free(rgb);
  free(tri);
  free(a);
  return CHECK_DONE();
}
