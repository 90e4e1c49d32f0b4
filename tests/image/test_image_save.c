/* Encoding: round trips per format, atomic replacement, failures that leave nothing behind. */
#include <errno.h>

#include "check.h"
#include "image_fixtures.h"

static char *dir;

static ct_img *make(int w, int h, int channels) {
  ct_img *im = img_new(w, h, channels);
  if (!im) exit(1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < channels; c++) {
        /* smooth colours; alpha never 0, so lossless codecs must keep the colour exactly */
        int v = c == 3 ? 1 + (x * 254) / (w - 1) : (x + y * 2 + c * 35) % 256;
        im->data[((size_t)y * w + x) * channels + c] = (uint8_t)v;
      }
  return im;
}

/* Largest and mean absolute difference between a file as stored and the image. */
static void compare_stored(const char *path, const ct_img *im, int *bands, double *worst,
                           double *mean) {
  VipsImage *v = fx_vips_load(path);
  *bands = v->Bands;
  *worst = 1e9;
  *mean = 1e9;
  if (v->Xsize == im->width && v->Ysize == im->height && v->Bands == im->channels &&
      v->BandFmt == VIPS_FORMAT_UCHAR) {
    size_t len = 0;
    uint8_t *px = fx_vips_pixels(v, &len);
    double sum = 0, big = 0;
    for (size_t i = 0; i < len; i++) {
      double d = fabs((double)px[i] - im->data[i]);
      sum += d;
      if (d > big) big = d;
    }
    *worst = big;
    *mean = sum / len;
    g_free(px);
  }
  g_object_unref(v);
}

static void test_round_trips(void) {
  struct {
    const char *name;
    int channels;
    double worst, mean; /* allowed error */
  } cases[] = {
      {"rgba.png", 4, 0, 0},     {"rgb.png", 3, 0, 0},        {"grey.png", 1, 0, 0},
      {"rgba.webp", 4, 0, 0},    {"rgb.webp", 3, 40, 3},      {"rgb.jpg", 3, 40, 3},
      {"grey.JPEG", 1, 40, 3},   {"rgba.tif", 4, 0, 0},       {"rgb.tiff", 3, 0, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ct_img *im = make(61, 43, cases[k].channels);
    char *path = fx_path(dir, cases[k].name);
    char err[256] = "";
    int rc = img_save(im, path, err, sizeof err);
    CHECK(rc == IMG_OK);
    if (rc == IMG_OK) {
      int bands;
      double worst, mean;
      compare_stored(path, im, &bands, &worst, &mean);
      if (bands != cases[k].channels || worst > cases[k].worst || mean > cases[k].mean)
        fprintf(stderr, "%s: bands %d, worst %g, mean %g\n", cases[k].name, bands, worst, mean);
      CHECK(bands == cases[k].channels);
      CHECK(worst <= cases[k].worst);
      CHECK(mean <= cases[k].mean);

      /* and back through the loader: alpha dropped, grey replicated */
      ct_img *back = NULL;
      CHECK(img_load_rgb(path, &back, err, sizeof err) == IMG_OK);
      if (back && cases[k].worst == 0) {
        int bad = 0;
        for (size_t i = 0; i < (size_t)im->width * im->height; i++)
          for (int c = 0; c < 3; c++)
            bad += back->data[i * 3 + c] != im->data[i * im->channels + (im->channels == 1 ? 0 : c)];
        CHECK(bad == 0);
      }
      img_free(back);
    } else {
      fprintf(stderr, "%s: %s\n", cases[k].name, err);
    }
    img_free(im);
    free(path);
  }
  /* only the files themselves: no temporary left over */
  CHECK(fx_count_entries(dir) == (int)(sizeof cases / sizeof cases[0]));
}

static void test_encode(void) {
  ct_img *im = make(50, 30, 3);
  const char *formats[] = {"png", "webp", "jpg", "tif"};
  for (int k = 0; k < 4; k++) {
    void *buf = NULL;
    size_t len = 0;
    char err[256] = "";
    CHECK(img_encode(im, formats[k], &buf, &len, err, sizeof err) == IMG_OK);
    CHECK(buf != NULL && len > 0);
    ct_img *back = NULL;
    CHECK(img_load_mem_rgb(buf, len, &back, err, sizeof err) == IMG_OK);
    if (back) {
      CHECK(back->width == 50 && back->height == 30);
      if (k == 0 || k == 3) CHECK(memcmp(back->data, im->data, 50 * 30 * 3) == 0);
    }
    img_free(back);
    free(buf);
  }
  void *buf = (void *)&buf;
  size_t len = 1;
  char err[256] = "";
  CHECK(img_encode(im, "bmp", &buf, &len, err, sizeof err) == IMG_EARG);
  CHECK(buf == NULL && len == 0);
  ct_img *rgba = make(8, 8, 4);
  CHECK(img_encode(rgba, "jpeg", &buf, &len, err, sizeof err) == IMG_EARG);
  img_free(rgba);
  img_free(im);
}

/* Writing over a file replaces it whole; failures keep the old one and leave no temporary. */
static void test_atomic(void) {
  char *sub = fx_path(dir, "atomic");
  mkdir(sub, 0755);
  char *path = fx_path(sub, "out.png");
  char err[256] = "";
  ct_img *a = make(20, 10, 3), *b = make(31, 17, 4);
  CHECK(img_save(a, path, err, sizeof err) == IMG_OK);
  CHECK(img_save(b, path, err, sizeof err) == IMG_OK);
  int bands;
  double worst, mean;
  compare_stored(path, b, &bands, &worst, &mean);
  CHECK(bands == 4 && worst == 0);
  CHECK(fx_count_entries(sub) == 1);
  size_t before_len = 0, after_len = 0;
  uint8_t *before = fx_read(path, &before_len);

  /* RGBA cannot be JPEG: refused with advice */
  char *jpg = fx_path(sub, "out.jpg");
  CHECK(img_save(b, jpg, err, sizeof err) == IMG_EARG);
  CHECK(strstr(err, ".png") != NULL);
  CHECK(!fx_exists(jpg));

  /* unknown type */
  char *bmp = fx_path(sub, "out.bmp");
  CHECK(img_save(a, bmp, err, sizeof err) == IMG_EARG);
  CHECK(strstr(err, "out.bmp") != NULL);
  CHECK(img_save(a, sub, err, sizeof err) == IMG_EARG);

  /* an encoder failure (WebP is limited to 16383 pixels a side) keeps the old file */
  char *webp = fx_path(sub, "out.webp");
  CHECK(img_save(a, webp, err, sizeof err) == IMG_OK);
  size_t webp_len = 0;
  uint8_t *webp_before = fx_read(webp, &webp_len);
  ct_img *wide = img_new(20000, 2, 3);
  CHECK(img_save(wide, webp, err, sizeof err) == IMG_EENCODE);
  CHECK(strstr(err, "out.webp") != NULL);
  size_t webp_after_len = 0;
  uint8_t *webp_after = fx_read(webp, &webp_after_len);
  CHECK(webp_after_len == webp_len && memcmp(webp_before, webp_after, webp_len) == 0);
  img_free(wide);
  free(webp_before);
  free(webp_after);

  uint8_t *after = fx_read(path, &after_len);
  CHECK(after_len == before_len && memcmp(before, after, before_len) == 0);
  CHECK(fx_count_entries(sub) == 2); /* out.png and out.webp, nothing else */

  /* a folder that does not exist */
  char *missing = fx_path(sub, "no-such-folder/out.png");
  CHECK(img_save(a, missing, err, sizeof err) == IMG_EIO);
  CHECK(strstr(err, "No such file or directory") != NULL);
  CHECK(strstr(err, missing) != NULL);
  CHECK(!fx_exists(missing));

  /* a "folder" that is a file */
  char *under_file = fx_path(sub, "out.png/inner.png");
  CHECK(img_save(a, under_file, err, sizeof err) == IMG_EIO);
  CHECK(strstr(err, "Not a directory") != NULL);

  /* a read-only folder (root may write anywhere, so only checked for other users) */
  char *ro = fx_path(dir, "readonly");
  mkdir(ro, 0755);
  chmod(ro, 0555);
  char *ro_file = fx_path(ro, "out.png");
  if (geteuid() != 0) {
    CHECK(img_save(a, ro_file, err, sizeof err) == IMG_EIO);
    CHECK(strstr(err, "Permission denied") != NULL || strstr(err, "Read-only") != NULL);
    CHECK(fx_count_entries(ro) == 0);
  } else {
    printf("running as root: the read-only folder case is not checked\n");
  }
  CHECK(fx_count_entries(sub) == 2);
  chmod(ro, 0755);

  /* a file with a relative name lands in the working folder */
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) && chdir(sub) == 0) {
    CHECK(img_save(a, "rel.png", err, sizeof err) == IMG_OK);
    CHECK(fx_exists("rel.png"));
    CHECK(chdir(cwd) == 0);
  }
  CHECK(fx_count_entries(sub) == 3);

  img_free(a);
  img_free(b);
  free(before);
  free(after);
  free(sub);
  free(path);
  free(jpg);
  free(bmp);
  free(webp);
  free(missing);
  free(under_file);
  free(ro);
  free(ro_file);
}

static void test_new(void) {
  CHECK(img_new(0, 5, 3) == NULL);
  CHECK(img_new(5, 5, 2) == NULL);
  CHECK(img_new(5, -1, 1) == NULL);
  ct_img *im = img_new(3, 2, 4);
  CHECK(im && im->width == 3 && im->height == 2 && im->channels == 4);
  if (im) {
    int nonzero = 0;
    for (int i = 0; i < 3 * 2 * 4; i++) nonzero += im->data[i] != 0;
    CHECK(nonzero == 0);
  }
  img_free(im);
  img_free(NULL);
}

int main(void) {
  fx_init();
  dir = fx_tempdir();
  test_new();
  test_round_trips();
  test_encode();
  test_atomic();
  fx_rmdir(dir);
  free(dir);
  return CHECK_DONE();
}
