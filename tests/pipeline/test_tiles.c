/* The tile pass without a network: layout, selection, seamless blending, edge band, fusion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/tiles.h"

static void test_layout(int W, int H, int T, int O) {
  tile_rect *r;
  int n = tile_layout(W, H, T, O, &r);
  CHECK(n > 0);
  if (n <= 0) return;
  int tw = W < T ? W : T, th = H < T ? H : T;
  int *cover = calloc((size_t)W * H, sizeof *cover);
  for (int t = 0; t < n; t++) {
    CHECK(r[t].w == tw && r[t].h == th);
    CHECK(r[t].x >= 0 && r[t].y >= 0 && r[t].x + r[t].w <= W && r[t].y + r[t].h <= H);
    for (int y = r[t].y; y < r[t].y + r[t].h; y++)
      for (int x = r[t].x; x < r[t].x + r[t].w; x++) cover[(size_t)y * W + x]++;
  }
  int uncovered = 0;
  for (size_t i = 0; i < (size_t)W * H; i++) uncovered += cover[i] == 0;
  CHECK(uncovered == 0);
  /* Along each axis: starts at 0, ends at the border, neighbours share >= O pixels. */
  int dims[2] = {W, H};
  for (int a = 0; a < 2; a++) {
    int len = a == 0 ? tw : th, m = tile_axis(dims[a], T, O, NULL, 0);
    int *pos = malloc((size_t)m * sizeof *pos);
    CHECK(tile_axis(dims[a], T, O, pos, m) == m);
    CHECK(pos[0] == 0);
    CHECK(pos[m - 1] + len == dims[a]);
    if (dims[a] <= T) CHECK(m == 1);
    for (int i = 1; i < m; i++) {
      CHECK(pos[i] > pos[i - 1]);
      CHECK(pos[i - 1] + len - pos[i] >= O);
    }
    free(pos);
  }
  int nx = tile_axis(W, T, O, NULL, 0), ny = tile_axis(H, T, O, NULL, 0);
  CHECK(n == nx * ny);
  free(cover);
  free(r);
}

static void test_selection(void) {
  enum { S = 64 };
  uint8_t m[S * S];
  tile_rect all = {0, 0, S, S}, left = {0, 0, S / 2, S}, right = {S / 2, 0, S / 2, S};
  memset(m, 0, sizeof m);
  CHECK(!tile_needed(m, S, &all));
  memset(m, 255, sizeof m);
  CHECK(!tile_needed(m, S, &all));
  for (int i = 0; i < S * S; i++) m[i] = (i % S) < S / 2 ? TILE_SURE_BG : 255; /* hard edge */
  CHECK(tile_needed(m, S, &all));
  CHECK(!tile_needed(m, S, &left));
  CHECK(!tile_needed(m, S, &right));
  memset(m, 0, sizeof m);
  m[10 * S + 50] = 128; /* one uncertain pixel in the right half */
  CHECK(tile_needed(m, S, &right));
  CHECK(!tile_needed(m, S, &left));
  m[10 * S + 50] = TILE_SURE_BG + 1;
  CHECK(tile_needed(m, S, &right));
  m[10 * S + 50] = TILE_SURE_BG;
  CHECK(!tile_needed(m, S, &right));
}

/* Runs every tile (or those with run[t]) of the layout, each returning value(t). */
static void blend(int W, int H, int T, int O, const uint8_t *values, const int *run, float *acc,
                  float *wsum) {
  tile_rect *r;
  int n = tile_layout(W, H, T, O, &r);
  memset(acc, 0, (size_t)W * H * sizeof *acc);
  memset(wsum, 0, (size_t)W * H * sizeof *wsum);
  uint8_t *tm = malloc((size_t)r[0].w * r[0].h);
  for (int t = 0; t < n; t++) {
    if (run && !run[t]) continue;
    memset(tm, values[t], (size_t)r[t].w * r[t].h);
    CHECK(tile_accumulate(tm, &r[t], O, W, H, acc, wsum) == 0);
  }
  free(tm);
  free(r);
}

static void test_seamless(void) {
  enum { W = 1000, H = 700, T = 256, O = 64 };
  size_t px = (size_t)W * H;
  float *acc = malloc(px * sizeof *acc), *wsum = malloc(px * sizeof *wsum);
  float sx[W], sy[H];
  uint8_t *g = malloc(px), *band = malloc(px), *out = malloc(px);
  uint8_t values[64];
  tile_ramp_sum(W, T, O, sx);
  tile_ramp_sum(H, T, O, sy);
  /* Every tile says 173: 173 everywhere, whatever the global mask says. */
  memset(values, 173, sizeof values);
  blend(W, H, T, O, values, NULL, acc, wsum);
  int weights_match = 1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (fabs(wsum[(size_t)y * W + x] - sx[x] * sy[y]) > 1e-4 * sx[x] * sy[y]) weights_match = 0;
  CHECK(weights_match);
  memset(g, 40, px);
  memset(band, 255, px);
  tile_fuse(g, acc, wsum, sx, sy, band, W, H, out);
  size_t off = 0;
  for (size_t i = 0; i < px; i++) off += out[i] != 173;
  CHECK(off == 0);
  /* Some tiles skipped where the global mask already says 173: still 173 everywhere. */
  int run[64];
  for (int t = 0; t < 64; t++) run[t] = t % 3 == 0;
  blend(W, H, T, O, values, run, acc, wsum);
  memset(g, 173, px);
  tile_fuse(g, acc, wsum, sx, sy, band, W, H, out);
  off = 0;
  for (size_t i = 0; i < px; i++) off += out[i] != 173;
  CHECK(off == 0);
  /* Tiles alternating 0 and 255: no seam, the step between neighbours stays small. */
  for (int t = 0; t < 64; t++) values[t] = (uint8_t)(t % 2 ? 255 : 0);
  blend(W, H, T, O, values, NULL, acc, wsum);
  tile_fuse(g, acc, wsum, sx, sy, band, W, H, out);
  int step = 0;
  for (int y = 0; y < H; y++)
    for (int x = 1; x < W; x++) {
      int d = abs(out[(size_t)y * W + x] - out[(size_t)y * W + x - 1]);
      if (d > step) step = d;
    }
  printf("largest step between neighbours across 0/255 tiles: %d\n", step);
  CHECK(step <= 255 * 4 / O);
  free(acc);
  free(wsum);
  free(g);
  free(band);
  free(out);
}

/* The band's expected weight at chessboard distance d from the edge region. */
static int band_ok(int v, int d, int dist) {
  if (d <= dist / 2) return v == 255;
  if (d > dist) return v == 0;
  return v > 0 && v < 255;
}

static void test_band(void) {
  enum { S = 100, D = 8 };
  uint8_t g[S * S], band[S * S];
  memset(g, 0, sizeof g);
  g[30 * S + 60] = 100;
  CHECK(tile_edge_band(g, S, S, D, band));
  int wrong = 0, rising = 1;
  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++) {
      int dx = abs(x - 60), dy = abs(y - 30);
      wrong += !band_ok(band[y * S + x], dx > dy ? dx : dy, D);
      if (x > 60 && band[y * S + x] > band[y * S + x - 1]) rising = 0; /* falls away */
    }
  CHECK(wrong == 0);
  CHECK(rising);
  memset(g, 255, sizeof g);
  CHECK(!tile_edge_band(g, S, S, D, band));
  /* A hard vertical edge between x = 49 (bg) and x = 50 (fg). */
  for (int i = 0; i < S * S; i++) g[i] = i % S < 50 ? 0 : 255;
  tile_edge_band(g, S, S, D, band);
  wrong = 0;
  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++)
      wrong += !band_ok(band[y * S + x], x < 49 ? 49 - x : x > 50 ? x - 50 : 0, D);
  CHECK(wrong == 0);
}

static void test_fusion(void) {
  enum { W = 800, H = 400, T = 256, O = 64, D = 16 };
  size_t px = (size_t)W * H;
  float *acc = malloc(px * sizeof *acc), *wsum = malloc(px * sizeof *wsum);
  float sx[W], sy[H];
  uint8_t *g = malloc(px), *band = malloc(px), *out = malloc(px);
  uint8_t values[64];
  tile_ramp_sum(W, T, O, sx);
  tile_ramp_sum(H, T, O, sy);
  /* Global: background left of x = 400, foreground right. Every tile says foreground. */
  for (size_t i = 0; i < px; i++) g[i] = i % W < 400 ? 0 : 255;
  memset(values, 255, sizeof values);
  blend(W, H, T, O, values, NULL, acc, wsum);
  tile_edge_band(g, W, H, D, band);
  tile_fuse(g, acc, wsum, sx, sy, band, W, H, out);
  int far_kept = 1, near_tile = 1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      size_t i = (size_t)y * W + x;
      if ((x < 399 - D || x > 400 + D) && out[i] != g[i]) far_kept = 0;
      if (x >= 399 - D / 2 && x <= 400 + D / 2 && out[i] != 255) near_tile = 0;
    }
  CHECK(far_kept);
  CHECK(near_tile);
  /* Between the two, the tile's say fades: rising from the global 0 toward the edge. */
  int fades = 1;
  for (int x = 399 - D; x < 399 - D / 2; x++) {
    uint8_t a = out[(size_t)100 * W + x], b = out[(size_t)100 * W + x + 1];
    if (a == 0 || a == 255 || b < a) fades = 0;
  }
  CHECK(fades);
  /* Only the first tile (top left, x and y < 256) ran: it does not reach the edge band, so
   * the global mask stays everywhere. */
  int run[64] = {0};
  tile_rect *r;
  int n = tile_layout(W, H, T, O, &r);
  for (int t = 0; t < n; t++) run[t] = t == 0;
  blend(W, H, T, O, values, run, acc, wsum);
  tile_fuse(g, acc, wsum, sx, sy, band, W, H, out);
  CHECK(memcmp(out, g, px) == 0);
  /* Every tile says background and only those over the top of the edge run: near the edge
   * the tiles win where only they cover it, and below them the global value stays. */
  memset(values, 0, sizeof values);
  for (int t = 0; t < n; t++) run[t] = r[t].y == 0 && r[t].x < 400 && r[t].x + r[t].w > 400;
  blend(W, H, T, O, values, run, acc, wsum);
  tile_fuse(g, acc, wsum, sx, sy, band, W, H, out);
  int rows[2];
  CHECK(tile_axis(H, T, O, rows, 2) == 2);
  int below_kept = 1, above_tile = 1;
  for (int y = 0; y < H; y++)
    for (int x = 399 - D; x <= 400 + D; x++) {
      size_t i = (size_t)y * W + x;
      if (y >= 256 && out[i] != g[i]) below_kept = 0;
      if (y < rows[1] && x >= 399 - D / 2 && x <= 400 + D / 2 && out[i] != 0)
        above_tile = 0; /* only the run tiles cover it */
    }
  CHECK(below_kept);
  CHECK(above_tile);
  free(r);
  free(acc);
  free(wsum);
  free(g);
  free(band);
  free(out);
}

int main(void) {
  test_layout(2400, 1800, 1024, 256);
  test_layout(1024, 1024, 1024, 256);
  test_layout(500, 300, 1024, 256);
  test_layout(3000, 700, 1000, 250);
  test_layout(1025, 2049, 512, 100);
  test_layout(5994, 3996, 1024, 256);
  test_selection();
  test_seamless();
  test_band();
  test_fusion();
  return CHECK_DONE();
}
