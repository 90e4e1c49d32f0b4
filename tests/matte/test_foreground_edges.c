/* Foreground estimation on the edge cases: alpha all 0 or all 255, a 1x1 photo, sizes that
 * are not multiples of the tile, bad arguments. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "matte/matte.h"

static uint8_t *pattern(int w, int h, unsigned seed) {
  uint8_t *p = malloc((size_t)w * h * 3);
  if (!p) return NULL;
  for (size_t i = 0; i < (size_t)w * h * 3; i++) {
    seed = seed * 1103515245u + 12345u;
    p[i] = (uint8_t)(seed >> 16);
  }
  return p;
}

int main(void) {
  char err[256];
  const int w = 203, h = 117;
  size_t n = (size_t)w * h;
  uint8_t *rgb = pattern(w, h, 7), *alpha = malloc(n), *fg = malloc(n * 3);
  if (!rgb || !alpha || !fg) {
    CHECK(0);
    return CHECK_DONE();
  }
  mt_fg_opts tiled;
  mt_fg_opts_init(&tiled);
  tiled.dense_max = 500;
  tiled.tile = 16;
  const mt_fg_opts *modes[2] = {NULL, &tiled};
  for (int m = 0; m < 2; m++) {
    /* all opaque: the photo itself */
    memset(alpha, 255, n);
    memset(fg, 0, n * 3);
    CHECK(mt_foreground_opts(rgb, alpha, w, h, modes[m], fg, err, sizeof err) == 0);
    CHECK(memcmp(fg, rgb, n * 3) == 0);
    /* all transparent: succeeds, colours smooth (no trace of the noise pattern) */
    memset(alpha, 0, n);
    CHECK(mt_foreground_opts(rgb, alpha, w, h, modes[m], fg, err, sizeof err) == 0);
    double jump = 0;
    for (size_t i = 1; i < n; i++) jump += abs(fg[i * 3] - fg[(i - 1) * 3]);
    CHECK(jump / n < 2);
    /* a soft disc of smooth colour F over a smooth background B: opaque pixels keep the
     * photo's colour, soft ones recover F */
    uint8_t *truth = malloc(n * 3);
    if (!truth) {
      CHECK(0);
      break;
    }
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        size_t i = (size_t)y * w + x;
        double d = hypot(x - 90.0, y - 60.0);
        int a = d < 30 ? 255 : d > 45 ? 0 : (int)(255 * (45 - d) / 15);
        int f[3] = {200, 80 + x / 3, 60}, b[3] = {30 + y, 200 - x / 2, 120};
        alpha[i] = (uint8_t)a;
        for (int k = 0; k < 3; k++) {
          truth[i * 3 + k] = (uint8_t)f[k];
          rgb[i * 3 + k] = (uint8_t)((a * f[k] + (255 - a) * b[k] + 127) / 255);
        }
      }
    CHECK(mt_foreground_opts(rgb, alpha, w, h, modes[m], fg, err, sizeof err) == 0);
    long bad = 0, soft = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
      if (alpha[i] == 255 && memcmp(fg + i * 3, rgb + i * 3, 3)) bad++;
      if (alpha[i] < 128 || alpha[i] == 255) continue;
      soft++;
      for (int k = 0; k < 3; k++) worst = fmax(worst, abs(fg[i * 3 + k] - truth[i * 3 + k]));
    }
    printf("%s: worst |F - truth| where 128 <= alpha < 255: %.0f (%ld pixels)\n",
           m ? "tiled" : "whole", worst, soft);
    CHECK(soft > 1000);
    CHECK(worst <= 8);
    free(truth);
    CHECK(bad == 0);
  }

  /* 1x1: F is the pixel's colour whatever its alpha */
  const uint8_t one[3] = {100, 150, 200};
  for (int a = 0; a <= 255; a += 51) {
    uint8_t al = (uint8_t)a, out[3] = {0, 0, 0};
    CHECK(mt_foreground(one, &al, 1, 1, out, err, sizeof err) == 0);
    for (int k = 0; k < 3; k++) CHECK(abs(out[k] - one[k]) <= 1);
  }
  /* thin strips */
  uint8_t strip_a[5] = {0, 64, 128, 192, 255};
  uint8_t *strip = pattern(5, 1, 3), strip_fg[15];
  CHECK(strip && mt_foreground(strip, strip_a, 5, 1, strip_fg, err, sizeof err) == 0);
  CHECK(strip && memcmp(strip_fg + 12, strip + 12, 3) == 0);
  CHECK(strip && mt_foreground(strip, strip_a, 1, 5, strip_fg, err, sizeof err) == 0);
  free(strip);

  /* bad arguments: an error with a reason, no crash */
  err[0] = 0;
  CHECK(mt_foreground(rgb, alpha, 0, h, fg, err, sizeof err) == -1 && err[0]);
  CHECK(mt_foreground(rgb, alpha, w, -1, fg, err, sizeof err) == -1);
  CHECK(mt_foreground(NULL, alpha, w, h, fg, err, sizeof err) == -1);
  CHECK(mt_foreground(rgb, alpha, w, h, NULL, err, sizeof err) == -1);
  mt_fg_opts bad_opts;
  mt_fg_opts_init(&bad_opts);
  bad_opts.tile = 0;
  CHECK(mt_foreground_opts(rgb, alpha, w, h, &bad_opts, fg, err, sizeof err) == -1);
  free(rgb);
  free(alpha);
  free(fg);
  return CHECK_DONE();
}
