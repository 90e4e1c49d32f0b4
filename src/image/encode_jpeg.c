/* JPEG encoding at a chosen quality, to memory (the synthesiser's re-compression). */
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"

int img_encode_jpeg(const ct_img *im, int quality, void **buf, size_t *len, char *err,
                    size_t errlen) {
  if (!buf || !len) return img_fail(err, errlen, IMG_EARG, "img_encode_jpeg: no output pointer");
  *buf = NULL;
  *len = 0;
  if (!im || !im->data || im->width <= 0 || im->height <= 0 ||
      !(im->channels == 1 || im->channels == 3))
    return img_fail(err, errlen, IMG_EARG, "cannot encode JPEG: needs a grey or RGB image");
  if (quality < 1 || quality > 100)
    return img_fail(err, errlen, IMG_EARG, "JPEG quality %d is outside 1..100", quality);
  int rc = img_ensure_init(err, errlen);
  if (rc) return rc;
  char why[300];
  VipsImage *in = img_to_vips(im);
  void *data = NULL;
  size_t n = 0;
  if (!in || vips_jpegsave_buffer(in, &data, &n, "Q", quality, NULL)) {
    if (in) g_object_unref(in);
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_EENCODE, "cannot encode JPEG: %s", why);
  }
  g_object_unref(in);
  void *copy = malloc(n);
  if (!copy) {
    g_free(data);
    return img_fail(err, errlen, IMG_ENOMEM, "out of memory for %zu bytes of JPEG", n);
  }
  memcpy(copy, data, n);
  g_free(data);
  *buf = copy;
  *len = n;
  return IMG_OK;
}
