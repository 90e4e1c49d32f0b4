/* The tile pass with the network on a 2400x1800 photo the test draws: a known subject on the
 * right over a textured background. The tiled mask must overlap the known mask with
 * IoU >= 0.9, tiles over the empty left part must be skipped, and ct_remove with tiles must
 * give the photo with that mask as alpha. The same at tile scale 2 (the photo scaled to
 * 1200x900 for tiles of 400): the same IoU, and both leave the global mask exactly as it was
 * away from its edges. Skips when the model is absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cutout.h"
#include "model_fixture.h"
#include "pipeline/tiles.h"
#include "subject_fixture.h"

#define W 2400
#define H 1800

static double iou(const uint8_t *alpha, int stride, const uint8_t *truth) {
  return fixture_iou(alpha, stride, truth, (size_t)W * H);
}

/* Pixels farther than dist from the global mask's edges where the tiled mask differs. */
static long changed_far(const uint8_t *global, const uint8_t *tiled, int dist) {
  uint8_t *band = malloc((size_t)W * H);
  long n = 0;
  tile_edge_band(global, W, H, dist, band);
  for (size_t i = 0; i < (size_t)W * H; i++) n += band[i] == 0 && tiled[i] != global[i];
  free(band);
  return n;
}

/* The scaled tile pass: tiles of 400 with an overlap of 100 over the photo at half size
 * (columns at 0, 300, 600, 800; rows at 0, 300, 500); the edge band they may change is
 * 100 pixels of the scaled photo, 200 of the photo, and 2 more for the upscaling. */
static void scaled(ct_model *model, const ct_image *photo, const ct_image *global,
                   const uint8_t *truth) {
  ct_remove_options opts;
  ct_remove_options_fast(&opts); /* the network's masks alone: no matting */
  opts.tile_size = 400;
  opts.tile_overlap = 100;
  opts.tile_scale = 2;
  int total = 0, run = -1;
  ct_image *tiled = NULL;
  ct_error err = {0};
  CHECK(ct_tile_count(model, W, H, &opts, &total, &err) == CT_OK);
  CHECK(total == 12);
  CHECK(ct_tiled_mask(model, photo, global, &opts, &tiled, &run, &err) == CT_OK);
  if (!tiled) {
    fprintf(stderr, "scaled tile pass failed: %s\n", err.message);
    check_failures++;
    return;
  }
  double iou_tiled = iou(ct_image_pixels(tiled), 1, truth);
  long far = changed_far(ct_image_pixels(global), ct_image_pixels(tiled), 400 / 4 * 2 + 4);
  printf("scale 2: tiles run %d of %d; IoU %.4f; %ld pixels changed away from the edges\n",
         run, total, iou_tiled, far);
  CHECK(run > 0 && run < total);
  CHECK(ct_image_width(tiled) == W && ct_image_height(tiled) == H);
  CHECK(iou_tiled >= 0.9);
  CHECK(far == 0);
  opts.tile_scale = 0.5; /* below 1: refused */
  CHECK(ct_tile_count(model, W, H, &opts, &total, &err) == CT_ERR_ARGUMENT);
  CHECK(ct_tiled_mask(model, photo, global, &opts, &tiled, &run, &err) == CT_ERR_ARGUMENT);
  ct_image_free(tiled);
}

int main(void) {
  ct_model *model = fixture_model();
  uint8_t *px = malloc((size_t)W * H * 3), *truth = malloc((size_t)W * H);
  fixture_draw(W, H, 1850.0, 560.0, 2.0, px, truth);
  ct_error err = {0};
  ct_image *photo = NULL, *global = NULL, *tiled = NULL, *joined = NULL, *cut = NULL;
  CHECK(ct_image_from_pixels(px, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  ct_remove_options opts;
  ct_remove_options_fast(&opts); /* the network's masks alone: no matting */
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
  CHECK(changed_far(ct_image_pixels(global), ct_image_pixels(tiled), 1200 / 4) == 0);
  scaled(model, photo, global, truth);
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
