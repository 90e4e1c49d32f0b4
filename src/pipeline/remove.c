/* remove(): the global pass (with the per-channel pass when asked), the tile pass and the
 * matting when asked, or with a subject the mask of its instances (subject.c), then the
 * alpha joined to the photo (ct_composite). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/model.h"
#include "pipeline/subject.h"
#include "pipeline/tiles.h"

void ct_remove_options_init(ct_remove_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->foreground = 1;
  opts->framing = CT_FRAMING_AUTO;
  opts->tiles = CT_TILES_AUTO;
  opts->matting = CT_MATTING_FULL;
}

void ct_remove_options_fast(ct_remove_options *opts) {
  ct_remove_options_init(opts);
  opts->framing = CT_FRAMING_STRETCH;
  opts->tiles = 0;
  opts->matting = CT_MATTING_OFF;
}

/* A mask of the network's output (mw x mh floats) upscaled to the photo's size into *mask. */
ct_status ct_mask_from_small(const float *small, int mw, int mh, const ct_image *photo,
                             ct_image **mask, ct_error *err) {
  ct_img *m = img_new(photo->width, photo->height, 1);
  if (!m)
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d mask", photo->width,
                   photo->height);
  if (img_upscale_mask(small, mw, mh, photo->width, photo->height, m->data)) {
    img_free(m);
    return ct_fail(err, CT_ERR_INTERNAL, "cannot resize the mask");
  }
  *mask = m;
  return CT_OK;
}

ct_status ct_predict_mask(ct_model *model, const ct_image *photo, ct_image **mask,
                          ct_error *err) {
  if (!model || !photo || !mask) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *mask = NULL;
  float *small;
  ct_status st = ct_model_infer(model, photo, &small, err);
  if (st) return st;
  st = ct_mask_from_small(small, model->width, model->height, photo, mask, err);
  free(small);
  return st;
}

ct_status ct_apply_mask(const ct_image *photo, const ct_image *mask, ct_image **rgba,
                        ct_error *err) {
  if (!photo || !mask || !rgba) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *rgba = NULL;
  ct_status st = ct_check_plane(photo, mask, "mask", err);
  if (st) return st;
  ct_img *out = img_new(photo->width, photo->height, 4);
  if (!out)
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d image", photo->width,
                   photo->height);
  size_t n = (size_t)photo->width * photo->height;
  int ch = photo->channels;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *s = photo->data + i * ch;
    uint8_t *d = out->data + i * 4;
    d[0] = s[0];
    d[1] = ch >= 3 ? s[1] : s[0];
    d[2] = ch >= 3 ? s[2] : s[0];
    d[3] = mask->data[i];
  }
  *rgba = out;
  return CT_OK;
}

/* Trimap (opts->trimap, or made from *mask) and matting; *mask becomes the matte. With a
 * debug folder, trimap.png and matte.png are written there. */
static ct_status matte_stage(const ct_image *photo, const ct_remove_options *opts,
                             ct_img **mask, ct_error *err) {
  const ct_img *trimap = opts->trimap;
  ct_img *made = NULL, *alpha = NULL;
  ct_status st = CT_OK;
  if (!trimap) {
    st = ct_trimap(photo, *mask, opts, &made, err);
    trimap = made;
  }
  if (!st && opts->debug_dir)
    st = tile_debug_write(opts->debug_dir, "trimap.png", trimap->data, trimap->width,
                          trimap->height, 1, err);
  if (!st) st = ct_matte(photo, *mask, trimap, opts, &alpha, err);
  if (!st && opts->debug_dir)
    st = tile_debug_write(opts->debug_dir, "matte.png", alpha->data, alpha->width,
                          alpha->height, 1, err);
  img_free(made);
  if (st) {
    img_free(alpha);
    return st;
  }
  img_free(*mask);
  *mask = alpha;
  return CT_OK;
}

/* --debug-dir's decisions.json: what the automatic choices decided and why. */
static ct_status write_decisions(const char *dir, const ct_image *photo, const ct_model *model,
                                 const ct_remove_options *opts, const ct_remove_stats *st,
                                 int tiles, ct_error *err) {
  char path[4096], tmp[4200];
  if (snprintf(path, sizeof path, "%s/decisions.json", dir) >= (int)sizeof path)
    return ct_fail(err, CT_ERR_ARGUMENT, "the debug folder's name is too long");
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return ct_fail(err, CT_ERR_IO, "cannot write %s", tmp);
  static const char *const framing[] = {"auto", "stretch", "fit"};
  static const char *const matting[] = {"off", "fast", "full"};
  int longer = photo->width > photo->height ? photo->width : photo->height;
  int input = model->width > model->height ? model->width : model->height;
  fprintf(f, "{\n  \"framing_asked\": \"%s\",\n  \"framing\": \"%s\",\n",
          (unsigned)opts->framing < 3 ? framing[opts->framing] : "?", st->framing == CT_FRAMING_FIT ? "fit" : "stretch");
  fprintf(f, "  \"unsure_stretched\": %.4f,\n  \"unsure_fitted\": %.4f,\n",
          st->unsure_stretched, st->unsure_fitted);
  fprintf(f, "  \"framing_rule\": \"letterboxed as well when more than %.1f%% of the stretched "
             "mask is unsure (between 0.1 and 0.9); the surer mask kept (-1: not run)\",\n",
          100 * CT_FRAMING_UNSURE);
  fprintf(f, "  \"tiles_asked\": \"%s\",\n  \"tiles\": %s,\n",
          opts->tiles == CT_TILES_AUTO ? "auto" : opts->tiles ? "on" : "off",
          tiles ? "true" : "false");
  fprintf(f, "  \"tiles_rule\": \"automatic tiles when the photo's longer side (%d px) is at "
             "least %d network inputs (%d px)\",\n  \"tiles_run\": %d,\n  \"tiles_total\": %d,\n",
          longer, CT_TILES_AUTO_MIN, CT_TILES_AUTO_MIN * input, st->tiles_run, st->tiles_total);
  if (opts->subject)
    fprintf(f, "  \"subject\": \"%s\",\n  \"instances_found\": %d,\n  \"instances_kept\": %d,\n",
            opts->subject, st->instances_found, st->instances_kept);
  fprintf(f, "  \"matting\": \"%s\",\n  \"unknown_pixels\": %ld\n}\n",
          (unsigned)opts->matting < 3 ? matting[opts->matting] : "?", st->unknown);
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path) != 0) {
    remove(tmp);
    return ct_fail(err, CT_ERR_IO, "cannot write %s", path);
  }
  return CT_OK;
}

/* The mask of the photo: the global pass, then the tile pass, the refiner and the matting
 * as opts ask (tiles: whether the tile pass runs). */
static ct_status photo_mask(ct_model *model, const ct_image *photo,
                            const ct_remove_options *opts, ct_remove_stats *stats, int tiles,
                            ct_img **out, ct_error *err) {
  double t = ct_seconds();
  ct_img *mask;
  ct_status st = opts->channels ? ct_channel_mask(model, photo, &mask, err)
                                : ct_global_mask(model, photo, opts, &mask, err);
  if (st) return st;
  stats->global_s = ct_seconds() - t;
  if (opts->debug_dir && !tiles)
    st = tile_debug_write(opts->debug_dir, "global.png", mask->data, mask->width, mask->height,
                          1, err);
  if (st) {
    img_free(mask);
    return st;
  }
  if (tiles) {
    ct_img *tiled;
    t = ct_seconds();
    st = ct_tiled_mask(model, photo, mask, opts, &tiled, &stats->tiles_run, err);
    img_free(mask);
    if (st) return st;
    mask = tiled;
    stats->tiles_s = ct_seconds() - t;
  }
  if (opts->refiner) {
    ct_img *tri = NULL, *refined = NULL;
    t = ct_seconds();
    st = opts->trimap ? CT_OK : ct_trimap(photo, mask, opts, &tri, err);
    if (!st) st = ct_refine(opts->refiner, photo, mask, opts->trimap ? opts->trimap : tri,
                            &refined, err);
    img_free(tri);
    if (!st && opts->debug_dir)
      st = tile_debug_write(opts->debug_dir, "refined.png", refined->data, refined->width,
                            refined->height, 1, err);
    img_free(mask);
    mask = refined;
    if (st) {
      img_free(mask);
      return st;
    }
    stats->refine_s = ct_seconds() - t;
  }
  if (opts->matting != CT_MATTING_OFF) {
    t = ct_seconds();
    st = matte_stage(photo, opts, &mask, err);
    if (st) {
      img_free(mask);
      return st;
    }
    stats->matting_s = ct_seconds() - t;
  }
  *out = mask;
  return CT_OK;
}

ct_status ct_remove(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                    ct_image **out, ct_error *err) {
  ct_remove_options defaults;
  if (!opts) {
    ct_remove_options_init(&defaults);
    opts = &defaults;
  }
  if (!out) return ct_fail(err, CT_ERR_ARGUMENT, "no result given");
  *out = NULL;
  ct_remove_stats local, *stats = opts->stats ? opts->stats : &local;
  memset(stats, 0, sizeof *stats);
  stats->framing = CT_FRAMING_STRETCH; /* (what the per-channel pass does) */
  stats->unsure_stretched = stats->unsure_fitted = -1;
  ct_status st = CT_OK;
  if (!model || !photo) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  int tiles = opts->tiles;
  if (tiles == CT_TILES_AUTO) {
    int longer = photo->width > photo->height ? photo->width : photo->height;
    int input = model->width > model->height ? model->width : model->height;
    tiles = (int64_t)longer >= (int64_t)CT_TILES_AUTO_MIN * input;
  }
  if (tiles) /* bad tile sizes: said before any work */
    st = ct_tile_count(model, photo->width, photo->height, opts, &stats->tiles_total, err);
  if (st) return st;
  ct_img *mask = NULL;
  if (opts->subject) {
    st = subject_mask(model, photo, opts, stats, &mask, err);
    if (!st && mask && opts->debug_dir)
      st = tile_debug_write(opts->debug_dir, "subject.png", mask->data, mask->width,
                            mask->height, 1, err);
    if (st) {
      img_free(mask);
      return st;
    }
  }
  if (!mask) {
    st = photo_mask(model, photo, opts, stats, tiles, &mask, err);
    if (st) return st;
  }
  if (opts->debug_dir) {
    st = write_decisions(opts->debug_dir, photo, model, opts, stats, tiles, err);
    if (st) {
      img_free(mask);
      return st;
    }
  }
  if (opts->mask_only) {
    *out = mask;
    return CT_OK;
  }
  double t = ct_seconds();
  st = ct_composite(photo, mask, opts, out, err);
  stats->composite_s = ct_seconds() - t;
  img_free(mask);
  return st;
}
