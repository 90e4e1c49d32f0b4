/* remove(): the global pass (with the per-channel pass when asked), the tile pass when asked, then the alpha joined to the photo
 * (ct_composite). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/model.h"
#include "pipeline/tiles.h"

void ct_remove_options_init(ct_remove_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->foreground = 1;
}

ct_status ct_predict_mask(ct_model *model, const ct_image *photo, ct_image **mask,
                          ct_error *err) {
  if (!model || !photo || !mask) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *mask = NULL;
  float *small;
  ct_status st = ct_model_infer(model, photo, &small, err);
  if (st) return st;
  ct_img *m = img_new(photo->width, photo->height, 1);
  if (!m) {
    free(small);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d mask", photo->width,
                   photo->height);
  }
  int rc = img_upscale_mask(small, model->width, model->height, photo->width, photo->height,
                            m->data);
  free(small);
  if (rc) {
    img_free(m);
    return ct_fail(err, CT_ERR_INTERNAL, "cannot resize the mask");
  }
  *mask = m;
  return CT_OK;
}

ct_status ct_apply_mask(const ct_image *photo, const ct_image *mask, ct_image **rgba,
                        ct_error *err) {
  if (!photo || !mask || !rgba) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *rgba = NULL;
  if (mask->channels != 1 || mask->width != photo->width || mask->height != photo->height)
    return ct_fail(err, CT_ERR_ARGUMENT, "the mask must be 1 channel of %dx%d, not %d of %dx%d",
                   photo->width, photo->height, mask->channels, mask->width, mask->height);
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

ct_status ct_remove(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                    ct_image **out, ct_error *err) {
  ct_remove_options defaults;
  if (!opts) {
    ct_remove_options_init(&defaults);
    opts = &defaults;
  }
  if (!out) return ct_fail(err, CT_ERR_ARGUMENT, "no result given");
  *out = NULL;
  ct_img *mask;
  ct_status st = opts->channels ? ct_channel_mask(model, photo, &mask, err)
                                : ct_predict_mask(model, photo, &mask, err);
  if (st) return st;
  if (opts->debug_dir && !opts->tiles)
    st = tile_debug_write(opts->debug_dir, "global.png", mask->data, mask->width, mask->height,
                          1, err);
  if (st) {
    img_free(mask);
    return st;
  }
  if (opts->tiles) {
    ct_img *tiled;
    st = ct_tiled_mask(model, photo, mask, opts, &tiled, NULL, err);
    img_free(mask);
    if (st) return st;
    mask = tiled;
  }
  if (opts->mask_only) {
    *out = mask;
    return CT_OK;
  }
  st = ct_composite(photo, mask, opts, out, err);
  img_free(mask);
  return st;
}
