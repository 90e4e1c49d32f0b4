/* Allocation failures: every malloc, calloc, realloc, aligned_alloc and strdup made by
 * cutout's own code (the library is linked statically, and this test wraps those symbols at
 * link time: tests/robust/tests.cmake) fails in turn, the 1st, then the 2nd, and so on,
 * until a call completes without reaching the failing one. Each call must return cleanly,
 * OK (the code had another way) or an out-of-memory error, never crash; in the sanitizer
 * build LeakSanitizer also checks that nothing leaks on any of these paths.
 * Exercised: loading and running an ONNX model (a convolution from ONNX's own test data,
 * skipped when absent), the foreground colours and compositing, the per-channel fusion, the
 * evaluation metrics, the trimap and both matting modes, and the resampling of the scaled
 * tile pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc_fail.h"
#include "check.h"
#include "cutout.h"
#include "eval/metrics.h"
#include "image/image.h"
#include "nn/nn.h"
#include "pipeline/channels.h"

/* ---- the jobs ---- */
static int nn_job(void *ctx) {
  const char *path = ctx;
  nn_err e = {0};
  nn_graph *g = NULL;
  if (nn_load(path, &g, &e)) {
    if (e.code == NN_ENOMEM) return 1;
    fprintf(stderr, "nn load: %s\n", e.msg);
    return -1;
  }
  int rc = 0;
  nn_tensor *in[2] = {NULL, NULL}, *out = NULL;
  for (int i = 0; i < g->n_inputs && i < 2 && !rc; i++) {
    const nn_tensor *t = &g->values[g->inputs[i]].t;
    if (!(in[i] = nn_tensor_new(t->dtype, t->ndim, t->dims, &e))) rc = 1;
  }
  if (!rc && nn_run(g, in, g->n_inputs, &out, 1, &e)) rc = e.code == NN_ENOMEM ? 1 : -1;
  if (rc < 0) fprintf(stderr, "nn: %s\n", e.msg);
  nn_tensor_free(out);
  nn_tensor_free(in[0]);
  nn_tensor_free(in[1]);
  nn_graph_free(g);
  return rc;
}

typedef struct picture {
  ct_image *photo, *alpha;
  const uint8_t *masks[4];
  int w, h;
} picture;

static int composite_job(void *ctx) {
  picture *p = ctx;
  ct_error err = {0};
  ct_image *out = NULL;
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.bg_color[0] = 20, opts.bg_color[3] = 128;
  ct_status st = ct_composite(p->photo, p->alpha, &opts, &out, &err);
  ct_image_free(out);
  return st == CT_OK ? 0 : st == CT_ERR_MEMORY ? 1 : -1;
}

static int fuse_job(void *ctx) {
  picture *p = ctx;
  uint8_t *out = __real_malloc((size_t)p->w * p->h);
  int rc = channel_fuse(p->masks[0], p->masks + 1, p->w, p->h, out) ? 1 : 0;
  free(out);
  return rc;
}

static int matting_job(void *ctx) {
  picture *p = ctx;
  ct_error err = {0};
  ct_image *trimap = NULL, *alpha = NULL;
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.trimap_erode = 3;
  ct_status st = ct_trimap(p->photo, p->alpha, &opts, &trimap, &err);
  for (int mode = CT_MATTING_FAST; !st && mode <= CT_MATTING_FULL; mode++) {
    opts.matting = (ct_matting)mode;
    st = ct_matte(p->photo, p->alpha, trimap, &opts, &alpha, &err);
    ct_image_free(alpha);
    alpha = NULL;
  }
  ct_image_free(trimap);
  return st == CT_OK ? 0 : st == CT_ERR_MEMORY ? 1 : (fprintf(stderr, "%s\n", err.message), -1);
}

/* The scaled tile pass's resampling: the photo and a mask scaled down, a change scaled back
 * up onto the mask. */
static int resample_job(void *ctx) {
  picture *p = ctx;
  ct_img *small = NULL, *grey = NULL;
  float *delta = NULL;
  uint8_t *out = NULL;
  int rc = 0, w = p->w / 3, h = p->h / 3;
  int r = img_resize(p->photo, w, h, &small);
  if (!r) r = img_resize(p->alpha, w, h, &grey);
  if (r) rc = r == IMG_ENOMEM ? 1 : -1;
  if (!rc && (!(delta = calloc((size_t)w * h, sizeof *delta)) ||
              !(out = malloc((size_t)p->w * p->h))))
    rc = 1;
  if (!rc) { /* a change of zero leaves the mask as it is */
    r = img_upscale_add(delta, w, h, p->w, p->h, ct_image_pixels(p->alpha), out);
    rc = r == IMG_ENOMEM ? 1 : r ? -1 : 0;
    if (!rc && memcmp(out, ct_image_pixels(p->alpha), (size_t)p->w * p->h)) rc = -1;
  }
  free(delta);
  free(out);
  img_free(small);
  img_free(grey);
  return rc;
}

static int metrics_job(void *ctx) {
  picture *p = ctx;
  eval_scores s;
  return eval_score_u8(p->masks[0], p->masks[1], NULL, p->w, p->h, &s) ? 1 : 0;
}

int main(void) {
  const char *root = getenv("ONNX_NODE_TESTS");
  char model[1024];
  snprintf(model, sizeof model, "%s/test_conv_with_strides_padding/model.onnx",
           root ? root : "/usr/share/libonnx-testdata/data/node");
  struct stat st;
  if (stat(model, &st) == 0) CHECK(every_failure("ONNX load and run", nn_job, model) > 10);
  else printf("no %s: the engine part is skipped\n", model);

  picture p = {.w = 160, .h = 120};
  size_t n = (size_t)p.w * p.h;
  uint8_t *rgb = __real_malloc(n * 3), *a = __real_malloc(n), *b = __real_malloc(n);
  for (int y = 0; y < p.h; y++)
    for (int x = 0; x < p.w; x++) {
      size_t i = (size_t)y * p.w + x;
      int d = (x - 80) * (x - 80) + (y - 60) * (y - 60);
      a[i] = d < 1600 ? 255 : d > 2500 ? 0 : (uint8_t)(255 * (2500 - d) / 900);
      b[i] = d < 1900 ? 255 : 0;
      rgb[i * 3] = (uint8_t)(x * 3), rgb[i * 3 + 1] = (uint8_t)(y * 2), rgb[i * 3 + 2] = 90;
    }
  ct_error err;
  CHECK(ct_image_from_pixels(rgb, p.w, p.h, 3, (size_t)p.w * 3, &p.photo, &err) == CT_OK);
  CHECK(ct_image_from_pixels(a, p.w, p.h, 1, (size_t)p.w, &p.alpha, &err) == CT_OK);
  p.masks[0] = a, p.masks[1] = b, p.masks[2] = a, p.masks[3] = b;
  CHECK(every_failure("foreground colours and compositing", composite_job, &p) > 3);
  CHECK(every_failure("per-channel fusion", fuse_job, &p) > 3);
  CHECK(every_failure("evaluation metrics", metrics_job, &p) > 0);
  CHECK(every_failure("tile pass resampling", resample_job, &p) > 3);
  CHECK(every_failure("trimap and matting", matting_job, &p) > 5);
  ct_image_free(p.photo);
  ct_image_free(p.alpha);
  free(rgb);
  free(a);
  free(b);
  return CHECK_DONE();
}
