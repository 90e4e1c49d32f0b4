/* The automatic trimap: thresholds on the mask, each sure region eroded by a square of
 * side 2r+1, the rest unknown. Erosion is exact and costs O(pixels) whatever r: a pixel
 * survives when the run of its class through it is longer than r on both sides, first along
 * rows, then along columns of the row result. Outside the image counts as the pixel's own
 * class, so a subject cut by the frame is not eroded from the frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matte/matte.h"

void mt_trimap_opts_init(mt_trimap_opts *o) {
  memset(o, 0, sizeof *o);
  o->fg_threshold = 240;
  o->bg_threshold = 10;
}


/* keep[i] stays 1 only where the run of 1s through i along a line of n pixels (stride apart)
 * reaches r pixels on both sides. run is scratch of n ints. */
static void erode_line(uint8_t *keep, size_t stride, int n, int r, int *run) {
  int left = r; /* the border extends the run */
  for (int i = 0; i < n; i++) {
    left = keep[i * stride] ? left + 1 : 0;
    run[i] = left;
  }
  int right = r;
  for (int i = n - 1; i >= 0; i--) {
    right = keep[i * stride] ? right + 1 : 0;
    int l = run[i];
    keep[i * stride] = l > r && right > r;
  }
}

/* Erodes the 1s of plane (w x h bytes, 0/1) by a (2r+1)^2 square. Rows in parallel, then
 * columns in parallel stripes. */
static int erode(uint8_t *plane, int w, int h, int r) {
  if (r <= 0) return 0;
  int *runs = malloc(sizeof(int) * (size_t)w * 2), failed = 0;
  if (!runs) return -1;
#pragma omp parallel
  {
    int *run = malloc(sizeof(int) * (size_t)w);
    if (!run) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int y = 0; y < h; y++)
      if (run) erode_line(plane + (size_t)y * w, 1, w, r, run);
    free(run);
  }
  if (failed) {
    free(runs);
    return -1;
  }
  /* Columns, swept row by row (a column walk strides the whole width at every step: 8x
   * slower at 6000 px), each thread a stripe of 64 columns at a time: runs from above, kept
   * as bit 1, then runs from below. */
  const int S = 64;
#pragma omp parallel for schedule(static)
  for (int x0 = 0; x0 < w; x0 += S) {
    int x1 = x0 + S < w ? x0 + S : w;
    int *run = runs + x0;
    for (int x = x0; x < x1; x++) run[x - x0] = r;
    for (int y = 0; y < h; y++) {
      uint8_t *row = plane + (size_t)y * w;
      for (int x = x0; x < x1; x++) {
        int *v = &run[x - x0];
        *v = row[x] ? *v + 1 : 0;
        row[x] = (uint8_t)(row[x] | (*v > r) << 1);
      }
    }
    for (int x = x0; x < x1; x++) run[x - x0] = r;
    for (int y = h - 1; y >= 0; y--) {
      uint8_t *row = plane + (size_t)y * w;
      for (int x = x0; x < x1; x++) {
        int *v = &run[x - x0];
        *v = row[x] & 1 ? *v + 1 : 0;
        row[x] = (row[x] & 2) && *v > r;
      }
    }
  }
  free(runs);
  return 0;
}

/* The automatic erosion: max(w, h) / 400, at least 2 (15 px at 6000 px). The mask's own
 * uncertainty needs no term here: its soft pixels are unknown whatever the erosion, so a
 * blurrier mask already gives a wider band; the erosion adds the margin where strands the
 * mask missed may lie, which grows with the resolution. (Adding half the soft ramp's mean
 * width as well doubled the band of an upscaled 6000x4000 photo to 2 million unknown pixels
 * and the matting time with it.) */
int mt_trimap_auto_erode(const uint8_t *mask, int w, int h, int fg, int bg) {
  (void)mask, (void)fg, (void)bg;
  int big = w > h ? w : h;
  return big / 400 < 2 ? 2 : big / 400;
}

int mt_trimap(const uint8_t *mask, const uint8_t *rgb, int width, int height,
              const mt_trimap_opts *o, uint8_t *trimap, char *err, size_t errlen) {
  if (!mask || !trimap || !o) return mt_fail(err, errlen, "missing argument");
  if (width <= 0 || height <= 0) return mt_fail(err, errlen, "empty image");
  if (o->fg_threshold < 1 || o->fg_threshold > 255 || o->bg_threshold < 0 ||
      o->bg_threshold >= o->fg_threshold)
    return mt_fail(err, errlen, "thresholds must satisfy 0 <= background < foreground <= 255");
  if (o->erode < 0) return mt_fail(err, errlen, "negative erosion");
  size_t n = (size_t)width * height;
  int r = o->erode ? o->erode
                   : mt_trimap_auto_erode(mask, width, height, o->fg_threshold, o->bg_threshold);
  uint8_t *sure = malloc(n);
  if (!sure) return mt_nomem(err, errlen);
  memset(trimap, MT_UNKNOWN, n);
  /* Sure: past the threshold and r px inside it; and foreground, too, where the mask is at
   * least MT_FAR_LEVEL and MT_FAR_BAND * r px inside its 50% edge (a soft patch deep inside
   * the subject is not left for the solver to split between it and a background of similar
   * colour). Patches that are only half sure stay unknown: a sure region with square corners
   * cut through them left steps in the matte. Faint patches out in the background get no
   * such rule: they may be strands. */
  for (int pass = 0; pass < 3; pass++) {
    int fg = !(pass & 1);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
      sure[i] = pass < 2 ? (fg ? mask[i] >= o->fg_threshold : mask[i] <= o->bg_threshold)
                         : (fg ? mask[i] >= 128 : mask[i] < 128);
    if (erode(sure, width, height, pass < 2 ? r : MT_FAR_BAND * r)) {
      free(sure);
      return mt_nomem(err, errlen);
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
      if (sure[i] && (pass < 2 || mask[i] >= MT_FAR_LEVEL)) trimap[i] = fg ? 255 : 0;
  }
  free(sure);
  if (o->slic)
    return mt_trimap_slic(mask, rgb, width, height, o->fg_threshold, o->bg_threshold, trimap,
                          err, errlen);
  return 0;
}
