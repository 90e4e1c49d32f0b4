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

/* Zones: inside their tile, together covering the image, and where a tile's weight is at
 * least half its ramps' (so a run tile alone decides its zone's blend). */
static void test_zones(int W, int H, int T, int O) {
  tile_rect *r;
  int n = tile_layout(W, H, T, O, &r);
  int *cover = calloc((size_t)W * H, sizeof *cover);
  float *wx = malloc(sizeof(float) * (size_t)T), *wy = malloc(sizeof(float) * (size_t)T);
  int inside = 1, weak = 0;
  for (int t = 0; t < n; t++) {
    tile_rect z = tile_zone(&r[t], W, H, O);
    inside &= z.x >= r[t].x && z.y >= r[t].y && z.x + z.w <= r[t].x + r[t].w &&
              z.y + z.h <= r[t].y + r[t].h;
    tile_ramp(r[t].x, r[t].w, W, O, wx);
    tile_ramp(r[t].y, r[t].h, H, O, wy);
    for (int y = z.y; y < z.y + z.h; y++)
      for (int x = z.x; x < z.x + z.w; x++) {
        cover[(size_t)y * W + x]++;
        /* the tile alone decides the blend there */
        weak += wx[x - r[t].x] * wy[y - r[t].y] < TILE_BLEND_FULL;
      }
  }
  int uncovered = 0;
  for (size_t i = 0; i < (size_t)W * H; i++) uncovered += cover[i] == 0;
  CHECK(inside);
  CHECK(uncovered == 0);
  CHECK(weak == 0);
  free(cover);
  free(wx);
  free(wy);
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

/* Runs every tile (or those with run[t]) of the layout, each returning value(t), over the
 * global mask g; the blend into t. The strip is the whole image. */
static void blend(int W, int H, int T, int O, const uint8_t *values, const int *run,
                  const uint8_t *g, uint8_t *t, float *wsum_out) {
  tile_rect *r;
  int n = tile_layout(W, H, T, O, &r);
  size_t px = (size_t)W * H;
  float *acc = calloc(px, sizeof *acc), *wsum = calloc(px, sizeof *wsum);
  float *sx = malloc((size_t)W * sizeof *sx), *sy = malloc((size_t)H * sizeof *sy);
  uint8_t *tm = malloc((size_t)r[0].w * r[0].h);
  for (int i = 0; i < n; i++) {
    if (run && !run[i]) continue;
    memset(tm, values[i], (size_t)r[i].w * r[i].h);
    CHECK(tile_accumulate(tm, &r[i], O, W, H, 0, acc, wsum) == 0);
  }
  tile_ramp_sum(W, T, O, sx);
  tile_ramp_sum(H, T, O, sy);
  tile_blend_rows(g, acc, wsum, sx, sy, W, 0, H, 0, t);
  if (wsum_out) memcpy(wsum_out, wsum, px * sizeof *wsum);
  free(tm);
  free(r);
  free(acc);
  free(wsum);
  free(sx);
  free(sy);
}

static void test_seamless(void) {
  enum { W = 1000, H = 700, T = 256, O = 64 };
  size_t px = (size_t)W * H;
  float *wsum = malloc(px * sizeof *wsum);
  float sx[W], sy[H];
  uint8_t *g = malloc(px), *t = malloc(px);
  uint8_t values[64];
  tile_ramp_sum(W, T, O, sx);
  tile_ramp_sum(H, T, O, sy);
  /* Every tile says 173: 173 everywhere, whatever the global mask says. */
  memset(values, 173, sizeof values);
  memset(g, 40, px);
  blend(W, H, T, O, values, NULL, g, t, wsum);
  int weights_match = 1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (fabs(wsum[(size_t)y * W + x] - sx[x] * sy[y]) > 1e-4 * sx[x] * sy[y]) weights_match = 0;
  CHECK(weights_match);
  size_t off = 0;
  for (size_t i = 0; i < px; i++) off += t[i] != 173;
  CHECK(off == 0);
  /* Some tiles skipped where the global mask already says 173: still 173 everywhere. */
  int run[64];
  for (int i = 0; i < 64; i++) run[i] = i % 3 == 0;
  memset(g, 173, px);
  blend(W, H, T, O, values, run, g, t, NULL);
  off = 0;
  for (size_t i = 0; i < px; i++) off += t[i] != 173;
  CHECK(off == 0);
  /* One tile run alone (value 255) over a global 0: its zone is the tile's value, and the
   * blend falls to the global mask outside it without a jump. */
  memset(g, 0, px);
  for (int i = 0; i < 64; i++) run[i] = i == 5, values[i] = 255;
  blend(W, H, T, O, values, run, g, t, NULL);
  tile_rect *lay;
  tile_layout(W, H, T, O, &lay);
  tile_rect z = tile_zone(&lay[5], W, H, O);
  off = 0;
  for (int y = z.y; y < z.y + z.h; y++)
    for (int x = z.x; x < z.x + z.w; x++) off += t[(size_t)y * W + x] != 255;
  CHECK(off == 0);
  CHECK(t[0] == 0 && t[(size_t)(H - 1) * W + W - 1] == 0);
  int jump = 0;
  for (int y = 0; y < H; y++)
    for (int x = 1; x < W; x++) {
      int d = abs(t[(size_t)y * W + x] - t[(size_t)y * W + x - 1]);
      if (d > jump) jump = d;
    }
  printf("largest step around a tile run alone: %d\n", jump);
  CHECK(jump <= 255 * 8 / O); /* a fade over a fifth of the overlap, no seam */
  free(lay);
  /* Tiles alternating 0 and 255: no seam, the step between neighbours stays small. */
  for (int i = 0; i < 64; i++) values[i] = (uint8_t)(i % 2 ? 255 : 0);
  blend(W, H, T, O, values, NULL, g, t, NULL);
  int step = 0;
  for (int y = 0; y < H; y++)
    for (int x = 1; x < W; x++) {
      int d = abs(t[(size_t)y * W + x] - t[(size_t)y * W + x - 1]);
      if (d > step) step = d;
    }
  printf("largest step between neighbours across 0/255 tiles: %d\n", step);
  CHECK(step <= 255 * 4 / O);
  free(wsum);
  free(g);
  free(t);
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

/* The fusion rules on a global mask with a vertical edge at x = 400 (background left). */
static void test_fusion(void) {
  enum { W = 800, H = 200, D = 64 };
  size_t px = (size_t)W * H;
  uint8_t *g = malloc(px), *t = malloc(px), *low = malloc(px), *band = malloc(px);
  uint8_t *out = malloc(px);
  for (size_t i = 0; i < px; i++) g[i] = i % W < 400 ? 0 : 255;
  CHECK(tile_edge_band(g, W, H, D, band));
  /* The tiles agree on the edge and add strands: every 4th column of background left of
   * the edge is a 2-px strand. The strands appear near the edge, not far from it. */
  for (size_t i = 0; i < px; i++) {
    int x = (int)(i % W);
    t[i] = x >= 400 || (x >= 300 && x % 8 < 2) ? 255 : 0;
  }
  CHECK(tile_disagreement(t, g, W, H, D, low) == 0);
  tile_fuse(g, t, low, band, W, H, out);
  int strands = 0, far_kept = 1, fg_kept = 1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      size_t i = (size_t)y * W + x;
      if (x >= 399 - D / 2 && x < 399 && x % 8 < 2) strands += out[i] >= 200;
      if (x < 399 - D && out[i] != 0) far_kept = 0;
      if (x >= 400 && out[i] != 255) fg_kept = 0;
    }
  printf("strand pixels kept near the edge: %d of %d\n", strands, H * (D / 2 / 8) * 2);
  CHECK(strands >= H * (D / 2 / 8) * 2 * 9 / 10);
  CHECK(far_kept);
  CHECK(fg_kept);
  /* A tile that sees only the inside of the subject and calls it background: its coarse view
   * disagrees with the sure global mask, so the subject stays (only the cell across the
   * edge, whose mean is partly background, may give way). A tile that invents foreground
   * over the sure background is refused the same way. */
  tile_edge_band(g, W, H, 4 * D, band); /* the band reaches well past the cell across the edge */
  for (int v = 0; v <= 255; v += 255) {
    memset(t, v, px);
    CHECK(tile_disagreement(t, g, W, H, D, low) == 0);
    tile_fuse(g, t, low, band, W, H, out);
    int kept = 1;
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++)
        if ((x < 400 - D || x >= 400 + D) && out[(size_t)y * W + x] != g[(size_t)y * W + x])
          kept = 0;
    CHECK(kept);
  }
  tile_edge_band(g, W, H, D, band);
  /* Where the global mask is unsure (a grey band along the edge), the tiles decide. */
  for (size_t i = 0; i < px; i++) {
    int x = (int)(i % W);
    g[i] = x < 380 ? 0 : x < 420 ? 128 : 255;
    t[i] = x < 410 ? 0 : 255;
  }
  tile_edge_band(g, W, H, D, band);
  CHECK(tile_disagreement(t, g, W, H, D, low) == 0);
  tile_fuse(g, t, low, band, W, H, out);
  int decided = 1;
  for (int y = 0; y < H; y++)
    for (int x = 384; x < 416; x++) {
      size_t i = (size_t)y * W + x;
      if (x < 404 && out[i] > 40) decided = 0;
      if (x >= 412 && out[i] < 215) decided = 0;
    }
  CHECK(decided);
  free(g);
  free(t);
  free(low);
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
  test_zones(2400, 1800, 1024, 256);
  test_zones(1025, 2049, 512, 100);
  test_zones(700, 500, 256, 64);
  test_selection();
  test_seamless();
  test_band();
  test_fusion();
  return CHECK_DONE();
}
