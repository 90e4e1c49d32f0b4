/* Decoding: formats, depths, colourspaces, EXIF orientation, damaged files, the pixel limit. */
#include <unistd.h>

#include "check.h"
#include "image_fixtures.h"

static char *dir;

static int pattern(int x, int y, int c) { return (x * 7 + y * 3 + c * 50) & 255; }

static void save_png(VipsImage *im, const char *path) {
  if (vips_pngsave(im, path, NULL)) {
    fprintf(stderr, "libvips: %s\n", vips_error_buffer());
    exit(1);
  }
}

static void save_jpeg(VipsImage *im, const char *path, int q) {
  if (vips_jpegsave(im, path, "Q", q, NULL)) {
    fprintf(stderr, "libvips: %s\n", vips_error_buffer());
    exit(1);
  }
}

/* 8-bit RGB, RGBA, grey and grey+alpha PNGs come back as exact RGB. */
static void test_png_8bit(void) {
  const int w = 37, h = 23;
  for (int bands = 1; bands <= 4; bands++) {
    uint8_t *px = malloc((size_t)w * h * bands);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        for (int c = 0; c < bands; c++) px[(y * w + x) * bands + c] = pattern(x, y, c);
    VipsInterpretation type = bands >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
    VipsImage *v = fx_vips(px, w, h, bands, VIPS_FORMAT_UCHAR, type);
    char name[32];
    snprintf(name, sizeof name, "png8_%d.png", bands);
    char *path = fx_path(dir, name);
    save_png(v, path);
    g_object_unref(v);

    ct_img *im = NULL;
    char err[256] = "";
    CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK);
    if (im) {
      CHECK(im->width == w && im->height == h && im->channels == 3);
      int bad = 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < 3; c++) {
            int src = bands >= 3 ? c : 0; /* grey is replicated, alpha dropped */
            if (im->data[(y * w + x) * 3 + c] != pattern(x, y, src)) bad++;
          }
      CHECK(bad == 0);
    } else {
      fprintf(stderr, "bands %d: %s\n", bands, err);
    }
    img_free(im);
    free(path);
    free(px);
  }
}

/* 16-bit RGB and grey PNGs keep their top byte. */
static void test_png_16bit(void) {
  const int w = 29, h = 17;
  for (int bands = 1; bands <= 3; bands += 2) {
    uint16_t *px = malloc(sizeof *px * w * h * bands);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        for (int c = 0; c < bands; c++)
          px[(y * w + x) * bands + c] = (uint16_t)((x * 2113 + y * 997 + c * 15000) % 65536);
    VipsInterpretation type = bands == 3 ? VIPS_INTERPRETATION_RGB16 : VIPS_INTERPRETATION_GREY16;
    VipsImage *v = fx_vips(px, w, h, bands, VIPS_FORMAT_USHORT, type);
    char *path = fx_path(dir, bands == 3 ? "rgb16.png" : "grey16.png");
    save_png(v, path);
    g_object_unref(v);

    VipsImage *stored = fx_vips_load(path); /* the file really is 16-bit */
    CHECK(stored->BandFmt == VIPS_FORMAT_USHORT && stored->Bands == bands);
    g_object_unref(stored);

    ct_img *im = NULL;
    char err[256] = "";
    CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK);
    if (im) {
      CHECK(im->width == w && im->height == h && im->channels == 3);
      double worst = 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < 3; c++) {
            double want = px[(y * w + x) * bands + (bands == 3 ? c : 0)] / 257.0;
            double d = fabs(im->data[(y * w + x) * 3 + c] - want);
            if (d > worst) worst = d;
          }
      CHECK_NEAR(worst, 0, 1.0);
    } else {
      fprintf(stderr, "16-bit %d bands: %s\n", bands, err);
    }
    img_free(im);
    free(path);
    free(px);
  }
}

/* Where stored pixel (x, y) of a w x h image shows for EXIF orientation o. */
static void oriented(int o, int w, int h, int x, int y, int *dx, int *dy) {
  switch (o) {
  case 2: *dx = w - 1 - x; *dy = y; break;
  case 3: *dx = w - 1 - x; *dy = h - 1 - y; break;
  case 4: *dx = x; *dy = h - 1 - y; break;
  case 5: *dx = y; *dy = x; break;
  case 6: *dx = h - 1 - y; *dy = x; break;
  case 7: *dx = h - 1 - y; *dy = w - 1 - x; break;
  case 8: *dx = y; *dy = w - 1 - x; break;
  default: *dx = x; *dy = y; break;
  }
}

/* A JPEG of four coloured quadrants, tagged with each EXIF orientation, loads upright. */
static void test_exif_orientation(void) {
  const int w = 64, h = 32;
  static const uint8_t colour[4][3] = {{220, 30, 30}, {30, 200, 40}, {40, 40, 220}, {230, 230, 230}};
  uint8_t *px = malloc((size_t)w * h * 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int q = (y >= h / 2) * 2 + (x >= w / 2);
      memcpy(px + (y * w + x) * 3, colour[q], 3);
    }
  for (int o = 1; o <= 8; o++) {
    VipsImage *v = fx_vips(px, w, h, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
    vips_image_set_int(v, VIPS_META_ORIENTATION, o);
    char name[32];
    snprintf(name, sizeof name, "orient%d.jpg", o);
    char *path = fx_path(dir, name);
    save_jpeg(v, path, 95);
    g_object_unref(v);

    VipsImage *stored = fx_vips_load(path); /* the tag really is in the file */
    CHECK(vips_image_get_orientation(stored) == o);
    CHECK(stored->Xsize == w && stored->Ysize == h);
    g_object_unref(stored);

    ct_img *im = NULL;
    char err[256] = "";
    CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK);
    if (!im) {
      fprintf(stderr, "orientation %d: %s\n", o, err);
      free(path);
      continue;
    }
    int dw = o >= 5 ? h : w, dh = o >= 5 ? w : h;
    CHECK(im->width == dw && im->height == dh);
    int pw = 0, ph = 0; /* the header alone gives the same upright size */
    CHECK(img_probe(path, &pw, &ph, err, sizeof err) == IMG_OK && pw == dw && ph == dh);
    if (im->width == dw && im->height == dh) {
      for (int q = 0; q < 4; q++) {
        int sx = (q & 1) ? 3 * w / 4 : w / 4, sy = (q & 2) ? 3 * h / 4 : h / 4, dx, dy;
        oriented(o, w, h, sx, sy, &dx, &dy);
        const uint8_t *p = im->data + ((size_t)dy * dw + dx) * 3;
        for (int c = 0; c < 3; c++) {
          if (abs(p[c] - colour[q][c]) > 24)
            fprintf(stderr, "orientation %d quadrant %d channel %d: %d, expected %d\n", o, q, c,
                    p[c], colour[q][c]);
          CHECK(abs(p[c] - colour[q][c]) <= 24);
        }
      }
    }
    img_free(im);
    free(path);
  }
  free(px);
}

/* A CMYK JPEG converts to RGB: no ink is white, full black ink is dark. */
static void test_cmyk(void) {
  const int w = 32, h = 16;
  uint8_t *px = calloc((size_t)w * h, 4);
  for (int y = 0; y < h; y++)
    for (int x = w / 2; x < w; x++) px[(y * w + x) * 4 + 3] = 255;
  VipsImage *v = fx_vips(px, w, h, 4, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_CMYK);
  char *path = fx_path(dir, "cmyk.jpg");
  save_jpeg(v, path, 95);
  g_object_unref(v);
  VipsImage *stored = fx_vips_load(path);
  CHECK(stored->Bands == 4 && vips_image_guess_interpretation(stored) == VIPS_INTERPRETATION_CMYK);
  g_object_unref(stored);

  ct_img *im = NULL;
  char err[256] = "";
  CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK);
  if (im) {
    CHECK(im->channels == 3 && im->width == w && im->height == h);
    const uint8_t *white = im->data + ((size_t)(h / 2) * w + w / 4) * 3;
    const uint8_t *black = im->data + ((size_t)(h / 2) * w + 3 * w / 4) * 3;
    for (int c = 0; c < 3; c++) {
      CHECK(white[c] > 220);
      CHECK(black[c] < 80);
    }
  } else {
    fprintf(stderr, "cmyk: %s\n", err);
  }
  img_free(im);
  free(path);
  free(px);
}

/* An embedded profile is honoured: sRGB leaves pixels alone, Display P3 moves saturated
 * colours but keeps grey grey. */
static void test_icc(void) {
  const int w = 16, h = 8;
  static const uint8_t colour[2][3] = {{128, 128, 128}, {40, 200, 60}};
  uint8_t *px = malloc((size_t)w * h * 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) memcpy(px + (y * w + x) * 3, colour[x >= w / 2], 3);
  const char *profiles[2] = {"srgb", "p3"};
  for (int k = 0; k < 2; k++) {
    VipsBlob *blob = NULL;
    if (vips_profile_load(profiles[k], &blob, NULL) || !blob) {
      vips_error_clear();
      printf("libvips has no built-in '%s' profile: that case is not checked\n", profiles[k]);
      continue;
    }
    size_t len = 0;
    const void *data = vips_blob_get(blob, &len);
    VipsImage *v = fx_vips(px, w, h, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
    vips_image_set_blob_copy(v, VIPS_META_ICC_NAME, data, len);
    vips_area_unref((VipsArea *)blob);
    char name[32];
    snprintf(name, sizeof name, "icc_%s.png", profiles[k]);
    char *path = fx_path(dir, name);
    save_png(v, path);
    g_object_unref(v);
    VipsImage *stored = fx_vips_load(path);
    CHECK(vips_image_get_typeof(stored, VIPS_META_ICC_NAME) != 0);
    g_object_unref(stored);

    ct_img *im = NULL;
    char err[256] = "";
    CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK);
    if (im) {
      const uint8_t *grey = im->data + ((size_t)(h / 2) * w + w / 4) * 3;
      const uint8_t *sat = im->data + ((size_t)(h / 2) * w + 3 * w / 4) * 3;
      for (int c = 0; c < 3; c++) CHECK(abs(grey[c] - colour[0][c]) <= 2);
      int moved = 0;
      for (int c = 0; c < 3; c++) moved += abs(sat[c] - colour[1][c]);
      if (k == 0) CHECK(moved <= 6);
      else CHECK(moved >= 15); /* P3 green is wider than sRGB green */
    } else {
      fprintf(stderr, "icc %s: %s\n", profiles[k], err);
    }
    img_free(im);
    free(path);
  }
  free(px);
}

/* Missing, empty, folder and non-image inputs are errors with a message naming the file. */
static void test_bad_inputs(void) {
  ct_img *im = (ct_img *)&im; /* must be reset to NULL */
  char err[256] = "";
  char *missing = fx_path(dir, "no-such-file.png");
  CHECK(img_load_rgb(missing, &im, err, sizeof err) == IMG_EIO);
  CHECK(im == NULL);
  CHECK(strstr(err, missing) != NULL);
  CHECK(strstr(err, "No such file") != NULL);

  CHECK(img_load_rgb(dir, &im, err, sizeof err) == IMG_EIO);
  CHECK(strstr(err, "folder") != NULL);

  char *text = fx_path(dir, "notes.png");
  const char *words = "this is a text file, not a picture\n";
  fx_write(text, words, strlen(words));
  CHECK(img_load_rgb(text, &im, err, sizeof err) == IMG_EFORMAT);
  CHECK(strstr(err, "not an image") != NULL);
  CHECK(img_load_mem_rgb(words, strlen(words), &im, err, sizeof err) == IMG_EFORMAT);

  /* PNM headers with no pixels: said so, from the file and from memory */
  const char *zero[3] = {"P5\n0 1\n255\n", "P6 # comment\n 12\n0\n255\n", "P4 0 0\n"};
  for (int k = 0; k < 3; k++) {
    char *pnm = fx_path(dir, "zero.pnm");
    fx_write(pnm, zero[k], strlen(zero[k]));
    CHECK(img_load_rgb(pnm, &im, err, sizeof err) == IMG_ECORRUPT);
    CHECK(strstr(err, "has no pixels") != NULL);
    CHECK(img_load_mem_rgb(zero[k], strlen(zero[k]), &im, err, sizeof err) == IMG_ECORRUPT);
    CHECK(strstr(err, "has no pixels") != NULL);
    free(pnm);
  }
  /* formats outside the list are refused from memory too, before any loader looks */
  const char fits[] = "SIMPLE  =                    T / a FITS header";
  CHECK(img_load_mem_rgb(fits, sizeof fits - 1, &im, err, sizeof err) == IMG_EFORMAT);
  CHECK(strstr(err, "not an image in a format cutout reads") != NULL);

  char *empty = fx_path(dir, "empty.jpg");
  fx_write(empty, "", 0);
  CHECK(img_load_rgb(empty, &im, err, sizeof err) == IMG_EFORMAT);
  CHECK(img_load_mem_rgb(words, 0, &im, err, sizeof err) == IMG_EFORMAT);
  CHECK(im == NULL);
  free(missing);
  free(text);
  free(empty);
}

/* Truncated JPEG and PNG files (and buffers) are reported, not padded. */
static void test_truncated(void) {
  const int w = 256, h = 256;
  uint8_t *px = malloc((size_t)w * h * 3);
  uint32_t s = 12345;
  for (size_t i = 0; i < (size_t)w * h * 3; i++) {
    s = s * 1664525u + 1013904223u;
    px[i] = (uint8_t)(s >> 24);
  }
  VipsImage *v = fx_vips(px, w, h, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
  const char *names[2] = {"whole.jpg", "whole.png"};
  for (int k = 0; k < 2; k++) {
    char *path = fx_path(dir, names[k]);
    if (k == 0) save_jpeg(v, path, 90);
    else save_png(v, path);
    size_t len = 0;
    uint8_t *bytes = fx_read(path, &len);
    ct_img *im = NULL;
    char err[256] = "";
    CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK); /* the whole file is fine */
    img_free(im);
    im = NULL;
    CHECK(img_load_mem_rgb(bytes, len, &im, err, sizeof err) == IMG_OK);
    img_free(im);
    im = NULL;

    char *cut = fx_path(dir, k == 0 ? "cut.jpg" : "cut.png");
    fx_write(cut, bytes, len * 6 / 10);
    int rc = img_load_rgb(cut, &im, err, sizeof err);
    CHECK(rc == IMG_ECORRUPT);
    CHECK(im == NULL);
    CHECK(strstr(err, "truncated") != NULL && strstr(err, cut) != NULL);
    rc = img_load_mem_rgb(bytes, len * 6 / 10, &im, err, sizeof err);
    CHECK(rc == IMG_ECORRUPT);
    CHECK(im == NULL);
    free(bytes);
    free(path);
    free(cut);
  }
  g_object_unref(v);
  free(px);
}

/* The limit is applied from the header: a truncated file over the limit reports the size. */
static void test_pixel_limit(void) {
  CHECK(img_get_max_pixels() == IMG_DEFAULT_MAX_PIXELS);
  const int w = 300, h = 200;
  uint8_t *px = calloc((size_t)w * h, 3);
  VipsImage *v = fx_vips(px, w, h, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
  char *path = fx_path(dir, "limit.png");
  save_png(v, path);
  g_object_unref(v);
  size_t len = 0;
  uint8_t *bytes = fx_read(path, &len);
  char *cut = fx_path(dir, "limit-cut.png");
  fx_write(cut, bytes, 100); /* header only */

  ct_img *im = NULL;
  char err[256] = "";
  img_set_max_pixels((uint64_t)w * h - 1);
  CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_ETOOBIG);
  CHECK(strstr(err, "300x200") != NULL && strstr(err, "limit") != NULL);
  CHECK(img_load_rgb(cut, &im, err, sizeof err) == IMG_ETOOBIG);
  CHECK(img_probe(path, NULL, NULL, err, sizeof err) == IMG_ETOOBIG);
  CHECK(strstr(err, "300x200") != NULL);
  CHECK(img_probe(cut, NULL, NULL, err, sizeof err) == IMG_ETOOBIG);
  CHECK(img_load_mem_rgb(bytes, len, &im, err, sizeof err) == IMG_ETOOBIG);
  CHECK(im == NULL);
  img_set_max_pixels((uint64_t)w * h);
  CHECK(img_load_rgb(path, &im, err, sizeof err) == IMG_OK);
  img_free(im);
  int pw = 0, ph = 0;
  CHECK(img_probe(path, &pw, &ph, err, sizeof err) == IMG_OK && pw == w && ph == h);
  CHECK(img_probe(dir, &pw, &ph, err, sizeof err) == IMG_EIO); /* a folder */
  img_set_max_pixels(IMG_DEFAULT_MAX_PIXELS);
  free(bytes);
  free(path);
  free(cut);
  free(px);
}

/* Loading from memory gives the same pixels as loading the file. */
static void test_mem_matches_file(void) {
  char *path = fx_path(dir, "orient6.jpg");
  size_t len = 0;
  uint8_t *bytes = fx_read(path, &len);
  ct_img *a = NULL, *b = NULL;
  char err[256] = "";
  CHECK(bytes && img_load_rgb(path, &a, err, sizeof err) == IMG_OK);
  CHECK(bytes && img_load_mem_rgb(bytes, len, &b, err, sizeof err) == IMG_OK);
  if (a && b) {
    CHECK(a->width == b->width && a->height == b->height);
    CHECK(memcmp(a->data, b->data, (size_t)a->width * a->height * 3) == 0);
  }
  img_free(a);
  img_free(b);
  free(bytes);
  free(path);
}

/* HEIF/AVIF through libvips' HEIF module, which is loaded the first time such a file comes
 * (libvips starts without its modules). The file is made by the vips program; where it
 * cannot make one (no libvips-tools, no HEIF encoder), this part says so and is left out. */
static void test_heif_on_demand(void) {
  char lib[300];
  snprintf(lib, sizeof lib, "%s/vips-heif.so", CUTOUT_VIPS_MODULE_DIR);
  if (access(lib, R_OK) == 0) /* a module: not there before a HEIF file came */
    CHECK(!vips_type_find("VipsOperation", "heifload_source"));
  const int w = 64, h = 48;
  uint8_t *px = malloc((size_t)w * h * 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = (uint8_t)(x * 3 + c * 40);
  VipsImage *v = fx_vips(px, w, h, 3, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB);
  char *png = fx_path(dir, "heif_src.png"), *avif = fx_path(dir, "photo.avif"), cmd[1200];
  save_png(v, png);
  g_object_unref(v);
  snprintf(cmd, sizeof cmd, "vips copy '%s' '%s[Q=90]' >/dev/null 2>&1", png, avif);
  if (system(cmd) != 0 || access(avif, R_OK) != 0) {
    printf("note: the vips program could not write an AVIF file: HEIF left out\n");
  } else {
    ct_img *im = NULL;
    char err[256] = "";
    CHECK(img_load_rgb(avif, &im, err, sizeof err) == IMG_OK);
    if (im) {
      CHECK(im->width == w && im->height == h);
      double diff = 0;
      for (int i = 0; i < w * h * 3; i++) diff += abs(im->data[i] - px[i]);
      diff /= w * h * 3;
      printf("AVIF loaded through the HEIF module: mean difference %.2f\n", diff);
      CHECK(diff < 8); /* (lossy) */
    } else {
      fprintf(stderr, "avif: %s\n", err);
    }
    img_free(im);
  }
  free(png);
  free(avif);
  free(px);
}

int main(void) {
  fx_init();
  dir = fx_tempdir();
  test_png_8bit();
  test_png_16bit();
  test_exif_orientation();
  test_cmyk();
  test_icc();
  test_bad_inputs();
  test_truncated();
  test_pixel_limit();
  test_mem_matches_file();
  test_heif_on_demand();
  fx_rmdir(dir);
  free(dir);
  return CHECK_DONE();
}
