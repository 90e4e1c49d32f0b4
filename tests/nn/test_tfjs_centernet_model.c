/* The CenterNet detector (models/centernet.json, a TensorFlow.js graph model) through the
 * engine's TensorFlow.js loader up to its network outputs, tower_0/keypoints (the sigmoid
 * heatmap) and tower_0/wh (box sizes), against tfjs itself (tests/tools/tfjs_run.js) on the
 * example photo resized to 512x512: max |diff| of the heatmap <= 1e-3, of the sizes relative
 * to their range <= 1e-3, in float32 (as tfjs computes; in bfloat16, where the CPU has it,
 * the heatmap is some 2e-2 off, so the difference is only reported). The graph's
 * post-processing after them is not converted. Skips when the model, node or tfjs is
 * absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "image/image.h"
#include "nn/nn.h"
#include "nn/precision.h"
#include "tfjs_harness.h"

enum { SIDE = 512 };

/* The photo resized to SIDE x SIDE as NHWC floats in 0..255. */
static float *photo_input(const char *src) {
  char path[1024], emsg[256];
  snprintf(path, sizeof path, "%s/examples/portrait-curls.jpg", src);
  ct_img *im = NULL, *small = NULL;
  if (img_load_rgb(path, &im, emsg, sizeof emsg) || img_resize(im, SIDE, SIDE, &small)) {
    fprintf(stderr, "%s: cannot read or resize the photo\n", path);
    img_free(im);
    return NULL;
  }
  uint8_t *copy = NULL;
  const uint8_t *rgb = img_rgb_view(small, &copy);
  float *x = rgb ? malloc(sizeof(float) * SIDE * SIDE * 3) : NULL;
  for (int i = 0; x && i < SIDE * SIDE * 3; i++) x[i] = rgb[i];
  free(copy);
  img_free(small);
  img_free(im);
  return x;
}

int main(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  if (!src) src = ".";
  char model[1024];
  snprintf(model, sizeof model, "%s/models/centernet.json", src);
  struct stat st;
  if (stat(model, &st) != 0) SKIP("models/centernet.json absent: run scripts/fetch-tfjs-models.sh");
  const char *why = th_tfjs_missing(src);
  if (why) SKIP("%s", why);
  nn_set_precision(NN_PREC_F32);
  nn_set_threads(2);
  float *x = photo_input(src);
  CHECK(x != NULL);
  if (!x) return CHECK_DONE();
  const char *names[2] = {"tower_0/keypoints", "tower_0/wh"};
  nn_graph *g = NULL;
  nn_err err = {0};
  int rc = nn_load_tfjs(model, names, 2, &g, &err);
  if (rc) fprintf(stderr, "load failed: %s\n", err.msg);
  CHECK(rc == 0);
  char tmp[] = "/tmp/cutout-tfjs-XXXXXX";
  CHECK(mkdtemp(tmp) != NULL);
  int64_t shape[4] = {1, SIDE, SIDE, 3};
  nn_tensor *in = g ? nn_tensor_new(NN_F32, 4, shape, &err) : NULL;
  nn_tensor *outs[2] = {0};
  if (in) {
    memcpy(in->data, x, sizeof(float) * SIDE * SIDE * 3);
    rc = nn_run(g, &in, 1, outs, 2, &err);
    if (rc) fprintf(stderr, "run failed: %s\n", err.msg);
    CHECK(rc == 0);
  }
  for (int o = 0; o < 2 && outs[o]; o++) {
    char dims[64];
    size_t n = (size_t)nn_numel(outs[o]);
    /* tfjs's shape: NHWC, 1 x 128 x 128 x (80 classes, 4 sizes) */
    CHECK(outs[o]->ndim == 4 && outs[o]->dims[0] == 1 && outs[o]->dims[1] == SIDE / 4 &&
          outs[o]->dims[2] == SIDE / 4);
    float *ref = th_tfjs_run(src, model, names[o], x, shape, 4, n, tmp);
    CHECK(ref != NULL);
    if (!ref) continue;
    const float *got = outs[o]->data;
    double max = th_max_diff(got, ref, n), lo = ref[0], hi = ref[0];
    for (size_t i = 0; i < n; i++) {
      if (ref[i] < lo) lo = ref[i];
      if (ref[i] > hi) hi = ref[i];
    }
    printf("%s %s: max |diff| %.3g (tfjs's values %.3g .. %.3g)\n", names[o],
           nn_shape_str(outs[o], dims, sizeof dims), max, lo, hi);
    CHECK(hi > lo); /* not a constant map */
    if (o == 0) CHECK(max <= 1e-3);
    else CHECK(max <= 1e-3 * (hi - lo > 1 ? hi - lo : 1));
    if (o == 0 && nn_bf16_available()) { /* the same in bfloat16, for the record */
      nn_tensor *b[2] = {0};
      nn_set_precision(NN_PREC_BF16);
      if (nn_run(g, &in, 1, b, 2, &err) == 0)
        printf("%s in bfloat16: max |diff| %.3g (not checked)\n", names[o],
               th_max_diff(b[0]->data, ref, n));
      nn_set_precision(NN_PREC_F32);
      nn_tensor_free(b[0]);
      nn_tensor_free(b[1]);
    }
    free(ref);
  }
  for (int o = 0; o < 2; o++) nn_tensor_free(outs[o]);
  nn_tensor_free(in);
  nn_graph_free(g);
  free(x);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
