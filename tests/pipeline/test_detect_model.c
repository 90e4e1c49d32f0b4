/* The CenterNet detector's decoding against the graph's own: tfjs (tests/tools/tfjs_run.js)
 * runs the TensorFlow.js model on a letterboxed real photo and gives its heatmap, its size
 * map and its `tower_0/detections`; det_decode_centernet on the first two must give the
 * third (boxes within 1e-3 px, the same scores and classes). The engine's detector
 * (ct_detect: the same graph through the TensorFlow.js loader, in float32) must give tfjs's
 * boxes after the same suppression: boxes within 1 px at 512x512, scores within 1e-3, the
 * same classes. And the photo of one person gives one person, its box around most of the
 * photo's height.
 * Skips when the model, node or tfjs is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "nn/tfjs_harness.h"
#include "cutout.h"
#include "pipeline/detect.h"

#define SIZE 512
#define CELLS (SIZE / 4)

int main(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  if (!src) src = ".";
  char model[1024], photo[1024];
  snprintf(model, sizeof model, "%s/models/centernet.json", src);
  snprintf(photo, sizeof photo, "%s/examples/portrait-curls.jpg", src);
  struct stat st;
  if (stat(model, &st) != 0) SKIP("models/centernet.json absent: run scripts/fetch-tfjs-models.sh");
  char emsg[256];
  ct_img *im = NULL;
  if (img_load_rgb(photo, &im, emsg, sizeof emsg)) {
    fprintf(stderr, "%s\n", emsg);
    return 1;
  }
  float *in = malloc((size_t)SIZE * SIZE * 3 * sizeof *in);
  det_frame frame;
  CHECK(in && det_letterbox(im, SIZE, in, &frame) == 0);
  const char *why = th_tfjs_missing(src);
  if (why) SKIP("%s", why);
  char tmp[] = "/tmp/cutout-detect-XXXXXX";
  CHECK(mkdtemp(tmp) != NULL);
  const int64_t shape[4] = {1, SIZE, SIZE, 3};
  float *heat = th_tfjs_run(src, model, "tower_0/keypoints", in, shape, 4,
                            (size_t)CELLS * CELLS * 80, tmp);
  float *wh = th_tfjs_run(src, model, "tower_0/wh", in, shape, 4, (size_t)CELLS * CELLS * 4, tmp);
  float *ref = th_tfjs_run(src, model, "tower_0/detections", in, shape, 4, 100 * 6, tmp);
  CHECK(heat && wh && ref);
  det_box box[100];
  if (heat && wh && ref) {
    int n = det_decode_centernet(heat, wh, CELLS, CELLS, 80, 4, 100, box);
    CHECK(n == 100);
    double worst = 0;
    int same = 1;
    for (int i = 0; i < n; i++) {
      const float *r = ref + 6 * i;
      float got[4] = {box[i].x0, box[i].y0, box[i].x1, box[i].y1};
      for (int j = 0; j < 4; j++) {
        double d = got[j] > r[j] ? got[j] - r[j] : r[j] - got[j];
        if (d > worst) worst = d;
      }
      same &= box[i].score == r[4] && box[i].cls == (int)r[5];
    }
    printf("decoded against the graph's detections: max |box diff| %.3g px, scores and classes "
           "%s; top: %s %.3f\n", worst, same ? "equal" : "DIFFER", det_coco_name(box[0].cls),
           box[0].score);
    CHECK(worst <= 1e-3);
    CHECK(same);
    for (int i = 0; i < n; i++) det_to_photo(&frame, im->width, im->height, &box[i]);
    int kept = det_suppress(box, n, 0.3f, 0.5f), people = 0;
    for (int i = 0; i < kept; i++) {
      printf("  %s %.3f (%.0f,%.0f)-(%.0f,%.0f)\n", det_coco_name(box[i].cls), box[i].score,
             box[i].x0, box[i].y0, box[i].x1, box[i].y1);
      if (box[i].cls == 0) {
        people++;
        CHECK(box[i].y1 - box[i].y0 > 0.6 * im->height);
      }
    }
    CHECK(people == 1);

    /* the engine's detector against tfjs's boxes, suppressed and mapped alike */
    ct_detector *det = NULL;
    ct_error err = {0};
    CHECK(ct_detector_load(model, &det, &err) == CT_OK);
    if (!det) fprintf(stderr, "%s\n", err.message);
    ct_detection *got = NULL;
    int count = 0;
    ct_detect_options one = {.single_pass = 1}; /* the pass tfjs made */
    if (det) CHECK(ct_detect(det, im, &one, &got, &count, &err) == CT_OK);
    CHECK(count == kept);
    double box_px = 0, score = 0;
    for (int i = 0; i < count && i < kept; i++) {
      float g[4] = {got[i].x0, got[i].y0, got[i].x1, got[i].y1};
      float r[4] = {box[i].x0, box[i].y0, box[i].x1, box[i].y1};
      for (int j = 0; j < 4; j++) {
        double d = (g[j] > r[j] ? g[j] - r[j] : r[j] - g[j]) * frame.scale; /* at 512 */
        if (d > box_px) box_px = d;
      }
      double ds = got[i].score > box[i].score ? got[i].score - box[i].score
                                              : box[i].score - got[i].score;
      if (ds > score) score = ds;
      CHECK(got[i].cls == box[i].cls);
    }
    printf("engine against tfjs: %d boxes, max |box diff| %.3g px at %d, max |score diff| "
           "%.3g\n", count, box_px, SIZE, score);
    CHECK(box_px <= 1);
    CHECK(score <= 1e-3);
    free(got);
    ct_detector_free(det);
  }
  free(heat);
  free(wh);
  free(ref);
  free(in);
  img_free(im);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
