/* The global mask's edge band, and the fusion of blended tiles with the global mask. */
#include <math.h>
#include <stdlib.h>

#include "image/image.h"

#include "pipeline/tiles.h"

static int sure_class(uint8_t v) { return v <= TILE_SURE_BG ? 0 : v >= TILE_SURE_FG ? 1 : -1; }

/* band = 0 on the edge region, far elsewhere. */
static void mark_edges(const uint8_t *g, int w, int h, uint8_t far, uint8_t *band) {
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      int c = sure_class(g[i]), e = c < 0;
      if (!e && x > 0) e = sure_class(g[i - 1]) == !c;
      if (!e && x + 1 < w) e = sure_class(g[i + 1]) == !c;
      if (!e && y > 0) e = sure_class(g[i - w]) == !c;
      if (!e && y + 1 < h) e = sure_class(g[i + w]) == !c;
      band[i] = e ? 0 : far;
    }
  }
}

static inline void relax(uint8_t *d, uint8_t n) {
  if (n + 1 < *d) *d = (uint8_t)(n + 1);
}

/* Chessboard distance to the nearest 0, capped at the starting values: two raster sweeps
 * over the 8 neighbours. */
static void chessboard(uint8_t *d, int w, int h) {
  for (int y = 0; y < h; y++) {
    uint8_t *row = d + (size_t)y * w, *up = y > 0 ? row - w : NULL;
    for (int x = 0; x < w; x++) {
      if (!row[x]) continue;
      if (x > 0) relax(&row[x], row[x - 1]);
      if (up) {
        relax(&row[x], up[x]);
        if (x > 0) relax(&row[x], up[x - 1]);
        if (x + 1 < w) relax(&row[x], up[x + 1]);
      }
    }
  }
  for (int y = h - 1; y >= 0; y--) {
    uint8_t *row = d + (size_t)y * w, *down = y + 1 < h ? row + w : NULL;
    for (int x = w - 1; x >= 0; x--) {
      if (!row[x]) continue;
      if (x + 1 < w) relax(&row[x], row[x + 1]);
      if (down) {
        relax(&row[x], down[x]);
        if (x > 0) relax(&row[x], down[x - 1]);
        if (x + 1 < w) relax(&row[x], down[x + 1]);
      }
    }
  }
}

int tile_edge_band(const uint8_t *global, int width, int height, int dist, uint8_t *band) {
  if (dist < 0) dist = 0;
  if (dist > TILE_BAND_MAX) dist = TILE_BAND_MAX;
  mark_edges(global, width, height, (uint8_t)(dist + 1), band);
  chessboard(band, width, height);
  int full = dist / 2, any = 0;
  uint8_t weight[TILE_BAND_MAX + 2];
  for (int d = 0; d <= dist + 1; d++)
    weight[d] = d <= full   ? 255
                : d > dist ? 0
                           : (uint8_t)(255 * (dist + 1 - d) / (dist + 1 - full));
  size_t n = (size_t)width * height;
  for (size_t i = 0; i < n; i++) {
    band[i] = weight[band[i]];
    any |= band[i] != 0;
  }
  return any;
}

int tile_disagreement(const uint8_t *t, const uint8_t *g, int width, int height, int cell,
                       uint8_t *dis) {
  if (cell < 1) cell = 1;
  int mw = (width + cell - 1) / cell, mh = (height + cell - 1) / cell;
  float *sum = calloc((size_t)mw * mh, sizeof *sum);
  int *cnt = calloc((size_t)mw * mh, sizeof *cnt);
  int rc = -1;
  if (sum && cnt) {
#pragma omp parallel for schedule(static)
    for (int cy = 0; cy < mh; cy++) /* a row of cells each */
      for (int y = cy * cell; y < (cy + 1) * cell && y < height; y++) {
        size_t crow = (size_t)cy * mw, row = (size_t)y * width;
        for (int x = 0; x < width; x++) {
          sum[crow + x / cell] += (float)t[row + x] - (float)g[row + x];
          cnt[crow + x / cell]++;
        }
      }
    for (size_t i = 0; i < (size_t)mw * mh; i++)
      sum[i] = cnt[i] ? fabsf(sum[i]) / (255.0f * cnt[i]) : 0.0f;
    rc = img_upscale_mask(sum, mw, mh, width, height, dis) ? -1 : 0;
  }
  free(sum);
  free(cnt);
  return rc;
}

static float clamp01(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }

/* The disagreement up to which the tiles count fully, and from which they stop counting
 * (linear between). Chosen on synthesised 4000x3000 composites (bench/tiles.c): a gate that
 * also let the tiles decide wherever the global mask is unsure lost whole faces that a tile
 * saw too little of to recognise. */
#define AGREE_FULL 0.15f
#define AGREE_NONE 0.40f

static inline float fuse_one(float g, float t, float d) {
  return g + clamp01((AGREE_NONE - d) / (AGREE_NONE - AGREE_FULL)) * (t - g);
}

void tile_fuse(const uint8_t *global, const uint8_t *t, const uint8_t *dis, const uint8_t *band,
               int width, int height, uint8_t *out) {
  const float k = 1.0f / 255.0f;
#pragma omp parallel for schedule(static)
  for (int y = 0; y < height; y++) {
    size_t row = (size_t)y * width;
    for (int x = 0; x < width; x++) {
      size_t i = row + x;
      uint8_t g = global[i];
      if (!band[i]) {
        out[i] = g;
        continue;
      }
      float gv = g * k, f = fuse_one(gv, t[i] * k, dis[i] * k);
      out[i] = (uint8_t)(255.0f * clamp01(gv + (f - gv) * (band[i] * k)) + 0.5f);
    }
  }
}
