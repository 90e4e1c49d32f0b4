/* The tile pass with the network on a 2400x1800 photo the test draws: a known subject on the
 * right over a textured background. The tiled mask must overlap the known mask with
 * IoU >= 0.9, tiles over the empty left part must be skipped, and ct_remove with tiles must
 * give the photo with that mask as alpha. Skips when the model is absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cutout.h"
#include "model_fixture.h"
#include "subject_fixture.h"

#define W 2400
#define H 1800

static double iou(const uint8_t *alpha, int stride, const uint8_t *truth) {
  return fixture_iou(alpha, stride, truth, (size_t)W * H);
}

int main(void) {
  ct_model *model = fixture_model();
  uint8_t *px = malloc((size_t)W * H * 3), *truth = malloc((size_t)W * H);
  fixture_draw(W, H, 1850.0, 560.0, 2.0, px, truth);
  ct_error err = {0};
  ct_image *photo = NULL, *global = NULL, *tiled = NULL, *joined = NULL, *cut = NULL;
  CHECK(ct_image_from_pixels(px, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.tiles = 1;
  opts.tile_size = 1200;
  opts.tile_overlap = 300;
  int total = 0, run = -1;
  CHECK(ct_tile_count(model, W, H, &opts, &total, &err) == CT_OK);
  CHECK(total == 6); /* columns at x = 0, 900, 1200; rows at y = 0, 600 */
  if (ct_predict_mask(model, photo, &global, &err) ||
      ct_tiled_mask(model, photo, global, &opts, &tiled, &run, &err) ||
      ct_composite(photo, tiled, &opts, &joined, &err) ||
      ct_remove(model, photo, &opts, &cut, &err)) {
    fprintf(stderr, "tile pass failed: %s\n", err.message);
    return 1;
  }
  double iou_global = iou(ct_image_pixels(global), 1, truth);
  double iou_tiled = iou(ct_image_pixels(tiled), 1, truth);
  printf("tiles run: %d of %d; IoU global %.4f, tiled %.4f\n", run, total, iou_global,
         iou_tiled);
  CHECK(run > 0 && run < total);
  CHECK(ct_image_width(tiled) == W && ct_image_height(tiled) == H);
  CHECK(ct_image_channels(tiled) == 1);
  CHECK(iou_tiled >= 0.9);
  CHECK(ct_image_width(cut) == W && ct_image_height(cut) == H && ct_image_channels(cut) == 4);
  CHECK(memcmp(ct_image_pixels(cut), ct_image_pixels(joined), (size_t)W * H * 4) == 0);
  CHECK(iou(ct_image_pixels(cut) + 3, 4, truth) >= 0.9);
  ct_image_free(cut);
  ct_image_free(joined);
  ct_image_free(tiled);
  ct_image_free(global);
  ct_image_free(photo);
  ct_model_free(model);
  free(px);
  free(truth);
  return CHECK_DONE();
}
