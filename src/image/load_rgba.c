/* Decoding with transparency: any format libvips reads, to upright 8-bit sRGB + alpha. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image/image_internal.h"

static void step(VipsImage **cur, VipsImage *next) {
  g_object_unref(*cur);
  *cur = next;
}

/* To 4-band 8-bit sRGB + alpha (opaque when the file has none). Takes over the reference on
 * in; -1 with the libvips error pending on failure. */
static int to_srgba8(VipsImage *in, VipsImage **out, int *had_alpha) {
  VipsImage *cur = in, *t = NULL;
  *out = NULL;
  *had_alpha = vips_image_hasalpha(cur);
  if (vips_icc_present() && vips_image_get_typeof(cur, VIPS_META_ICC_NAME)) {
    if (vips_icc_transform(cur, &t, "srgb", "embedded", TRUE, "depth", 8, NULL) == 0)
      step(&cur, t);
    else
      vips_error_clear();
  }
  if (vips_image_guess_interpretation(cur) != VIPS_INTERPRETATION_sRGB) {
    if (vips_colourspace(cur, &t, VIPS_INTERPRETATION_sRGB, NULL) == 0)
      step(&cur, t);
    else
      vips_error_clear();
  }
  if (cur->BandFmt != VIPS_FORMAT_UCHAR) {
    gboolean shift = cur->BandFmt == VIPS_FORMAT_USHORT;
    if (vips_cast(cur, &t, VIPS_FORMAT_UCHAR, "shift", shift, NULL)) goto fail;
    step(&cur, t);
  }
  if (cur->Bands == 1 || cur->Bands == 2) { /* grey [+ alpha] that colourspace left alone */
    VipsImage *grey = NULL, *rgb = NULL;
    if (vips_extract_band(cur, &grey, 0, NULL)) goto fail;
    VipsImage *three[3] = {grey, grey, grey};
    int rc = vips_bandjoin(three, &rgb, 3, NULL);
    g_object_unref(grey);
    if (rc) goto fail;
    if (cur->Bands == 2) {
      VipsImage *alpha = NULL, *both[2];
      if (vips_extract_band(cur, &alpha, 1, NULL)) {
        g_object_unref(rgb);
        goto fail;
      }
      both[0] = rgb;
      both[1] = alpha;
      rc = vips_bandjoin(both, &t, 2, NULL);
      g_object_unref(rgb);
      g_object_unref(alpha);
      if (rc) goto fail;
      step(&cur, t);
    } else {
      step(&cur, rgb);
    }
  }
  if (cur->Bands == 3) {
    if (vips_bandjoin_const1(cur, &t, 255.0, NULL)) goto fail;
    step(&cur, t);
    *had_alpha = 0;
  } else if (cur->Bands > 4) {
    if (vips_extract_band(cur, &t, 0, "n", 4, NULL)) goto fail;
    step(&cur, t);
  }
  if (vips_copy(cur, &t, "interpretation", VIPS_INTERPRETATION_sRGB, NULL)) goto fail;
  step(&cur, t);
  *out = cur;
  return 0;
fail:
  g_object_unref(cur);
  return -1;
}

int img_load_rgba(const char *path, ct_img **out, int *had_alpha, char *err, size_t errlen) {
  char name[300], why[300];
  if (!out) return img_fail(err, errlen, IMG_EARG, "img_load_rgba: no output pointer");
  *out = NULL;
  if (!path || !*path) return img_fail(err, errlen, IMG_EARG, "no image path given");
  int rc = img_ensure_init(err, errlen);
  if (rc) return rc;
  rc = img_check_file(path, name, sizeof name, err, errlen);
  if (rc) return rc;
  VipsImage *in = img_open_file(path, 0);
  if (!in) {
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_ECORRUPT, "%s is damaged or truncated: %s", name, why);
  }
  uint64_t pixels = (uint64_t)in->Xsize * (uint64_t)in->Ysize, limit = img_get_max_pixels();
  if (limit && pixels > limit) {
    int w = in->Xsize, h = in->Ysize;
    g_object_unref(in);
    return img_fail(err, errlen, IMG_ETOOBIG,
                    "%s is %dx%d (%.1f megapixels), over the limit of %.1f megapixels", name,
                    w, h, pixels / 1e6, limit / 1e6);
  }
  if (in->Xsize > IMG_MAX_SIDE || in->Ysize > IMG_MAX_SIDE) {
    int w = in->Xsize, h = in->Ysize;
    g_object_unref(in);
    return img_fail(err, errlen, IMG_ETOOBIG, "%s is %dx%d: a side over %d pixels", name, w,
                    h, IMG_MAX_SIDE);
  }
  VipsImage *rgba = NULL, *rot = NULL;
  int alpha = 0;
  if (vips_autorot(in, &rot, NULL)) {
    g_object_unref(in);
    goto corrupt;
  }
  g_object_unref(in);
  if (to_srgba8(rot, &rgba, &alpha)) {
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_EFORMAT, "cannot convert %s to sRGB: %s", name, why);
  }
  size_t size = 0;
  void *mem = vips_image_write_to_memory(rgba, &size);
  int w = rgba->Xsize, h = rgba->Ysize;
  g_object_unref(rgba);
  if (!mem) goto corrupt;
  ct_img *im = img_new(w, h, 4);
  if (!im || size != (size_t)w * h * 4) {
    g_free(mem);
    img_free(im);
    return img_fail(err, errlen, IMG_ENOMEM, "out of memory for %s (%dx%d)", name, w, h);
  }
  memcpy(im->data, mem, size);
  g_free(mem);
  if (had_alpha) *had_alpha = alpha;
  *out = im;
  return IMG_OK;
corrupt:
  img_vips_error(why, sizeof why);
  return img_fail(err, errlen, IMG_ECORRUPT, "%s is damaged or truncated: %s", name, why);
}
