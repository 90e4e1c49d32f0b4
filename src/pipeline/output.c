/* The last stage of remove(): the cutout's colours (the estimated foreground or the photo's
 * own) with its alpha, as RGBA or over a background colour or image. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "matte/matte.h"

ct_status ct_composite(const ct_image *photo, const ct_image *alpha,
                       const ct_remove_options *opts, ct_image **out, ct_error *err) {
  ct_remove_options defaults;
  if (!opts) {
    ct_remove_options_init(&defaults);
    opts = &defaults;
  }
  if (!photo || !alpha || !out) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *out = NULL;
  const int w = photo->width, h = photo->height;
  ct_status checked = ct_check_plane(photo, alpha, "alpha", err);
  if (checked) return checked;
  if (photo->channels != 1 && photo->channels != 3 && photo->channels != 4)
    return ct_fail(err, CT_ERR_ARGUMENT, "the photo must have 1, 3 or 4 channels, not %d",
                   photo->channels);
  const ct_img *bg = opts->bg_image;
  if (bg && opts->bg_color[3] > 0)
    return ct_fail(err, CT_ERR_ARGUMENT, "a background colour and a background image: choose one");
  if (bg && (bg->channels != 3 && bg->channels != 4))
    return ct_fail(err, CT_ERR_ARGUMENT, "the background image must be RGB or RGBA, not %d channels",
                   bg->channels);
  int channels = bg ? bg->channels : opts->bg_color[3] == 255 ? 3 : 4;
  size_t n = (size_t)w * h;
  uint8_t *copy = NULL, *fg = NULL;
  const uint8_t *rgb = img_rgb_view(photo, &copy);
  ct_img *o = img_new(w, h, channels);
  ct_status st = CT_OK;
  char msg[256] = "";
  if (!rgb || !o || (opts->foreground && !(fg = malloc(n * 3)))) {
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d cutout", w, h);
    goto done;
  }
  if (opts->foreground && mt_foreground(rgb, alpha->data, w, h, fg, msg, sizeof msg)) {
    st = ct_fail(err, CT_ERR_MEMORY, "%s", msg); /* its only failure once the sizes are valid */
    goto done;
  }
  const uint8_t *colour = fg ? fg : rgb;
  if (bg) {
    if (mt_over_image(colour, alpha->data, w, h, bg->data, bg->width, bg->height, bg->channels,
                      o->data, channels, msg, sizeof msg))
      st = ct_fail(err, bg->width > 0 && bg->height > 0 ? CT_ERR_MEMORY : CT_ERR_ARGUMENT, "%s",
                   msg);
  } else if (opts->bg_color[3] > 0) {
    mt_over_colour(colour, alpha->data, n, opts->bg_color, o->data, channels);
  } else {
    mt_rgba(colour, alpha->data, n, o->data);
  }
done:
  free(copy);
  free(fg);
  if (st) {
    img_free(o);
    return st;
  }
  *out = o;
  return CT_OK;
}

ct_status ct_estimate_foreground(const ct_image *photo, const ct_image *alpha,
                                 ct_image **rgba, ct_error *err) {
  ct_remove_options o;
  ct_remove_options_init(&o);
  o.foreground = 1;
  return ct_composite(photo, alpha, &o, rgba, err);
}
