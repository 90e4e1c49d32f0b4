/* Resampling: network input (resize + normalise to planar floats) and mask upscaling. */
#include "check.h"
#include "image_fixtures.h"

static const float imagenet_mean[3] = {0.485f, 0.456f, 0.406f};
static const float imagenet_scale[3] = {1 / 0.229f, 1 / 0.224f, 1 / 0.225f};
static const float no_mean[3] = {0, 0, 0};
static const float to_255[3] = {255, 255, 255};

/* A constant image stays constant at every size, per channel, in planar order. */
static void test_constant(void) {
  const uint8_t rgb[3] = {12, 128, 250};
  for (int channels = 3; channels <= 4; channels++) {
    ct_img *im = img_new(301, 203, channels);
    for (size_t i = 0; i < (size_t)301 * 203; i++)
      for (int c = 0; c < channels; c++) im->data[i * channels + c] = c < 3 ? rgb[c] : 7;
    const int sizes[][2] = {{64, 48}, {1024, 1024}, {640, 100}, {301, 203}, {1, 1}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
      int w = sizes[k][0], h = sizes[k][1];
      float *out = malloc(sizeof(float) * 3 * w * h);
      CHECK(img_resize_to_planar(im, w, h, out, imagenet_mean, imagenet_scale) == IMG_OK);
      for (int c = 0; c < 3; c++) {
        double want = (rgb[c] / 255.0 - imagenet_mean[c]) * imagenet_scale[c], worst = 0;
        for (size_t i = 0; i < (size_t)w * h; i++) {
          double d = fabs(out[(size_t)c * w * h + i] - want);
          if (d > worst) worst = d;
        }
        CHECK_NEAR(worst, 0, 1e-5);
      }
      free(out);
    }
    img_free(im);
  }
}

/* Shrinking averages everything under an output pixel: one-pixel stripes become mid grey
 * along the shrunk axis, and each axis has its own scale. */
static void test_antialias(void) {
  const int w = 512, h = 256;
  ct_img *vert = img_new(w, h, 3), *horiz = img_new(w, h, 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++) {
        vert->data[((size_t)y * w + x) * 3 + c] = (x & 1) ? 255 : 0;
        horiz->data[((size_t)y * w + x) * 3 + c] = (y & 1) ? 255 : 0;
      }
  const int ow = 64, oh = 64; /* x shrinks by 8, y by 4 */
  float *out = malloc(sizeof(float) * 3 * ow * oh);
  ct_img *imgs[2] = {vert, horiz};
  for (int k = 0; k < 2; k++) {
    CHECK(img_resize_to_planar(imgs[k], ow, oh, out, no_mean, to_255) == IMG_OK);
    double lo = 1e9, hi = -1e9;
    for (int y = 2; y < oh - 2; y++)
      for (int x = 2; x < ow - 2; x++) {
        double v = out[y * ow + x];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    CHECK(lo >= 127.5 - 8 && hi <= 127.5 + 8);
  }
  img_free(vert);
  img_free(horiz);

  /* a horizontal ramp keeps its values where the output pixel centres fall */
  ct_img *ramp = img_new(w, 8, 3);
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++) ramp->data[((size_t)y * w + x) * 3 + c] = (uint8_t)(x / 2);
  float *r = malloc(sizeof(float) * 3 * 64 * 8);
  CHECK(img_resize_to_planar(ramp, 64, 8, r, no_mean, to_255) == IMG_OK);
  double worst = 0;
  for (int x = 2; x < 62; x++) {
    double centre = (x + 0.5) * (w / 64.0) - 0.5; /* source position of the output centre */
    double d = fabs(r[4 * 64 + x] - centre / 2);
    if (d > worst) worst = d;
  }
  CHECK_NEAR(worst, 0, 1.0);
  img_free(ramp);
  free(r);
  free(out);
}

static void test_resize_args(void) {
  ct_img *grey = img_new(4, 4, 1);
  float out[3 * 4 * 4];
  CHECK(img_resize_to_planar(grey, 4, 4, out, no_mean, to_255) == IMG_EARG);
  ct_img *rgb = img_new(4, 4, 3);
  CHECK(img_resize_to_planar(rgb, 0, 4, out, no_mean, to_255) == IMG_EARG);
  CHECK(img_resize_to_planar(rgb, 4, 4, NULL, no_mean, to_255) == IMG_EARG);
  CHECK(img_resize_to_planar(NULL, 4, 4, out, no_mean, to_255) == IMG_EARG);
  img_free(grey);
  img_free(rgb);
}

/* First index along a line of the output where the value reaches 128, or n. */
static int first_high(const uint8_t *p, int n, int stride) {
  for (int i = 0; i < n; i++)
    if (p[(size_t)i * stride] >= 128) return i;
  return n;
}

static void test_mask_step(void) {
  const int mw = 16, mh = 12, w = 100, h = 77;
  float *mx = malloc(sizeof(float) * mw * mh), *my = malloc(sizeof(float) * mw * mh);
  for (int y = 0; y < mh; y++)
    for (int x = 0; x < mw; x++) {
      mx[y * mw + x] = x >= 8 ? 1.0f : 0.0f; /* edge at x = 8 of 16 */
      my[y * mw + x] = y >= 3 ? 1.0f : 0.0f; /* edge at y = 3 of 12 */
    }
  uint8_t *out = malloc((size_t)w * h);
  CHECK(img_upscale_mask(mx, mw, mh, w, h, out) == IMG_OK);
  double edge_x = 8.0 * w / mw;
  for (int y = 0; y < h; y++) {
    const uint8_t *row = out + (size_t)y * w;
    CHECK(fabs(first_high(row, w, 1) - edge_x) <= 1.0);
    CHECK(row[0] == 0 && row[w - 1] == 255);
    for (int x = 1; x < w; x++) CHECK(row[x] >= row[x - 1]);
  }
  CHECK(img_upscale_mask(my, mw, mh, w, h, out) == IMG_OK);
  double edge_y = 3.0 * h / mh;
  for (int x = 0; x < w; x++) {
    CHECK(fabs(first_high(out + x, h, w) - edge_y) <= 1.0);
    CHECK(out[x] == 0 && out[(size_t)(h - 1) * w + x] == 255);
  }
  free(mx);
  free(my);
  free(out);
}

/* Half-pixel centres, clamping at the borders and of the values, rounding to nearest. */
static void test_mask_values(void) {
  const float two[2] = {0.0f, 1.0f};
  uint8_t out[8];
  CHECK(img_upscale_mask(two, 2, 1, 8, 1, out) == IMG_OK);
  for (int x = 0; x < 8; x++) {
    double s = (x + 0.5) * 2 / 8 - 0.5; /* source position */
    if (s < 0) s = 0;
    if (s > 1) s = 1;
    CHECK(out[x] == (int)floor(s * 255 + 0.5));
  }
  /* same size: just rounding, with values outside [0,1] clamped */
  const float v[6] = {-0.3f, 0.0f, 0.5f, 0.2f, 1.0f, 1.7f};
  CHECK(img_upscale_mask(v, 3, 2, 3, 2, out) == IMG_OK);
  for (int i = 0; i < 6; i++) {
    double c = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
    CHECK(out[i] == (int)floor(c * 255 + 0.5));
  }
  /* a 1x1 mask fills the output */
  const float one = 0.25f;
  uint8_t big[5 * 3];
  CHECK(img_upscale_mask(&one, 1, 1, 5, 3, big) == IMG_OK);
  for (int i = 0; i < 15; i++) CHECK(big[i] == 64);
  CHECK(img_upscale_mask(&one, 0, 1, 5, 3, big) == IMG_EARG);
  CHECK(img_upscale_mask(NULL, 1, 1, 5, 3, big) == IMG_EARG);
}

/* img_resize: exact sizes for any channel count, constants stay constant, a shrunk step
 * keeps its place, bad arguments refused. */
static void test_resize_image(void) {
  const int chans[3] = {1, 3, 4};
  for (int k = 0; k < 3; k++) {
    int c = chans[k], w = 301, h = 157;
    ct_img *im = img_new(w, h, c), *out = NULL;
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        for (int j = 0; j < c; j++)
          im->data[((size_t)y * w + x) * c + j] = (uint8_t)(x < 150 ? 40 + j : 200 - j);
    CHECK(img_resize(im, 100, 52, &out) == IMG_OK);
    CHECK(out && out->width == 100 && out->height == 52 && out->channels == c);
    for (int y = 0; out && y < 52; y++) {
      const uint8_t *row = out->data + (size_t)y * 100 * c;
      CHECK(row[0] == 40 && row[99 * c] == 200 - 0); /* far from the step: unchanged */
      CHECK(row[c - 1] == 40 + c - 1);
      int step = 0; /* the first column at or past the middle value */
      while (step < 100 && row[step * c] < 120) step++;
      CHECK(abs(step - 50) <= 1); /* 150 / 301 * 100 = 49.8 */
    }
    img_free(out);
    out = NULL;
    CHECK(img_resize(im, 700, 400, &out) == IMG_OK); /* enlarging too */
    CHECK(out && out->width == 700 && out->height == 400);
    img_free(out);
    CHECK(img_resize(im, 0, 10, &out) == IMG_EARG && out == NULL);
    CHECK(img_resize(NULL, 10, 10, &out) == IMG_EARG);
    img_free(im);
  }
}

/* img_upscale_add: no change where the change is zero, the change resampled as
 * img_upscale_mask resamples a mask, clamping, aliasing base. */
static void test_upscale_add(void) {
  int mw = 4, mh = 3, w = 17, h = 11;
  float delta[12] = {0}, mask[12];
  uint8_t base[17 * 11], out[17 * 11], ref[17 * 11];
  for (int i = 0; i < w * h; i++) base[i] = (uint8_t)(i * 7 % 256);
  CHECK(img_upscale_add(delta, mw, mh, w, h, base, out) == IMG_OK);
  CHECK(memcmp(out, base, sizeof out) == 0);
  for (int i = 0; i < 12; i++) mask[i] = delta[i] = (float)((i % 5) * 0.2);
  uint8_t zero[17 * 11] = {0};
  CHECK(img_upscale_add(delta, mw, mh, w, h, zero, out) == IMG_OK);
  CHECK(img_upscale_mask(mask, mw, mh, w, h, ref) == IMG_OK);
  CHECK(memcmp(out, ref, sizeof out) == 0);
  for (int i = 0; i < 12; i++) delta[i] = i % 2 ? 2.0f : -2.0f; /* far past both ends */
  memcpy(out, base, sizeof out);
  CHECK(img_upscale_add(delta, mw, mh, w, h, out, out) == IMG_OK);
  CHECK(out[0] == 0 && out[w - 1] == 255);
  CHECK(img_upscale_add(NULL, mw, mh, w, h, base, out) == IMG_EARG);
}

/* At the image's own size (a tile) each pixel maps to its own planar values. */
static void test_planar_own_size(void) {
  int w = 37, h = 23;
  ct_img *im = img_new(w, h, 3);
  for (size_t i = 0; i < (size_t)w * h * 3; i++) im->data[i] = (uint8_t)(i * 53 % 251);
  float *out = malloc(sizeof(float) * 3 * w * h);
  CHECK(img_resize_to_planar(im, w, h, out, imagenet_mean, imagenet_scale) == IMG_OK);
  int bad = 0;
  for (size_t i = 0; i < (size_t)w * h; i++)
    for (int c = 0; c < 3; c++)
      bad += out[c * (size_t)w * h + i] !=
             (im->data[i * 3 + c] / 255.0f - imagenet_mean[c]) * imagenet_scale[c];
  CHECK(bad == 0);
  free(out);
  img_free(im);
}

int main(void) {
  fx_init();
  test_planar_own_size();
  test_resize_image();
  test_upscale_add();
  test_constant();
  test_antialias();
  test_resize_args();
  test_mask_step();
  test_mask_values();
  return CHECK_DONE();
}
