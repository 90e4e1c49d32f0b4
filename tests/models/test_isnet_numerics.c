/* ISNet outputs of the engine against onnxruntime (the reference runtime, run through
 * tests/tools/ort_run.js) on the same real-photo input.
 *   fp16 model:  max |diff| <= 1e-3 on the first (sigmoid) output
 *   quint8 model: mean |diff| <= 1e-3 and 99.9th percentile <= 2e-2
 * Skips only when the model files are absent (scripts/fetch-models.sh fetches them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "image/image.h"
#include "nn/nn.h"
#include "nn/precision.h"

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return x < y ? -1 : x > y;
}

static int write_raw(const char *path, const void *data, size_t bytes) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t n = fwrite(data, 1, bytes, f);
  return (fclose(f) == 0 && n == bytes) ? 0 : -1;
}

static float *read_raw(const char *path, size_t count) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  float *p = malloc(count * sizeof(float));
  size_t n = p ? fread(p, sizeof(float), count, f) : 0;
  fclose(f);
  if (n != count) {
    free(p);
    return NULL;
  }
  return p;
}

/* Compares one model; kind 0 = fp16 (max bound), 1 = quint8 (mean + percentile bounds). */
static void compare_model(const char *src, const char *model, int kind, const nn_tensor *x,
                          const char *tmp) {
  char path[2048], cmd[8192], in_path[2100], out_path[2100];
  snprintf(path, sizeof path, "%s/models/%s", src, model);
  printf("== %s\n", model);
  nn_graph *g;
  nn_err err = {0};
  if (nn_load(path, &g, &err) || nn_keep_outputs(g, 1, &err)) {
    fprintf(stderr, "load failed: %s\n", err.msg);
    CHECK(0);
    return;
  }
  nn_tensor *outs[16] = {0};
  CHECK(g->n_outputs <= 16);
  nn_tensor *in = (nn_tensor *)x;
  if (nn_run(g, &in, 1, outs, g->n_outputs, &err)) {
    fprintf(stderr, "run failed: %s\n", err.msg);
    CHECK(0);
    nn_graph_free(g);
    return;
  }
  size_t n = (size_t)nn_numel(outs[0]);
  snprintf(in_path, sizeof in_path, "%s/input.f32", tmp);
  snprintf(out_path, sizeof out_path, "%s/ort-%s.f32", tmp, model);
  CHECK(write_raw(in_path, x->data, nn_nbytes(x)) == 0);
  snprintf(cmd, sizeof cmd,
           "node '%s/tests/tools/ort_run.js' '%s' '%s' '%s' --threads 2 --runs 1 "
           "--shape 1,3,%lld,%lld > '%s/ort.json'",
           src, path, in_path, out_path, (long long)x->dims[2], (long long)x->dims[3], tmp);
  int rc = system(cmd);
  CHECK(rc == 0);
  float *ref = rc == 0 ? read_raw(out_path, n) : NULL;
  CHECK(ref != NULL);
  if (ref) {
    const float *got = outs[0]->data;
    float *diff = malloc(n * sizeof(float));
    double sum = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
      diff[i] = got[i] > ref[i] ? got[i] - ref[i] : ref[i] - got[i];
      sum += diff[i];
      if (diff[i] > max) max = diff[i];
    }
    qsort(diff, n, sizeof(float), cmp_float);
    double mean = sum / n, p999 = diff[(size_t)(0.999 * (n - 1))];
    printf("%s: %zu values, max |diff| %.3g, mean %.3g, 99.9th percentile %.3g\n", model, n,
           max, mean, p999);
    if (kind == 0) {
      CHECK(max <= 1e-3);
    } else {
      CHECK(mean <= 1e-3);
      CHECK(p999 <= 2e-2);
    }
    free(diff);
    free(ref);
  }
  for (int i = 0; i < 16; i++) nn_tensor_free(outs[i]);
  nn_graph_free(g);
}

int main(void) {
  nn_set_precision(NN_PREC_F32); /* onnxruntime computes in float32 */
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  if (!src) src = ".";
  char fp16[1024], q8[1024], photo[1024];
  snprintf(fp16, sizeof fp16, "%s/models/isnet-fp16.onnx", src);
  snprintf(q8, sizeof q8, "%s/models/isnet-quint8.onnx", src);
  snprintf(photo, sizeof photo, "%s/examples/portrait-curls.jpg", src);
  struct stat st;
  if (stat(fp16, &st) != 0 && stat(q8, &st) != 0)
    SKIP("model files absent: run scripts/fetch-models.sh");
  char emsg[256];
  ct_img *im = NULL;
  int rc = img_load_rgb(photo, &im, emsg, sizeof emsg);
  if (rc) {
    fprintf(stderr, "%s\n", emsg);
    return 1;
  }
  int64_t dims[4] = {1, 3, 1024, 1024};
  nn_err err;
  nn_tensor *x = nn_tensor_new(NN_F32, 4, dims, &err);
  const float mean[3] = {0.5f, 0.5f, 0.5f}, scale[3] = {1, 1, 1};
  CHECK(img_resize_to_planar(im, 1024, 1024, x->data, mean, scale) == 0);
  img_free(im);
  char tmp[] = "/tmp/cutout-numerics-XXXXXX";
  CHECK(mkdtemp(tmp) != NULL);
  nn_set_threads(2);
  if (stat(fp16, &st) == 0) compare_model(src, "isnet-fp16.onnx", 0, x, tmp);
  if (stat(q8, &st) == 0) compare_model(src, "isnet-quint8.onnx", 1, x, tmp);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  nn_tensor_free(x);
  return CHECK_DONE();
}
