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

/* Infers the needed tiles and adds their masks into acc/wsum. */
static ct_status run_tiles(ct_model *model, const ct_img *photo, const uint8_t *global,
                           const tile_rect *tiles, int n, int overlap, float *acc, float *wsum,
                           int *run, ct_error *err) {
  int W = photo->width, H = photo->height;
  ct_img *buf = img_new(tiles[0].w, tiles[0].h, 3);
  uint8_t *tmask = malloc((size_t)tiles[0].w * tiles[0].h);
  ct_status st = CT_OK;
  if (!buf || !tmask) st = ct_fail(err, CT_ERR_MEMORY, "out of memory for a tile");
  for (int t = 0; t < n && !st; t++) {
    const tile_rect *r = &tiles[t];
    if (!tile_needed(global, W, r)) continue;
    crop(photo, r, buf);
    float *small;
    st = ct_model_infer(model, buf, &small, err);
    if (st) break;
    int rc = img_upscale_mask(small, model->width, model->height, r->w, r->h, tmask);
    free(small);
    if (rc) st = ct_fail(err, CT_ERR_INTERNAL, "cannot resize the mask of a tile");
    else if (tile_accumulate(tmask, r, overlap, W, H, acc, wsum))
      st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
    else
      (*run)++;
  }
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
  if (global_mask->channels != 1 || global_mask->width != W || global_mask->height != H)
    return ct_fail(err, CT_ERR_ARGUMENT,
                   "the global mask must be 1 channel of %dx%d, not %d of %dx%d", W, H,
                   global_mask->channels, global_mask->width, global_mask->height);
  int size, overlap;
  ct_status st = tile_geometry(model, opts, &size, &overlap, err);
  if (st) return st;
  tile_rect *tiles = NULL;
  int n = tile_layout(W, H, size, overlap, &tiles);
  size_t px = (size_t)W * H;
  float *acc = calloc(px, sizeof *acc), *wsum = calloc(px, sizeof *wsum);
  float *sum_x = malloc((size_t)W * sizeof *sum_x), *sum_y = malloc((size_t)H * sizeof *sum_y);
  uint8_t *band = malloc(px);
  ct_img *out = img_new(W, H, 1);
  int run = 0;
  if (n <= 0 || !acc || !wsum || !sum_x || !sum_y || !band || !out) {
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for the tiles of a %dx%d photo", W, H);
  } else {
    st = run_tiles(model, photo, global_mask->data, tiles, n, overlap, acc, wsum, &run, err);
  }
  if (!st) {
    tile_ramp_sum(W, size, overlap, sum_x);
    tile_ramp_sum(H, size, overlap, sum_y);
    tile_edge_band(global_mask->data, W, H, size / 16, band);
    tile_fuse(global_mask->data, acc, wsum, sum_x, sum_y, band, W, H, out->data);
  }
  free(tiles);
  free(acc);
  free(wsum);
  free(sum_x);
  free(sum_y);
  free(band);
  if (st) {
    img_free(out);
    return st;
  }
  if (tiles_run) *tiles_run = run;
  *mask = out;
  return CT_OK;
}
