/* img_load_rgba (transparency kept) and img_encode_jpeg (chosen quality). */
#include "check.h"
#include "image/image_fixtures.h"

static char *save_vips(const char *dir, const char *name, VipsImage *im) {
  char *path = fx_path(dir, name);
  if (vips_image_write_to_file(im, path, NULL)) {
    fprintf(stderr, "libvips: %s\n", vips_error_buffer());
    exit(1);
  }
  g_object_unref(im);
  return path;
}

int main(void) {
  fx_init();
  char *dir = fx_tempdir(), err[256];
  ct_img *im = NULL;
  int had = -1;

  /* RGBA PNG: straight colour and alpha as stored */
  uint8_t rgba[2 * 1 * 4] = {10, 20, 30, 0, 200, 100, 50, 128};
  char *p = save_vips(dir, "rgba.png", fx_vips(rgba, 2, 1, 4, VIPS_FORMAT_UCHAR,
                                               VIPS_INTERPRETATION_sRGB));
  CHECK(img_load_rgba(p, &im, &had, err, sizeof err) == 0);
  CHECK(im && im->channels == 4 && had == 1);
  if (im) CHECK(memcmp(im->data, rgba, 8) == 0);
  img_free(im);
  free(p);

  /* grey + alpha: grey copied to R, G, B */
  uint8_t ga[3 * 2] = {0, 255, 90, 30, 255, 7};
  p = save_vips(dir, "ga.png", fx_vips(ga, 3, 1, 2, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_B_W));
  CHECK(img_load_rgba(p, &im, &had, err, sizeof err) == 0);
  CHECK(im && im->channels == 4 && had == 1);
  for (int i = 0; im && i < 3; i++) {
    CHECK(im->data[i * 4] == ga[i * 2] && im->data[i * 4 + 1] == ga[i * 2] &&
          im->data[i * 4 + 2] == ga[i * 2]);
    CHECK(im->data[i * 4 + 3] == ga[i * 2 + 1]);
  }
  img_free(im);
  free(p);

  /* grey without alpha: opaque */
  uint8_t g1[4] = {0, 64, 128, 255};
  p = save_vips(dir, "g.png", fx_vips(g1, 2, 2, 1, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_B_W));
  CHECK(img_load_rgba(p, &im, &had, err, sizeof err) == 0);
  CHECK(im && im->channels == 4 && had == 0);
  for (int i = 0; im && i < 4; i++) CHECK(im->data[i * 4 + 1] == g1[i] && im->data[i * 4 + 3] == 255);
  img_free(im);
  free(p);

  /* 16-bit RGBA keeps the top byte */
  uint16_t deep[4] = {0x1234, 0xabcd, 0xff00, 0x8000};
  p = save_vips(dir, "deep.png", fx_vips(deep, 1, 1, 4, VIPS_FORMAT_USHORT,
                                         VIPS_INTERPRETATION_RGB16));
  CHECK(img_load_rgba(p, &im, &had, err, sizeof err) == 0);
  CHECK(im && had == 1);
  if (im) CHECK(im->data[0] == 0x12 && im->data[1] == 0xab && im->data[2] == 0xff && im->data[3] == 0x80);
  img_free(im);
  free(p);

  /* errors */
  p = fx_path(dir, "missing.png");
  CHECK(img_load_rgba(p, &im, &had, err, sizeof err) == IMG_EIO && im == NULL);
  free(p);
  p = fx_path(dir, "junk.png");
  fx_write(p, "not an image", 12);
  CHECK(img_load_rgba(p, &im, &had, err, sizeof err) == IMG_EFORMAT);
  free(p);

  /* JPEG at two qualities: both decode to the image's size; the lower one is smaller */
  ct_img *noisy = img_new(64, 48, 3);
  for (int i = 0; i < 64 * 48 * 3; i++) noisy->data[i] = (uint8_t)(i * 7919 % 251);
  void *hi = NULL, *lo = NULL;
  size_t nhi = 0, nlo = 0;
  CHECK(img_encode_jpeg(noisy, 95, &hi, &nhi, err, sizeof err) == 0);
  CHECK(img_encode_jpeg(noisy, 30, &lo, &nlo, err, sizeof err) == 0);
  CHECK(nlo > 0 && nlo < nhi);
  CHECK(img_load_mem_rgb(lo, nlo, &im, err, sizeof err) == 0);
  CHECK(im && im->width == 64 && im->height == 48);
  img_free(im);
  void *none = NULL;
  size_t nnone = 0;
  CHECK(img_encode_jpeg(noisy, 0, &none, &nnone, err, sizeof err) == IMG_EARG && !none);
  free(hi);
  free(lo);
  img_free(noisy);
  fx_rmdir(dir);
  free(dir);
  return CHECK_DONE();
}
