/* The matting stages of remove(): the trimap from the fused mask, and the alpha solved over
 * its unknown band at the photo's own resolution (src/matte does the work; this file checks
 * the images and maps the options). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "matte/matte.h"

static void trimap_opts(const ct_remove_options *opts, mt_trimap_opts *t) {
  mt_trimap_opts_init(t);
  if (!opts) return;
  if (opts->trimap_fg > 0) t->fg_threshold = opts->trimap_fg;
  if (opts->trimap_bg > 0) t->bg_threshold = opts->trimap_bg;
  if (opts->trimap_erode > 0) t->erode = opts->trimap_erode;
  t->slic = opts->trimap_slic != 0;
}

ct_status ct_trimap(const ct_image *photo, const ct_image *mask, const ct_remove_options *opts,
                    ct_image **trimap, ct_error *err) {
  if (!mask || !trimap) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *trimap = NULL;
  mt_trimap_opts t;
  trimap_opts(opts, &t);
  if (mask->channels != 1) return ct_fail(err, CT_ERR_ARGUMENT, "the mask must be 1 channel");
  if (t.slic && !photo)
    return ct_fail(err, CT_ERR_ARGUMENT, "snapping the trimap to superpixels needs the photo");
  ct_status st = photo ? ct_check_plane(photo, mask, "mask", err) : CT_OK;
  if (st) return st;
  ct_img *out = img_new(mask->width, mask->height, 1);
  uint8_t *copy = NULL;
  const uint8_t *rgb = photo && t.slic ? img_rgb_view(photo, &copy) : NULL;
  if (!out || (t.slic && !rgb)) {
    img_free(out);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d trimap", mask->width,
                   mask->height);
  }
  char msg[256] = "";
  int rc = mt_trimap(mask->data, rgb, mask->width, mask->height, &t, out->data, msg, sizeof msg);
  if (rc) {
    st = ct_fail(err, rc == MT_ENOMEM ? CT_ERR_MEMORY : CT_ERR_ARGUMENT, "trimap: %s", msg);
    img_free(out);
    out = NULL;
  }
  free(copy);
  *trimap = out;
  return st;
}

ct_status ct_matte(const ct_image *photo, const ct_image *mask, const ct_image *trimap,
                   const ct_remove_options *opts, ct_image **alpha, ct_error *err) {
  if (!photo || !mask || !alpha) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *alpha = NULL;
  ct_status st = trimap ? ct_check_plane(photo, trimap, "trimap", err) : CT_OK;
  if (!st) st = ct_check_plane(photo, mask, "mask", err);
  if (st) return st;
  ct_matting mode = opts ? opts->matting : CT_MATTING_OFF;
  if (mode != CT_MATTING_OFF && mode != CT_MATTING_FAST && mode != CT_MATTING_FULL)
    return ct_fail(err, CT_ERR_ARGUMENT, "unknown matting mode %d", (int)mode);
  ct_img *out = img_new(photo->width, photo->height, 1);
  if (!out)
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d alpha", photo->width,
                   photo->height);
  memcpy(out->data, mask->data, (size_t)photo->width * photo->height);
  if (mode == CT_MATTING_OFF) {
    *alpha = out;
    return CT_OK;
  }
  ct_img *made = NULL;
  if (!trimap) {
    st = ct_trimap(photo, mask, opts, &made, err);
    if (st) {
      img_free(out);
      return st;
    }
    trimap = made;
  }
  uint8_t *copy = NULL;
  const uint8_t *rgb = img_rgb_view(photo, &copy);
  if (!rgb) {
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d photo", photo->width,
                 photo->height);
  } else {
    mt_solve_opts so;
    mt_solve_opts_init(&so);
    mt_solve_stats ms = {0};
    char msg[256] = "";
    int rc = mt_solve(mode == CT_MATTING_FULL ? MT_MATTING_FULL : MT_MATTING_FAST, rgb,
                      photo->width, photo->height, trimap->data, &so, out->data, &ms, msg,
                      sizeof msg);
    if (rc)
      st = ct_fail(err, rc == MT_ENOMEM ? CT_ERR_MEMORY : CT_ERR_INTERNAL, "matting: %s", msg);
    else if (opts->stats) {
      opts->stats->unknown = ms.unknown;
      opts->stats->iterations = ms.iterations;
      opts->stats->residual = ms.residual;
    }
  }
  free(copy);
  img_free(made);
  if (st) {
    img_free(out);
    return st;
  }
  *alpha = out;
  return CT_OK;
}
