/* The tile pass without the network: where tiles go, which ones are needed, how their masks
 * are blended into one, and how the blend is fused with the global mask.
 *
 * Tiles form a grid: along each axis the positions are 0, S, 2S, ... (S = size - overlap) and
 * the last tile is shifted inward to end at the image border, so neighbours overlap by at
 * least the overlap. Each tile's weight is wx(x) * wy(y): a raised-cosine ramp over the first
 * and last `overlap` pixels of the tile, except on sides that touch the image border. */
#ifndef CUTOUT_PIPELINE_TILES_H
#define CUTOUT_PIPELINE_TILES_H

#include <stdint.h>

#include "cutout.h"

/* Alpha values strictly between these are uncertain (about 0.05 .. 0.95). */
#define TILE_SURE_BG 13
#define TILE_SURE_FG 242

typedef struct tile_rect {
  int x, y, w, h;
} tile_rect;

/* Start positions of the tiles along one axis of length n for tiles of length size with
 * the given overlap (0 <= overlap < size). Writes up to max positions into pos (may be NULL
 * to count) and returns how many tiles the axis needs; the tile length is min(size, n). */
int tile_axis(int n, int size, int overlap, int *pos, int max);

/* The grid of tiles over a width x height image, row by row. *out is malloc'd; returns the
 * count, or -1 for bad arguments or no memory. */
int tile_layout(int width, int height, int size, int overlap, tile_rect **out);

/* 1 when the rectangle r of mask (width pixels a row) holds an uncertain pixel, or both a
 * sure foreground and a sure background pixel; 0 when it is all sure foreground or all sure
 * background. */
int tile_needed(const uint8_t *mask, int width, const tile_rect *r);

/* The part of tile r (on a width x height image) that the tile owns: the tile less half the
 * overlap on each side that has a neighbour, plus TILE_ZONE_MARGIN pixels (with overlaps of
 * 32 and more), where its ramps are at least about 0.45 on both axes (their product at
 * least TILE_BLEND_FULL). The zones of a layout cover the image; a tile is run when
 * tile_needed holds on its zone, so every uncertain pixel lies in the zone of a tile that
 * ran, where the blend is that of the tiles alone. */
#define TILE_ZONE_MARGIN 2
tile_rect tile_zone(const tile_rect *r, int width, int height, int overlap);

/* The weight ramp of a tile at pos, of length len, on an axis of length n: w[0..len).
 * Inside the tile away from its ends the weight is 1; over the first and last overlap pixels
 * it rises from near 0 to 1 (raised cosine), except at ends that touch the image border. */
void tile_ramp(int pos, int len, int n, int overlap, float *w);

/* The sum over all tiles of an axis of their ramps, at every position: sum[0..n). */
void tile_ramp_sum(int n, int size, int overlap, float *sum);

/* Adds the tile's mask (r->w x r->h bytes, 255 = foreground) times its weight into acc and
 * the weight into wsum: img_w floats a row, whose first row is the image's row strip_y0.
 * Returns -1 when out of memory. */
int tile_accumulate(const uint8_t *tile_mask, const tile_rect *r, int overlap, int img_w,
                    int img_h, int strip_y0, float *acc, float *wsum);

/* Rows y0..y1 of the tiles' blend. With w = wsum / (sum_x * sum_y), the share of the tiles
 * that ran in the weight of all tiles there (sum_x, sum_y from tile_ramp_sum of both axes):
 * where w >= TILE_BLEND_FULL the blend is that of the tiles alone, acc / wsum; below, it
 * fades linearly into the global mask, reached at w = 0 (no tile ran). acc, wsum hold the
 * tiles that ran, rows from strip_y0; global and blend are whole images. */
#define TILE_BLEND_FULL 0.2f
void tile_blend_rows(const uint8_t *global, const float *acc, const float *wsum,
                     const float *sum_x, const float *sum_y, int width, int y0, int y1,
                     int strip_y0, uint8_t *blend);

/* The largest band tile_edge_band measures (distances are kept in bytes). */
#define TILE_BAND_MAX 250

/* Writes into band (width x height bytes) how much the tiles may change each pixel, from the
 * chessboard distance d to the global mask's edge region (uncertain pixels, and sure pixels
 * with a 4-neighbour of the other sure class): 255 for d <= dist/2, falling linearly to 0
 * beyond dist (dist is capped at TILE_BAND_MAX). Returns 1 when any pixel may change. */
int tile_edge_band(const uint8_t *global, int width, int height, int dist, uint8_t *band);

/* How much the tiles' blend t and the global mask g disagree at the scale of objects:
 * |mean(t - g)| over cells of cell x cell pixels, interpolated between cell centres, as
 * 0..255. Returns -1 when out of memory. */
int tile_disagreement(const uint8_t *t, const uint8_t *g, int width, int height, int cell,
                      uint8_t *dis);

/* The fused mask: out = g + gate * (t - g), scaled by band / 255 (tile_edge_band). The
 * gate is 1 where the tiles agree with the global mask at the scale of objects (dis, from
 * tile_disagreement, up to 0.15) and falls to 0 at 0.4, so a tile that sees too little of
 * the subject to recognise it cannot erase or invent it, while strands and edges it sees
 * finer than the global pass come through. out may alias t. */
void tile_fuse(const uint8_t *global, const uint8_t *t, const uint8_t *dis, const uint8_t *band,
               int width, int height, uint8_t *out);

/* --debug-dir (tile_debug.c): a mask or image as dir/name (PNG), and the tile map
 * dir/tiles-chosen.png: the global mask with the tiles that ran (ran[t]) tinted. */
ct_status tile_debug_write(const char *dir, const char *name, const uint8_t *data, int w, int h,
                           int channels, ct_error *err);
ct_status tile_debug_chosen(const char *dir, const uint8_t *global, const tile_rect *tiles,
                            int n, const uint8_t *ran, int w, int h, ct_error *err);

#endif
