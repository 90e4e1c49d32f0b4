/* The tile pass: the network on native-resolution tiles where the global mask is uncertain,
 * the tiles blended and fused with the global mask. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/model.h"
#include "pipeline/tiles.h"

#define MIN_TILE 32
#define MAX_TILE_SCALE 64

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

/* Photo pixels per tile pixel (opts->tile_scale, or the automatic rule), and the size of
 * the photo scaled by it. */
static ct_status tile_scaling(const ct_model *model, int width, int height,
                              const ct_remove_options *opts, double *scale, int *sw, int *sh,
                              ct_error *err) {
  double s = opts ? opts->tile_scale : 0;
  if (!(s == 0 || (s >= 1 && s <= MAX_TILE_SCALE)))
    return ct_fail(err, CT_ERR_ARGUMENT, "the tile scale must be between 1 and %d, not %g",
                   MAX_TILE_SCALE, s);
  if (s == 0) {
    int longest = width > height ? width : height, side = model->width > model->height
                                                            ? model->width : model->height;
    s = (double)longest / (CT_TILE_AUTO_SPAN * side);
    if (s < 1) s = 1;
  }
  *scale = s;
  *sw = (int)(width / s + 0.5);
  *sh = (int)(height / s + 0.5);
  if (*sw < 1) *sw = 1;
  if (*sh < 1) *sh = 1;
  return CT_OK;
}

ct_status ct_tile_count(const ct_model *model, int width, int height,
                        const ct_remove_options *opts, int *count, ct_error *err) {
  if (!model || !count || width <= 0 || height <= 0)
    return ct_fail(err, CT_ERR_ARGUMENT, "missing argument or empty photo");
  *count = 0;
  int size, overlap, sw, sh;
  double scale;
  ct_status st = tile_geometry(model, opts, &size, &overlap, err);
  if (!st) st = tile_scaling(model, width, height, opts, &scale, &sw, &sh, err);
  if (st) return st;
  *count = tile_axis(sw, size, overlap, NULL, 0) * tile_axis(sh, size, overlap, NULL, 0);
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

/* The tile pass on the photo as it is (tiles of its own pixels). */
static ct_status tiles_at(ct_model *model, const ct_image *photo, const ct_image *global_mask,
                          const ct_remove_options *opts, int size, int overlap,
                          ct_image **mask, int *tiles_run, ct_error *err) {
  int W = photo->width, H = photo->height;
  ct_status st = CT_OK;
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
  *tiles_run = run;
  *mask = out;
  return CT_OK;
}

/* The tile pass on the photo scaled down by `scale`: the tiles' change to the scaled global
 * mask, scaled back up, is added to the global mask, which stays as it was wherever the
 * tiles changed nothing. */
static ct_status tiles_scaled(ct_model *model, const ct_image *photo, const ct_image *global,
                              const ct_remove_options *opts, int size, int overlap, int sw,
                              int sh, ct_image **mask, int *tiles_run, ct_error *err) {
  ct_img *ps = NULL, *gs = NULL, *fs = NULL, *out = img_new(photo->width, photo->height, 1);
  float *delta = NULL;
  ct_status st = CT_OK;
  if (!out || img_resize(photo, sw, sh, &ps) || img_resize(global, sw, sh, &gs))
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for the tiles of a %dx%d photo",
                 photo->width, photo->height);
  if (!st) st = tiles_at(model, ps, gs, opts, size, overlap, &fs, tiles_run, err);
  size_t n = (size_t)sw * sh;
  if (!st && !(delta = malloc(n * sizeof *delta)))
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
  if (!st) {
    for (size_t i = 0; i < n; i++) delta[i] = (fs->data[i] - gs->data[i]) * (1.0f / 255.0f);
    if (img_upscale_add(delta, sw, sh, photo->width, photo->height, global->data, out->data))
      st = ct_fail(err, CT_ERR_INTERNAL, "cannot resize the tiles' mask");
  }
  const char *debug = opts ? opts->debug_dir : NULL; /* global and fused at full size */
  if (!st && debug)
    st = tile_debug_write(debug, "global.png", global->data, photo->width, photo->height, 1, err);
  if (!st && debug)
    st = tile_debug_write(debug, "fused.png", out->data, photo->width, photo->height, 1, err);
  free(delta);
  img_free(ps);
  img_free(gs);
  img_free(fs);
  if (st) {
    img_free(out);
    return st;
  }
  *mask = out;
  return CT_OK;
}

ct_status ct_tiled_mask(ct_model *model, const ct_image *photo, const ct_image *global_mask,
                        const ct_remove_options *opts, ct_image **mask, int *tiles_run,
                        ct_error *err) {
  if (!model || !photo || !global_mask || !mask)
    return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *mask = NULL;
  if (tiles_run) *tiles_run = 0;
  ct_status st = ct_check_plane(photo, global_mask, "global mask", err);
  int size, overlap, sw, sh, run = 0;
  double scale;
  if (!st) st = tile_geometry(model, opts, &size, &overlap, err);
  if (!st) st = tile_scaling(model, photo->width, photo->height, opts, &scale, &sw, &sh, err);
  if (st) return st;
  if (sw == photo->width && sh == photo->height)
    st = tiles_at(model, photo, global_mask, opts, size, overlap, mask, &run, err);
  else
    st = tiles_scaled(model, photo, global_mask, opts, size, overlap, sw, sh, mask, &run, err);
  if (!st && tiles_run) *tiles_run = run;
  return st;
}
