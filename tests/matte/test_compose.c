/* Compositing: RGBA packing, over a colour (opaque and translucent), over a background image
 * scaled to cover the photo (crop geometry, upscaling, antialiased downscaling, RGBA
 * backgrounds), bad arguments. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "matte/matte.h"

static int over8(int a, int f, int b) { return (a * f + (255 - a) * b + 127) / 255; }

static void check_colour(void) {
  enum { N = 256 };
  uint8_t fg[N * 3], alpha[N], out3[N * 3], out4[N * 4], rgba[N * 4];
  for (int i = 0; i < N; i++) {
    alpha[i] = (uint8_t)i;
    fg[i * 3] = (uint8_t)(i * 7);
    fg[i * 3 + 1] = (uint8_t)(255 - i);
    fg[i * 3 + 2] = 40;
  }
  mt_rgba(fg, alpha, N, rgba);
  long bad = 0;
  for (int i = 0; i < N; i++) bad += memcmp(rgba + i * 4, fg + i * 3, 3) != 0 || rgba[i * 4 + 3] != i;
  CHECK(bad == 0);

  const uint8_t opaque[4] = {10, 200, 255, 255};
  mt_over_colour(fg, alpha, N, opaque, out3, 3);
  mt_over_colour(fg, alpha, N, opaque, out4, 4);
  bad = 0;
  for (int i = 0; i < N; i++)
    for (int k = 0; k < 3; k++) {
      double exact = (i * fg[i * 3 + k] + (255 - i) * opaque[k]) / 255.0;
      bad += fabs(out3[i * 3 + k] - exact) > 0.5 + 1e-9;
      bad += out4[i * 4 + k] != out3[i * 3 + k] || out4[i * 4 + 3] != 255;
    }
  CHECK(bad == 0);

  /* a transparent colour leaves the cutout as it is */
  const uint8_t clear[4] = {0, 255, 0, 0};
  mt_over_colour(fg, alpha, N, clear, out4, 4);
  bad = 0;
  for (int i = 0; i < N; i++)
    bad += out4[i * 4 + 3] != i || (i > 0 && memcmp(out4 + i * 4, fg + i * 3, 3));
  CHECK(bad == 0);

  /* translucent: premultiplied result = a*F + (1-a)*A*C, coverage a + (1-a)*A */
  const uint8_t half[4] = {0, 0, 255, 128};
  mt_over_colour(fg, alpha, N, half, out4, 4);
  double worst = 0;
  for (int i = 0; i < N; i++) {
    double a = i / 255.0, A = 128 / 255.0, cover = a + (1 - a) * A;
    worst = fmax(worst, fabs(out4[i * 4 + 3] - 255 * cover));
    for (int k = 0; k < 3; k++) {
      double premul = a * fg[i * 3 + k] + (1 - a) * A * half[k];
      worst = fmax(worst, fabs(out4[i * 4 + k] * out4[i * 4 + 3] / 255.0 - premul));
    }
  }
  printf("translucent colour: worst premultiplied error %.2f\n", worst);
  CHECK(worst <= 1.5);
}

/* Over an image: w x h photo, everything through mt_over_image. */
static int over_image(const uint8_t *fg, const uint8_t *alpha, int w, int h, const uint8_t *bg,
                      int bw, int bh, int bch, uint8_t *out, int och) {
  char err[256] = "";
  int rc = mt_over_image(fg, alpha, w, h, bg, bw, bh, bch, out, och, err, sizeof err);
  if (rc) fprintf(stderr, "%s\n", err);
  return rc;
}

static void check_image(void) {
  enum { W = 100, H = 60 };
  size_t n = (size_t)W * H;
  uint8_t *fg = malloc(n * 3), *alpha = malloc(n), *out = malloc(n * 4), *ref = malloc(n * 4);
  uint8_t *bg = malloc((size_t)400 * 240 * 4);
  if (!fg || !alpha || !out || !ref || !bg) {
    CHECK(0);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    alpha[i] = (uint8_t)(i * 37 % 256);
    fg[i * 3] = (uint8_t)(i % 251);
    fg[i * 3 + 1] = (uint8_t)(i / 7 % 256);
    fg[i * 3 + 2] = 90;
  }
  /* a uniform background of any size is the colour */
  const uint8_t c[4] = {12, 34, 250, 255};
  for (int i = 0; i < 7 * 5; i++) memcpy(bg + i * 3, c, 3);
  CHECK(over_image(fg, alpha, W, H, bg, 7, 5, 3, out, 3) == 0);
  mt_over_colour(fg, alpha, n, c, ref, 3);
  long bad = 0;
  for (size_t i = 0; i < n * 3; i++) bad += abs(out[i] - ref[i]) > 1;
  CHECK(bad == 0);

  /* cover: a 200x60 background is cropped to its middle 100 columns, pixel for pixel */
  memset(alpha, 0, n);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < 200; x++) {
      uint8_t *p = bg + ((size_t)y * 200 + x) * 3;
      p[0] = (uint8_t)x;
      p[1] = (uint8_t)(y * 4);
      p[2] = 7;
    }
  CHECK(over_image(fg, alpha, W, H, bg, 200, H, 3, out, 3) == 0);
  bad = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const uint8_t *o = out + ((size_t)y * W + x) * 3;
      bad += o[0] != x + 50 || o[1] != y * 4 || o[2] != 7;
    }
  CHECK(bad == 0);

  /* cover: a 10x30 (tall) background is scaled by 10 and cropped to its middle rows:
   * black above its middle, white below */
  for (int y = 0; y < 30; y++)
    for (int x = 0; x < 10; x++) memset(bg + ((size_t)y * 10 + x) * 3, y < 15 ? 0 : 255, 3);
  CHECK(over_image(fg, alpha, W, H, bg, 10, 30, 3, out, 3) == 0);
  bad = 0;
  for (int x = 0; x < W; x++) {
    bad += out[((size_t)0 * W + x) * 3] != 0 || out[((size_t)20 * W + x) * 3] != 0;
    bad += out[((size_t)40 * W + x) * 3] != 255 || out[((size_t)59 * W + x) * 3] != 255;
  }
  for (int y = 1; y < H; y++) bad += out[(size_t)y * W * 3] < out[(size_t)(y - 1) * W * 3];
  CHECK(bad == 0);

  /* shrinking antialiases: a 1-pixel checkerboard 4x the photo's size comes out mid-grey */
  for (int y = 0; y < 240; y++)
    for (int x = 0; x < 400; x++) memset(bg + ((size_t)y * 400 + x) * 3, (x + y) & 1 ? 255 : 0, 3);
  CHECK(over_image(fg, alpha, W, H, bg, 400, 240, 3, out, 3) == 0);
  int lo = 255, hi = 0;
  for (size_t i = 0; i < n * 3; i++) {
    lo = out[i] < lo ? out[i] : lo;
    hi = out[i] > hi ? out[i] : hi;
  }
  printf("checkerboard shrunk 4x: values %d..%d\n", lo, hi);
  CHECK(lo >= 120 && hi <= 135);

  /* an RGBA background: the left half transparent, the right half opaque red */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *p = bg + ((size_t)y * W + x) * 4;
      int right = x >= W / 2;
      p[0] = right ? 255 : 0;
      p[1] = right ? 0 : 255; /* colour under zero alpha must not show */
      p[2] = 0;
      p[3] = right ? 255 : 0;
    }
  for (size_t i = 0; i < n; i++) alpha[i] = (uint8_t)(i % 3 == 0 ? 0 : i % 3 == 1 ? 128 : 255);
  CHECK(over_image(fg, alpha, W, H, bg, W, H, 4, out, 4) == 0);
  bad = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      size_t i = (size_t)y * W + x;
      const uint8_t *o = out + i * 4;
      int a = alpha[i];
      if (x < W / 2 - 1) { /* transparent background: the cutout itself */
        bad += o[3] != a || (a > 0 && memcmp(o, fg + i * 3, 3));
      } else if (x > W / 2) { /* opaque red */
        bad += o[3] != 255;
        for (int k = 0; k < 3; k++) bad += abs(o[k] - over8(a, fg[i * 3 + k], k ? 0 : 255)) > 1;
      }
    }
  CHECK(bad == 0);
  /* flattened to RGB, the transparent half is over black */
  CHECK(over_image(fg, alpha, W, H, bg, W, H, 4, out, 3) == 0);
  bad = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W / 2 - 1; x++) {
      size_t i = (size_t)y * W + x;
      for (int k = 0; k < 3; k++) bad += abs(out[i * 3 + k] - over8(alpha[i], fg[i * 3 + k], 0)) > 1;
    }
  CHECK(bad == 0);

  /* a 1x1 photo over a large background: its centre */
  for (int y = 0; y < 240; y++)
    for (int x = 0; x < 400; x++) memset(bg + ((size_t)y * 400 + x) * 3, x < 200 ? 0 : 200, 3);
  uint8_t zero = 0, px[3];
  CHECK(over_image(fg, &zero, 1, 1, bg, 400, 240, 3, px, 3) == 0);
  CHECK(px[0] > 0 && px[0] < 200);

  /* bad arguments */
  char err[256] = "";
  CHECK(mt_over_image(fg, alpha, W, H, bg, 10, 10, 2, out, 3, err, sizeof err) == -1 && err[0]);
  CHECK(mt_over_image(fg, alpha, W, H, bg, 0, 10, 3, out, 3, err, sizeof err) == -1);
  CHECK(mt_over_image(fg, alpha, 0, H, bg, 10, 10, 3, out, 3, err, sizeof err) == -1);
  CHECK(mt_over_image(fg, alpha, W, H, NULL, 10, 10, 3, out, 3, err, sizeof err) == -1);
  CHECK(mt_over_image(fg, alpha, W, H, bg, 10, 10, 3, out, 5, err, sizeof err) == -1);
  free(fg);
  free(alpha);
  free(out);
  free(ref);
  free(bg);
}

int main(void) {
  check_colour();
  check_image();
  return CHECK_DONE();
}
