/* One model shared by threads other than the one that loaded it: the model is loaded on the
 * main thread, then ct_predict_mask runs from a second thread, then from two threads at once.
 * Every mask must equal the one computed on the main thread (runs take turns on the model,
 * and each thread brings its own scratch). Skips when the model is absent. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cutout.h"
#include "model_fixture.h"
#include "subject_fixture.h"

#define W 640
#define H 480

typedef struct job {
  ct_model *model;
  ct_image *photo;
  ct_image *mask;
  ct_status status;
} job;

static void *predict(void *arg) {
  job *j = arg;
  ct_error err = {0};
  j->status = ct_predict_mask(j->model, j->photo, &j->mask, &err);
  if (j->status) fprintf(stderr, "predict: %s\n", err.message);
  return NULL;
}

static int same_mask(const ct_image *a, const ct_image *b) {
  return a && b && ct_image_width(a) == ct_image_width(b) &&
         ct_image_height(a) == ct_image_height(b) &&
         memcmp(ct_image_pixels(a), ct_image_pixels(b), (size_t)W * H) == 0;
}

int main(void) {
  ct_model *model = fixture_model();
  uint8_t *px = malloc((size_t)W * H * 3), *truth = malloc((size_t)W * H);
  fixture_draw(W, H, 480.0, 150.0, 1.0, px, truth);
  ct_error err = {0};
  ct_image *photo = NULL, *here = NULL;
  CHECK(ct_image_from_pixels(px, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  CHECK(ct_predict_mask(model, photo, &here, &err) == CT_OK);

  job one = {model, photo, NULL, CT_OK};
  pthread_t t[2];
  CHECK(pthread_create(&t[0], NULL, predict, &one) == 0);
  pthread_join(t[0], NULL);
  CHECK(one.status == CT_OK);
  CHECK(same_mask(here, one.mask));

  job two[2] = {{model, photo, NULL, CT_OK}, {model, photo, NULL, CT_OK}};
  for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, predict, &two[i]) == 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 2; i++) {
    CHECK(two[i].status == CT_OK);
    CHECK(same_mask(here, two[i].mask));
  }
  printf("masks from the loading thread, another thread and two at once are equal\n");

  for (int i = 0; i < 2; i++) ct_image_free(two[i].mask);
  ct_image_free(one.mask);
  ct_image_free(here);
  ct_image_free(photo);
  ct_model_free(model);
  free(px);
  free(truth);
  return CHECK_DONE();
}
