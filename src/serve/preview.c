/* The photo scaled down for size=preview. */
#include <math.h>
#include <string.h>

#include "image/vips_api.h"

#include "serve/process.h"

ct_img *sv_shrink(const ct_img *photo, long max_pixels) {
  double scale = sqrt((double)max_pixels / ((double)photo->width * photo->height));
  VipsImage *in = vips_image_new_from_memory(photo->data,
                                             (size_t)photo->width * photo->height *
                                                 photo->channels,
                                             photo->width, photo->height, photo->channels,
                                             VIPS_FORMAT_UCHAR);
  if (!in) {
    vips_error_clear();
    return NULL;
  }
  VipsImage *small = NULL;
  ct_img *out = NULL;
  if (vips_resize(in, &small, scale, NULL) == 0) {
    /* rounding can land one pixel over: crop to stay within the limit */
    int w = small->Xsize, h = small->Ysize;
    while ((long)w * h > max_pixels) (w >= h ? w-- : h--);
    out = img_new(w, h, photo->channels);
    VipsRegion *reg = out ? vips_region_new(small) : NULL;
    VipsRect r = {0, 0, w, h};
    if (reg && vips_region_prepare(reg, &r) == 0) {
      size_t row = (size_t)w * photo->channels;
      for (int y = 0; y < h; y++)
        memcpy(out->data + y * row, VIPS_REGION_ADDR(reg, 0, y), row);
    } else {
      img_free(out);
      out = NULL;
    }
    if (reg) g_object_unref(reg);
    g_object_unref(small);
  }
  g_object_unref(in);
  vips_error_clear();
  return out;
}
