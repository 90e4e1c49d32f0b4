/* The per-channel pass with the network, on a 1200x900 photo the test draws (a known subject
 * over a textured background): ct_channel_mask overlaps the known mask with IoU >= 0.9, as
 * the global mask does, and ct_remove with opts.channels gives that mask. Skips when the
 * model is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cutout.h"
#include "model_fixture.h"
#include "subject_fixture.h"

#define W 1200
#define H 900

static double iou(const uint8_t *alpha, const uint8_t *truth) {
  return fixture_iou(alpha, 1, truth, (size_t)W * H);
}

int main(void) {
  ct_model *model = fixture_model();
  uint8_t *px = malloc((size_t)W * H * 3), *truth = malloc((size_t)W * H);
  fixture_draw(W, H, 800.0, 280.0, 1.0, px, truth);
  ct_error err = {0};
  ct_image *photo = NULL, *global = NULL, *chan = NULL, *removed = NULL;
  CHECK(ct_image_from_pixels(px, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  ct_remove_options opts;
  ct_remove_options_fast(&opts); /* the network's masks alone: no matting */
  opts.channels = 1;
  opts.mask_only = 1;
  if (ct_predict_mask(model, photo, &global, &err) ||
      ct_channel_mask(model, photo, &chan, &err) ||
      ct_remove(model, photo, &opts, &removed, &err)) {
    fprintf(stderr, "per-channel pass failed: %s\n", err.message);
    return 1;
  }
  double g = iou(ct_image_pixels(global), truth), c = iou(ct_image_pixels(chan), truth);
  printf("IoU global %.4f, with the per-channel pass %.4f\n", g, c);
  CHECK(ct_image_width(chan) == W && ct_image_height(chan) == H && ct_image_channels(chan) == 1);
  CHECK(c >= 0.9);
  CHECK(ct_image_channels(removed) == 1);
  CHECK(memcmp(ct_image_pixels(removed), ct_image_pixels(chan), (size_t)W * H) == 0);
  CHECK(ct_channel_mask(NULL, photo, &chan, &err) == CT_ERR_ARGUMENT);
  ct_image_free(removed);
  ct_image_free(chan);
  ct_image_free(global);
  ct_image_free(photo);
  ct_model_free(model);
  free(px);
  free(truth);
  return CHECK_DONE();
}
