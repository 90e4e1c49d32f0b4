/* The global pass's framing (ct_global_mask) with the network. On a drawn 1200x900 subject
 * the letterboxed mask lies where the subject is (IoU >= 0.9, as the stretched one), the
 * stretched framing is ct_predict_mask's mask, and the automatic one keeps the stretched
 * mask of a sure subject without a second run. On the real set (../shared/realset, skipped
 * when absent): the wig that fills GT27 is rescued by the letterboxed input (whole-image SAD
 * under half the stretched mask's), and the soft toy of GT06, which letterboxing spoils, keeps
 * its stretched mask. Skips when the model is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "cutout.h"
#include "model_fixture.h"
#include "subject_fixture.h"

#define W 1200
#define H 900

static ct_image *framed(ct_model *model, const ct_image *photo, ct_framing f,
                        ct_remove_stats *stats) {
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.framing = f;
  opts.stats = stats;
  ct_image *m = NULL;
  ct_error err = {0};
  if (ct_global_mask(model, photo, &opts, &m, &err)) {
    fprintf(stderr, "global pass (framing %d): %s\n", (int)f, err.message);
    exit(1);
  }
  return m;
}

static int same(const ct_image *a, const ct_image *b) {
  return ct_image_width(a) == ct_image_width(b) && ct_image_height(a) == ct_image_height(b) &&
         !memcmp(ct_image_pixels(a), ct_image_pixels(b),
                 (size_t)ct_image_width(a) * ct_image_height(a));
}

/* Whole-image SAD / 1000 of a mask against the first channel of a ground-truth image. */
static double sad(const ct_image *m, const ct_image *truth) {
  size_t n = (size_t)ct_image_width(m) * ct_image_height(m);
  int tc = ct_image_channels(truth);
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += abs((int)ct_image_pixels(m)[i] - (int)ct_image_pixels(truth)[i * tc]);
  return s / 255 / 1000;
}

static void real_photo(ct_model *model, const char *dir, const char *name, int want_fit) {
  char p[1200];
  ct_image *photo = NULL, *truth = NULL;
  ct_error err = {0};
  snprintf(p, sizeof p, "%s/image/%s.png", dir, name);
  CHECK(ct_image_load(p, &photo, &err) == CT_OK);
  snprintf(p, sizeof p, "%s/alpha/%s.png", dir, name);
  CHECK(ct_image_load(p, &truth, &err) == CT_OK);
  if (!photo || !truth) return;
  ct_remove_stats st;
  ct_image *stretched = framed(model, photo, CT_FRAMING_STRETCH, NULL);
  ct_image *automatic = framed(model, photo, CT_FRAMING_AUTO, &st);
  double s = sad(stretched, truth), a = sad(automatic, truth);
  printf("%s: SAD stretched %.2f, automatic %.2f (%s; unsure %.3f stretched, %.3f letterboxed)\n",
         name, s, a, st.framing == CT_FRAMING_FIT ? "letterboxed" : "stretched",
         st.unsure_stretched, st.unsure_fitted);
  CHECK(st.unsure_stretched > CT_FRAMING_UNSURE || !want_fit);
  if (want_fit) {
    CHECK(st.framing == CT_FRAMING_FIT);
    CHECK(st.unsure_fitted >= 0 && st.unsure_fitted < st.unsure_stretched);
    CHECK(a < 0.5 * s);
  } else {
    CHECK(st.framing == CT_FRAMING_STRETCH);
    CHECK(same(automatic, stretched));
  }
  ct_image_free(stretched);
  ct_image_free(automatic);
  ct_image_free(photo);
  ct_image_free(truth);
}

int main(void) {
  ct_model *model = fixture_model();
  uint8_t *px = malloc((size_t)W * H * 3), *truth = malloc((size_t)W * H);
  fixture_draw(W, H, 800.0, 280.0, 1.0, px, truth);
  ct_error err = {0};
  ct_image *photo = NULL, *plain = NULL;
  CHECK(ct_image_from_pixels(px, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  CHECK(ct_predict_mask(model, photo, &plain, &err) == CT_OK);
  ct_remove_stats st;
  ct_image *stretched = framed(model, photo, CT_FRAMING_STRETCH, &st);
  CHECK(same(stretched, plain) && st.framing == CT_FRAMING_STRETCH && st.unsure_fitted == -1);
  ct_image *fit = framed(model, photo, CT_FRAMING_FIT, &st);
  CHECK(st.framing == CT_FRAMING_FIT && st.unsure_fitted >= 0 && st.unsure_stretched == -1);
  CHECK(ct_image_width(fit) == W && ct_image_height(fit) == H && ct_image_channels(fit) == 1);
  double is = fixture_iou(ct_image_pixels(stretched), 1, truth, (size_t)W * H);
  double ifit = fixture_iou(ct_image_pixels(fit), 1, truth, (size_t)W * H);
  printf("drawn subject: IoU stretched %.4f, letterboxed %.4f\n", is, ifit);
  CHECK(is >= 0.9 && ifit >= 0.9);
  ct_image *automatic = framed(model, photo, CT_FRAMING_AUTO, &st);
  printf("drawn subject, automatic: unsure %.3f stretched, %.3f letterboxed\n",
         st.unsure_stretched, st.unsure_fitted);
  if (st.unsure_stretched <= CT_FRAMING_UNSURE)
    CHECK(st.unsure_fitted == -1 && same(automatic, stretched));
  /* a framing that does not exist */
  ct_remove_options bad;
  ct_remove_options_init(&bad);
  bad.framing = (ct_framing)7;
  ct_image *none = NULL;
  CHECK(ct_global_mask(model, photo, &bad, &none, &err) == CT_ERR_ARGUMENT && none == NULL);

  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/../shared/realset", src ? src : ".");
  struct stat sb;
  if (stat(dir, &sb) == 0) {
    real_photo(model, dir, "GT27", 1);
    real_photo(model, dir, "GT06", 0);
  } else {
    printf("no real set at %s: its photos not checked\n", dir);
  }
  ct_image_free(automatic);
  ct_image_free(fit);
  ct_image_free(stretched);
  ct_image_free(plain);
  ct_image_free(photo);
  free(px);
  free(truth);
  ct_model_free(model);
  return CHECK_DONE();
}
