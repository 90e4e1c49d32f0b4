/* The public image calls, over the image module. */
#include <string.h>

#include "api/api.h"
#include "image/image.h"

ct_status ct_image_load(const char *path, ct_image **out, ct_error *err) {
  char msg[512];
  if (!path || !out) return ct_fail(err, CT_ERR_ARGUMENT, "no path or result given");
  *out = NULL;
  int rc = img_load_rgb(path, out, msg, sizeof msg);
  return rc ? ct_from_img(err, rc, msg) : CT_OK;
}

ct_status ct_image_probe(const char *path, int *width, int *height, ct_error *err) {
  char msg[512];
  if (!path) return ct_fail(err, CT_ERR_ARGUMENT, "no path given");
  int rc = img_probe(path, width, height, msg, sizeof msg);
  return rc ? ct_from_img(err, rc, msg) : CT_OK;
}

ct_status ct_image_load_memory(const void *data, size_t size, ct_image **out, ct_error *err) {
  char msg[512];
  if (!data || !out) return ct_fail(err, CT_ERR_ARGUMENT, "no data or result given");
  *out = NULL;
  int rc = img_load_mem_rgb(data, size, out, msg, sizeof msg);
  return rc ? ct_from_img(err, rc, msg) : CT_OK;
}

ct_status ct_image_load_grey(const char *path, ct_image **out, ct_error *err) {
  ct_img *rgb;
  ct_status st = ct_image_load(path, &rgb, err);
  if (st) return st;
  ct_img *g = img_new(rgb->width, rgb->height, 1);
  if (!g) {
    img_free(rgb);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d image", rgb->width,
                   rgb->height);
  }
  size_t n = (size_t)rgb->width * rgb->height;
  for (size_t i = 0; i < n; i++) { /* weights summing to 256: a grey level stays exact */
    const uint8_t *p = rgb->data + i * 3;
    g->data[i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8);
  }
  img_free(rgb);
  *out = g;
  return CT_OK;
}

ct_status ct_image_from_pixels(const uint8_t *pixels, int width, int height, int channels,
                               size_t stride, ct_image **out, ct_error *err) {
  if (!pixels || !out || width <= 0 || height <= 0 ||
      (channels != 1 && channels != 3 && channels != 4) ||
      stride < (size_t)width * (size_t)channels)
    return ct_fail(err, CT_ERR_ARGUMENT, "bad image geometry %dx%d, %d channels, stride %zu",
                   width, height, channels, stride);
  ct_img *im = img_new(width, height, channels);
  if (!im) return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d image", width, height);
  size_t row = (size_t)width * (size_t)channels;
  for (int y = 0; y < height; y++) memcpy(im->data + y * row, pixels + y * stride, row);
  *out = im;
  return CT_OK;
}

ct_status ct_image_save(const ct_image *im, const char *path, ct_error *err) {
  char msg[512];
  if (!im || !path) return ct_fail(err, CT_ERR_ARGUMENT, "no image or path given");
  int rc = img_save(im, path, msg, sizeof msg);
  return rc ? ct_from_img(err, rc, msg) : CT_OK;
}

int ct_image_width(const ct_image *im) { return im ? im->width : 0; }
int ct_image_height(const ct_image *im) { return im ? im->height : 0; }
int ct_image_channels(const ct_image *im) { return im ? im->channels : 0; }
const uint8_t *ct_image_pixels(const ct_image *im) { return im ? im->data : NULL; }
void ct_image_free(ct_image *im) { img_free(im); }

ct_status ct_image_crop(const ct_image *im, int x, int y, int w, int h, ct_image **out,
                        ct_error *err) {
  if (!im || !out) return ct_fail(err, CT_ERR_ARGUMENT, "no image or result given");
  *out = NULL;
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > im->width - w || y > im->height - h)
    return ct_fail(err, CT_ERR_ARGUMENT, "the %dx%d rectangle at (%d, %d) is not inside the "
                   "%dx%d image", w, h, x, y, im->width, im->height);
  *out = img_crop(im, x, y, w, h);
  return *out ? CT_OK : ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d image", w, h);
}

int ct_image_extent(const ct_image *mask, int rect[4]) {
  if (!mask || mask->channels != 1) return 0;
  int W = mask->width, H = mask->height, x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (int y = 0; y < H; y++) {
    const uint8_t *row = mask->data + (size_t)y * W;
    for (int x = 0; x < W; x++)
      if (row[x]) {
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0, y1 = y;
      }
  }
  if (x1 < 0) return 0;
  rect[0] = x0, rect[1] = y0, rect[2] = x1 - x0 + 1, rect[3] = y1 - y0 + 1;
  return 1;
}
