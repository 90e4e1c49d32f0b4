/* The tile pass: the network on native-resolution tiles where the global mask is uncertain,
 * the tiles blended and fused with the global mask. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/model.h"
#include "pipeline/tiles.h"

#define MIN_TILE 32

static ct_status tile_geometry(const ct_model *model, const ct_remove_options *opts, int *size,
                               int *overlap, ct_error *err) {
  int s = opts && opts->tile_size ? opts->tile_size : model->width;
  if (s < MIN_TILE)
    return ct_fail(err, CT_ERR_ARGUMENT, "the tile size must be at least %d pixels, not %d",
                   MIN_TILE, s);
  int o = opts && opts->tile_overlap ? opts->tile_overlap : s / 4;
  if (o < 0 || o > s / 2)
    return ct_fail(err, CT_ERR_ARGUMENT,
                   "the tile overlap must be between 0 and half the tile size (%d), not %d",
                   s / 2, o);
  *size = s;
  *overlap = o;
  return CT_OK;
}

ct_status ct_tile_count(const ct_model *model, int width, int height,
                        const ct_remove_options *opts, int *count, ct_error *err) {
  if (!model || !count || width <= 0 || height <= 0)
    return ct_fail(err, CT_ERR_ARGUMENT, "missing argument or empty photo");
  *count = 0;
  int size, overlap;
  ct_status st = tile_geometry(model, opts, &size, &overlap, err);
  if (st) return st;
  *count = tile_axis(width, size, overlap, NULL, 0) * tile_axis(height, size, overlap, NULL, 0);
  return CT_OK;
}

/* The tile's pixels as RGB (grey photos replicated). */
static void crop(const ct_img *photo, const tile_rect *r, ct_img *dst) {
  int ch = photo->channels;
  dst->width = r->w;
  dst->height = r->h;
  for (int y = 0; y < r->h; y++) {
    const uint8_t *s = photo->data + ((size_t)(r->y + y) * photo->width + r->x) * ch;
    uint8_t *d = dst->data + (size_t)y * r->w * 3;
    for (int x = 0; x < r->w; x++, s += ch, d += 3) {
      d[0] = s[0];
      d[1] = ch >= 3 ? s[1] : s[0];
      d[2] = ch >= 3 ? s[2] : s[0];
    }
  }
}

/* One network pass over a tile; its mask (r->w x r->h bytes) into tmask. */
static ct_status infer_tile(ct_model *model, const ct_img *photo, const tile_rect *r,
                            ct_img *buf, uint8_t *tmask, ct_error *err) {
  crop(photo, r, buf);
  float *small;
  ct_status st = ct_model_infer(model, buf, &small, err);
  if (st) return st;
  int rc = img_upscale_mask(small, model->width, model->height, r->w, r->h, tmask);
  free(small);
  return rc ? ct_fail(err, CT_ERR_INTERNAL, "cannot resize the mask of a tile") : CT_OK;
}

/* The tiles' blend: the needed tiles inferred row of tiles by row of tiles, accumulated in a
 * strip one tile high, and each stretch of rows finished (written into blend, global where
 * no tile ran) once no later tile reaches it. ran[t] tells which tiles ran. */
static ct_status blend_tiles(ct_model *model, const ct_img *photo, const uint8_t *global,
                             const tile_rect *tiles, int n, int size, int overlap,
                             uint8_t *blend, uint8_t *ran, int *run, ct_error *err) {
  int W = photo->width, H = photo->height, th = tiles[0].h;
  size_t strip = (size_t)th * W;
  float *acc = calloc(strip, sizeof *acc), *wsum = calloc(strip, sizeof *wsum);
  float *sum_x = malloc((size_t)W * sizeof *sum_x), *sum_y = malloc((size_t)H * sizeof *sum_y);
  ct_img *buf = img_new(tiles[0].w, th, 3);
  uint8_t *tmask = malloc((size_t)tiles[0].w * th);
  ct_status st = CT_OK;
  if (!acc || !wsum || !sum_x || !sum_y || !buf || !tmask)
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for the tiles of a %dx%d photo", W, H);
  else {
    tile_ramp_sum(W, size, overlap, sum_x);
    tile_ramp_sum(H, size, overlap, sum_y);
  }
  int y0 = 0; /* the strip's first row */
  for (int t = 0; t < n && !st;) {
    int ty = tiles[t].y;
    for (; t < n && tiles[t].y == ty && !st; t++) {
      tile_rect zone = tile_zone(&tiles[t], W, H, overlap);
      ran[t] = (uint8_t)tile_needed(global, W, &zone);
      if (!ran[t]) continue;
      st = infer_tile(model, photo, &tiles[t], buf, tmask, err);
      if (!st && tile_accumulate(tmask, &tiles[t], overlap, W, H, y0, acc, wsum))
        st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
      if (!st) (*run)++;
    }
    if (st) break;
    int next = t < n ? tiles[t].y : H; /* rows above the next tile row are final */
    tile_blend_rows(global, acc, wsum, sum_x, sum_y, W, y0, next, y0, blend);
    size_t keep = (size_t)(y0 + th - next) * W, done = (size_t)(next - y0) * W;
    if (next < H) {
      memmove(acc, acc + done, keep * sizeof *acc);
      memmove(wsum, wsum + done, keep * sizeof *wsum);
      memset(acc + keep, 0, (strip - keep) * sizeof *acc);
      memset(wsum + keep, 0, (strip - keep) * sizeof *wsum);
    }
    y0 = next;
  }
  free(acc);
  free(wsum);
  free(sum_x);
  free(sum_y);
  img_free(buf);
  free(tmask);
  return st;
}

ct_status ct_tiled_mask(ct_model *model, const ct_image *photo, const ct_image *global_mask,
                        const ct_remove_options *opts, ct_image **mask, int *tiles_run,
                        ct_error *err) {
  if (!model || !photo || !global_mask || !mask)
    return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *mask = NULL;
  if (tiles_run) *tiles_run = 0;
  int W = photo->width, H = photo->height;
  ct_status checked = ct_check_plane(photo, global_mask, "global mask", err);
  if (checked) return checked;
  int size, overlap;
  ct_status st = tile_geometry(model, opts, &size, &overlap, err);
  if (st) return st;
  tile_rect *tiles = NULL;
  int n = tile_layout(W, H, size, overlap, &tiles);
  size_t px = (size_t)W * H;
  uint8_t *ran = n > 0 ? calloc((size_t)n, 1) : NULL;
  uint8_t *band = malloc(px), *low = malloc(px);
  ct_img *out = img_new(W, H, 1);
  int run = 0;
  if (n <= 0 || !ran || !band || !low || !out)
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for the tiles of a %dx%d photo", W, H);
  else
    st = blend_tiles(model, photo, global_mask->data, tiles, n, size, overlap, out->data, ran,
                     &run, err);
  const char *debug = opts ? opts->debug_dir : NULL;
  if (!st && debug) st = tile_debug_write(debug, "global.png", global_mask->data, W, H, 1, err);
  if (!st && debug) st = tile_debug_write(debug, "tiles.png", out->data, W, H, 1, err);
  if (!st && debug) st = tile_debug_chosen(debug, global_mask->data, tiles, n, ran, W, H, err);
  if (!st && tile_disagreement(out->data, global_mask->data, W, H, size / 32, low))
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
  if (!st) {
    tile_edge_band(global_mask->data, W, H, size / 4, band);
    tile_fuse(global_mask->data, out->data, low, band, W, H, out->data);
  }
  if (!st && debug) st = tile_debug_write(debug, "fused.png", out->data, W, H, 1, err);
  free(tiles);
  free(ran);
  free(band);
  free(low);
  if (st) {
    img_free(out);
    return st;
  }
  if (tiles_run) *tiles_run = run;
  *mask = out;
  return CT_OK;
}
