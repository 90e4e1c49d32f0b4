/* remove() on a photo the test draws: a known subject on a textured background.
 * The alpha, binarised, must overlap the known mask with IoU >= 0.9; the RGB must be the
 * photo's, and the mask-only output must equal the alpha. Skips when the model is absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "cutout.h"

#define W 900
#define H 700

/* Inside the subject: a head (disc) on shoulders (rounded block). */
static int subject(int x, int y) {
  double dx = x - 450.0, dy = y - 250.0;
  if (dx * dx + dy * dy < 120.0 * 120.0) return 1;
  if (y > 360 && y < H && x > 230 && x < 670) {
    double cx = x < 330 ? 330 : x > 570 ? 570 : x, cy = y < 460 ? 460 : y;
    double ex = x - cx, ey = y - cy;
    return ex * ex + ey * ey < 100.0 * 100.0;
  }
  return 0;
}

int main(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char model_path[1024];
  snprintf(model_path, sizeof model_path, "%s/models/isnet-fp16.onnx", src ? src : ".");
  struct stat st;
  if (stat(model_path, &st) != 0) SKIP("model absent: run scripts/fetch-models.sh");

  uint8_t *px = malloc((size_t)W * H * 3);
  uint8_t *truth = malloc((size_t)W * H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *p = px + ((size_t)y * W + x) * 3;
      int in = subject(x, y);
      truth[(size_t)y * W + x] = (uint8_t)in;
      if (in) { /* a dark red subject with soft shading */
        p[0] = (uint8_t)(150 + 40 * sin(x * 0.02));
        p[1] = (uint8_t)(30 + 10 * cos(y * 0.03));
        p[2] = 40;
      } else { /* a pale wall with a faint gradient and stripes */
        int v = 200 + (x * 30) / W - ((y / 40) % 2) * 8;
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v + 5);
        p[2] = (uint8_t)(v + 12);
      }
    }
  ct_error err = {0};
  ct_image *photo = NULL, *cut = NULL, *mask = NULL;
  ct_model *model = NULL;
  CHECK(ct_image_from_pixels(px, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  ct_set_threads(2);
  if (ct_model_load(model_path, &model, &err) != CT_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  int mw, mh;
  ct_model_input_size(model, &mw, &mh);
  CHECK(mw == 1024 && mh == 1024);
  CHECK(ct_remove(model, photo, NULL, &cut, &err) == CT_OK);
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.mask_only = 1;
  CHECK(ct_remove(model, photo, &opts, &mask, &err) == CT_OK);
  if (!cut || !mask) {
    fprintf(stderr, "remove failed: %s\n", err.message);
    return 1;
  }
  CHECK(ct_image_width(cut) == W && ct_image_height(cut) == H && ct_image_channels(cut) == 4);
  CHECK(ct_image_channels(mask) == 1);
  const uint8_t *c = ct_image_pixels(cut), *m = ct_image_pixels(mask);
  long inter = 0, uni = 0, rgb_same = 1, mask_same = 1;
  for (size_t i = 0; i < (size_t)W * H; i++) {
    int a = c[i * 4 + 3] >= 128;
    inter += a && truth[i];
    uni += a || truth[i];
    if (memcmp(c + i * 4, px + i * 3, 3)) rgb_same = 0;
    if (m[i] != c[i * 4 + 3]) mask_same = 0;
  }
  double iou = (double)inter / (double)uni;
  printf("IoU of the alpha against the drawn subject: %.4f\n", iou);
  CHECK(iou >= 0.9);
  CHECK(rgb_same);
  CHECK(mask_same);
  ct_image_free(cut);
  ct_image_free(mask);
  ct_image_free(photo);
  ct_model_free(model);
  free(px);
  free(truth);
  return CHECK_DONE();
}
