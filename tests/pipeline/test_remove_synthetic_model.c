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
#include "subject_fixture.h"

#define W 900
#define H 700

int main(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char model_path[1024];
  snprintf(model_path, sizeof model_path, "%s/models/isnet-fp16.onnx", src ? src : ".");
  struct stat st;
  if (stat(model_path, &st) != 0) SKIP("model absent: run scripts/fetch-models.sh");

  uint8_t *px = malloc((size_t)W * H * 3);
  uint8_t *truth = malloc((size_t)W * H);
  fixture_draw(W, H, 450.0, 250.0, 1.0, px, truth);
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
    /* opaque pixels keep the photo's colour (soft ones take the estimated foreground) */
    if (c[i * 4 + 3] == 255 && memcmp(c + i * 4, px + i * 3, 3)) rgb_same = 0;
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
