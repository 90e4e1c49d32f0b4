/* The automatic trimap (matte/matte.h):
 *   - thresholds and an exact square erosion of both sure regions;
 *   - a subject cut by the frame is not eroded from the frame;
 *   - the automatic erosion grows with the image's size, the band with the mask's blur;
 *   - with superpixels, the band reaches a colour edge the mask misses by a few pixels, and
 *     superpixels inside a wide band whose mask is all sure become sure;
 *   - bad arguments fail cleanly. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "matte/matte.h"

#define W 200
#define H 200

static uint8_t at(const uint8_t *t, int x, int y) { return t[(size_t)y * W + x]; }

/* A square [lo, hi)^2 of 255 whose edge ramps linearly over `soft` pixels outward. */
static void square(uint8_t *m, int w, int h, int lo, int hi, int soft) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int dx = x < lo ? lo - x : x >= hi ? x - hi + 1 : 0;
      int dy = y < lo ? lo - y : y >= hi ? y - hi + 1 : 0;
      int d = dx > dy ? dx : dy;
      m[(size_t)y * w + x] = d == 0 ? 255 : d > soft ? 0 : (uint8_t)(255 * (soft + 1 - d) / (soft + 1));
    }
}

int main(void) {
  uint8_t *mask = malloc((size_t)W * H), *tri = malloc((size_t)W * H), *rgb = malloc((size_t)W * H * 3);
  char err[256];
  mt_trimap_opts o;
  mt_trimap_opts_init(&o);
  CHECK(o.fg_threshold == 240 && o.bg_threshold == 10 && o.erode == 0 && !o.slic);

  /* a hard square [50, 150)^2 eroded by 5 */
  square(mask, W, H, 50, 150, 0);
  o.erode = 5;
  CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == 0);
  int exact = 1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int fg = x >= 55 && x < 145 && y >= 55 && y < 145;
      int bg = x < 45 || x >= 155 || y < 45 || y >= 155;
      exact &= at(tri, x, y) == (fg ? 255 : bg ? 0 : MT_UNKNOWN);
    }
  CHECK(exact);

  /* touching the frame: no erosion from the frame's side */
  square(mask, W, H, 0, 150, 0);
  CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == 0);
  CHECK(at(tri, 0, 0) == 255 && at(tri, 144, 0) == 255 && at(tri, 145, 0) == MT_UNKNOWN);
  CHECK(at(tri, 0, 144) == 255 && at(tri, 0, 155) == 0 && at(tri, W - 1, H - 1) == 0);

  /* automatic: a bigger image erodes more; a blurrier mask gets a wider band */
  uint8_t *big = malloc((size_t)2000 * 2000);
  square(big, 2000, 2000, 500, 1500, 2);
  int small_r = mt_trimap_auto_erode(mask, W, H, 240, 10);
  int large_r = mt_trimap_auto_erode(big, 2000, 2000, 240, 10);
  free(big);
  long band[2];
  o.erode = 0;
  for (int k = 0; k < 2; k++) {
    square(mask, W, H, 50, 150, k ? 20 : 2);
    CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == 0);
    band[k] = 0;
    for (size_t i = 0; i < (size_t)W * H; i++) band[k] += tri[i] == MT_UNKNOWN;
  }
  printf("automatic erosion: %d px at 200 px, %d px at 2000 px; band of a sharp mask %ld px, "
         "of a blurry one %ld px\n", small_r, large_r, band[0], band[1]);
  CHECK(small_r >= 2 && large_r > small_r && band[1] > band[0]);
  CHECK(at(tri, 100, 100) == 255 && at(tri, 0, 0) == 0 && at(tri, 160, 100) == MT_UNKNOWN);

  /* superpixels: red left of x = 100, blue right of it; the mask ends at x = 104 */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *p = rgb + ((size_t)y * W + x) * 3;
      p[0] = x < 100 ? 200 : 30, p[1] = 40, p[2] = x < 100 ? 30 : 200;
      mask[(size_t)y * W + x] = x < 104 ? 255 : 0;
    }
  o.erode = 2;
  CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == 0);
  CHECK(at(tri, 100, 100) == 255); /* without: the true edge is called sure */
  o.slic = 1;
  CHECK(mt_trimap(mask, rgb, W, H, &o, tri, err, sizeof err) == 0);
  int reached = 1;
  for (int y = 0; y < H; y++) reached &= at(tri, 100, y) == MT_UNKNOWN;
  CHECK(reached);
  CHECK(at(tri, 40, 100) == 255 && at(tri, 180, 100) == 0);
  /* a wide band: uniform superpixels inside it, all sure in the mask, become sure */
  o.erode = 10;
  o.slic = 0;
  CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == 0);
  uint8_t plain[20];
  for (int k = 0; k < 20; k++) plain[k] = at(tri, 94 + k, 100);
  o.slic = 1;
  CHECK(mt_trimap(mask, rgb, W, H, &o, tri, err, sizeof err) == 0);
  int was_band = 1, now_sure = 0;
  for (int k = 0; k < 20; k++) {
    was_band &= plain[k] == MT_UNKNOWN;
    now_sure += at(tri, 94 + k, 100) != MT_UNKNOWN;
  }
  printf("of the 20 band pixels of row 100, %d are sure after the superpixel snap\n", now_sure);
  CHECK(was_band && now_sure > 0 && at(tri, 100, 100) == MT_UNKNOWN);
  CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == -1); /* slic needs rgb */

  /* bad arguments */
  o.slic = 0;
  CHECK(mt_trimap(NULL, NULL, W, H, &o, tri, err, sizeof err) == -1);
  CHECK(mt_trimap(mask, NULL, 0, H, &o, tri, err, sizeof err) == -1);
  o.bg_threshold = 250;
  CHECK(mt_trimap(mask, NULL, W, H, &o, tri, err, sizeof err) == -1);
  printf("thresholds the wrong way round: %s\n", err);
  free(mask);
  free(tri);
  free(rgb);
  return CHECK_DONE();
}
