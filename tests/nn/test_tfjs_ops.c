/* The TensorFlow.js loader's ops, each on a small graph model written here (model.json and
 * weights), run by the engine and by tfjs (tests/tools/tfjs_run.js) on the same random input:
 * max |diff| <= 1e-4 times the output's largest magnitude (at least 1), in float32 as tfjs
 * computes. Skips when node or tfjs is absent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "nn/nn.h"
#include "nn/precision.h"
#include "tfjs_harness.h"

#define S(x) "{\"s\":\"" x "\"}"
#define NHWC "\"data_format\":" S("TkhXQw==")
#define SAME "\"padding\":" S("U0FNRQ==")
#define VALID "\"padding\":" S("VkFMSUQ=")
#define EXPLICIT "\"padding\":" S("RVhQTElDSVQ=")
#define PAIR(attr, a) "\"" attr "\":{\"list\":{\"i\":[\"1\",\"" a "\",\"" a "\",\"1\"]}}"
#define FUSED1(a) "\"fused_ops\":{\"list\":{\"s\":[\"" a "\"]}}"
#define FUSED2(a, b) "\"fused_ops\":{\"list\":{\"s\":[\"" a "\",\"" b "\"]}}"
#define BIASADD "Qmlhc0FkZA=="
#define BATCHNORM "RnVzZWRCYXRjaE5vcm0="
#define RELU "UmVsdQ=="
#define RELU6 "UmVsdTY="
#define BOOL(attr, v) "\"" attr "\":{\"b\":" v "}"

static const char *src, *tmp;
static th_model ours, ref;

static unsigned rng = 12345;
static float rnd(void) { /* uniform in [-1, 1) */
  rng = rng * 1664525u + 1013904223u;
  return (float)(rng >> 8) / (float)(1u << 23) - 1.0f;
}

static void rnd_fill(float *v, size_t n, float scale, float offset) {
  for (size_t i = 0; i < n; i++) v[i] = rnd() * scale + offset;
}

/* A float Const of random values. */
static void rnd_const(th_model *m, const char *name, const int64_t *dims, int rank, float scale,
                      float offset) {
  float v[4096];
  size_t n = 1;
  for (int i = 0; i < rank; i++) n *= (size_t)dims[i];
  rnd_fill(v, n, scale, offset);
  th_const(m, name, dims, rank, v, NULL);
}

static void int_const(th_model *m, const char *name, int n, const int32_t *v) {
  int64_t d = n;
  th_const(m, name, &d, n ? 1 : 0, NULL, v);
}

/* Writes ours (and the reference model for tfjs, when it differs), runs both on a random x
 * of shape xs, and compares output "y". */
static void compare(const char *stem, const int64_t *xs, int with_ref) {
  char path[1024], ref_path[1024];
  CHECK(th_model_write(&ours, tmp, stem, NULL, -1) == 0);
  snprintf(path, sizeof path, "%s/%s.json", tmp, stem);
  snprintf(ref_path, sizeof ref_path, "%s/%s-ref.json", tmp, stem);
  if (with_ref) {
    char rs[256];
    snprintf(rs, sizeof rs, "%s-ref", stem);
    CHECK(th_model_write(&ref, tmp, rs, NULL, -1) == 0);
  }
  nn_err err = {0};
  nn_graph *g = NULL;
  const char *y = "y";
  int rc = nn_load_tfjs(path, &y, 1, &g, &err);
  if (rc) fprintf(stderr, "%s: load failed: %s\n", stem, err.msg);
  CHECK(rc == 0);
  if (rc) return;
  nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, &err), *out = NULL;
  rnd_fill(x->data, (size_t)nn_numel(x), 1, 0);
  rc = nn_run(g, &x, 1, &out, 1, &err);
  if (rc) fprintf(stderr, "%s: run failed: %s\n", stem, err.msg);
  CHECK(rc == 0);
  if (out) {
    size_t n = (size_t)nn_numel(out);
    float *r = th_tfjs_run(src, with_ref ? ref_path : path, "y", x->data, xs, 4, n, tmp);
    CHECK(r != NULL);
    if (r) {
      double big = 1;
      for (size_t i = 0; i < n; i++) big = fmax(big, fabs(r[i]));
      double d = th_max_diff(out->data, r, n);
      char dims[64];
      printf("%-20s %-12s max |diff| %.3g\n", stem, nn_shape_str(out, dims, sizeof dims), d);
      CHECK(d <= 1e-4 * big);
      free(r);
    } else {
      fprintf(stderr, "%s: no tfjs output of %zu values\n", stem, n);
    }
  }
  nn_tensor_free(out);
  nn_tensor_free(x);
  nn_graph_free(g);
}

static void conv_relu6_same_stride2(void) {
  int64_t xs[4] = {1, 9, 9, 3}, ws[4] = {3, 3, 3, 4}, bs = 4;
  th_model_init(&ours, xs, 4);
  rnd_const(&ours, "w", ws, 4, 2.5f, 0);
  rnd_const(&ours, "b", &bs, 1, 1, 0);
  th_node(&ours, "y", "_FusedConv2D", "\"x\",\"w\",\"b\"",
          PAIR("strides", "2") "," SAME "," NHWC "," PAIR("dilations", "1") "," FUSED2(BIASADD, RELU6)
          ",\"num_args\":{\"i\":\"1\"},\"epsilon\":{\"f\":0}");
  compare("conv_relu6", xs, 0);
}

static void conv_explicit(void) {
  int64_t xs[4] = {1, 7, 6, 3}, ws[4] = {2, 3, 3, 5};
  th_model_init(&ours, xs, 4);
  rnd_const(&ours, "w", ws, 4, 1, 0);
  th_node(&ours, "y", "Conv2D", "\"x\",\"w\"",
          PAIR("strides", "1") "," EXPLICIT "," NHWC "," PAIR("dilations", "1") ",\"explicit_paddings\":{\"list\":{\"i\":"
          "[\"0\",\"0\",\"1\",\"2\",\"0\",\"1\",\"0\",\"0\"]}}");
  compare("conv_explicit", xs, 0);
}

/* _FusedConv2D with a batch norm folded at load; tfjs, which does not run that fusion, gets
 * Conv2D, FusedBatchNorm and Relu. */
static void conv_batchnorm(void) {
  int64_t xs[4] = {1, 8, 8, 4}, ws[4] = {3, 3, 4, 6}, c = 6;
  th_model *ms[2] = {&ours, &ref};
  for (int k = 0; k < 2; k++) {
    rng = 777;
    th_model_init(ms[k], xs, 4);
    rnd_const(ms[k], "w", ws, 4, 1, 0);
    rnd_const(ms[k], "scale", &c, 1, 1, 0);
    rnd_const(ms[k], "offset", &c, 1, 1, 0);
    rnd_const(ms[k], "mean", &c, 1, 1, 0);
    rnd_const(ms[k], "variance", &c, 1, 0.5f, 1);
  }
  th_node(&ours, "y", "_FusedConv2D", "\"x\",\"w\",\"scale\",\"offset\",\"mean\",\"variance\"",
          PAIR("strides", "1") "," SAME "," NHWC "," FUSED2(BATCHNORM, RELU)
          ",\"num_args\":{\"i\":\"4\"},\"epsilon\":{\"f\":0.001}");
  th_node(&ref, "c", "Conv2D", "\"x\",\"w\"",
          PAIR("strides", "1") "," SAME "," NHWC "," PAIR("dilations", "1"));
  th_node(&ref, "bn", "FusedBatchNorm", "\"c\",\"scale\",\"offset\",\"mean\",\"variance\"",
          "\"epsilon\":{\"f\":0.001}");
  th_node(&ref, "y", "Relu", "\"bn\"", NULL);
  compare("conv_batchnorm", xs, 1);
}

static void depthwise_valid_dilated(void) {
  int64_t xs[4] = {1, 10, 11, 4}, ws[4] = {3, 3, 4, 2};
  th_model_init(&ours, xs, 4);
  rnd_const(&ours, "w", ws, 4, 1, 0);
  th_node(&ours, "y", "DepthwiseConv2dNative", "\"x\",\"w\"",
          PAIR("strides", "1") "," VALID "," NHWC "," PAIR("dilations", "2"));
  compare("depthwise_dilated", xs, 0);
}

static void fused_depthwise_same_stride2(void) {
  int64_t xs[4] = {1, 9, 8, 4}, ws[4] = {3, 3, 4, 1}, bs = 4;
  th_model_init(&ours, xs, 4);
  rnd_const(&ours, "w", ws, 4, 1, 0);
  rnd_const(&ours, "b", &bs, 1, 1, 0);
  th_node(&ours, "y", "FusedDepthwiseConv2dNative", "\"x\",\"w\",\"b\"",
          PAIR("strides", "2") "," SAME "," NHWC "," PAIR("dilations", "1") "," FUSED2(BIASADD, RELU)
          ",\"num_args\":{\"i\":\"1\"}");
  compare("fused_depthwise", xs, 0);
}

static void mean(int keep) {
  int64_t xs[4] = {1, 6, 7, 5};
  const int32_t axes[2] = {1, 2};
  th_model_init(&ours, xs, 4);
  int_const(&ours, "axes", 2, axes);
  th_node(&ours, "y", "Mean", "\"x\",\"axes\"", keep ? BOOL("keep_dims", "true") : BOOL("keep_dims", "false"));
  compare(keep ? "mean_keep_dims" : "mean", xs, 0);
}

static void concat_axis3(void) {
  int64_t xs[4] = {1, 5, 4, 3}, ks[4] = {1, 5, 4, 2};
  const int32_t axis = 3;
  th_model_init(&ours, xs, 4);
  rnd_const(&ours, "k", ks, 4, 1, 0);
  int_const(&ours, "axis", 0, &axis);
  th_node(&ours, "r", "Relu", "\"x\"", NULL);
  th_node(&ours, "y", "ConcatV2", "\"x\",\"r\",\"k\",\"axis\"", "\"N\":{\"i\":\"3\"}");
  compare("concat_axis3", xs, 0);
}

static void resize(const char *stem, const char *attrs, int32_t h, int32_t w) {
  int64_t xs[4] = {1, 9, 8, 3};
  const int32_t size[2] = {h, w};
  th_model_init(&ours, xs, 4);
  int_const(&ours, "size", 2, size);
  th_node(&ours, "y", "ResizeBilinear", "\"x\",\"size\"", attrs);
  compare(stem, xs, 0);
}

/* Mul by a [C] constant, AddV2 of a [1, 1, 1, C] one, Sub of a scalar. */
static void broadcast_constants(void) {
  int64_t xs[4] = {1, 4, 5, 6}, c = 6, c4[4] = {1, 1, 1, 6};
  th_model_init(&ours, xs, 4);
  rnd_const(&ours, "kc", &c, 1, 1, 0);
  rnd_const(&ours, "k4", c4, 4, 1, 0);
  rnd_const(&ours, "ks", NULL, 0, 1, 0);
  th_node(&ours, "m", "Mul", "\"x\",\"kc\"", NULL);
  th_node(&ours, "a", "AddV2", "\"k4\",\"m\"", NULL);
  th_node(&ours, "y", "Sub", "\"a\",\"ks\"", NULL);
  compare("broadcast_consts", xs, 0);
}

/* hard swish: x * Relu6(x + 3) / 6, two activations multiplied, then Sigmoid. */
static void hard_swish(void) {
  int64_t xs[4] = {1, 4, 5, 6};
  th_model_init(&ours, xs, 4);
  const float three = 3.0f, sixth = 1.0f / 6;
  th_const(&ours, "three", NULL, 0, &three, NULL);
  th_const(&ours, "sixth", NULL, 0, &sixth, NULL);
  th_node(&ours, "p", "AddV2", "\"x\",\"three\"", NULL);
  th_node(&ours, "r6", "Relu6", "\"p\"", NULL);
  th_node(&ours, "m", "Mul", "\"x\",\"r6\"", NULL);
  th_node(&ours, "s", "Mul", "\"m\",\"sixth\"", NULL);
  th_node(&ours, "y", "Sigmoid", "\"s\"", NULL);
  compare("hard_swish", xs, 0);
}

static void maxpool_same(void) {
  int64_t xs[4] = {1, 9, 8, 3};
  th_model_init(&ours, xs, 4);
  th_node(&ours, "y", "MaxPool", "\"x\"", PAIR("ksize", "3") "," PAIR("strides", "2") "," SAME "," NHWC);
  compare("maxpool_same", xs, 0);
}

int main(void) {
  src = getenv("CUTOUT_SOURCE_DIR");
  if (!src) src = ".";
  const char *why = th_tfjs_missing(src);
  if (why) SKIP("%s", why);
  nn_set_precision(NN_PREC_F32); /* tfjs computes in float32 */
  static char dir[] = "/tmp/cutout-tfjs-ops-XXXXXX";
  tmp = mkdtemp(dir);
  CHECK(tmp != NULL);
  if (!tmp) return CHECK_DONE();
  conv_relu6_same_stride2();
  conv_explicit();
  conv_batchnorm();
  depthwise_valid_dilated();
  fused_depthwise_same_stride2();
  mean(1);
  mean(0);
  concat_axis3();
  resize("resize_half_pixel", BOOL("half_pixel_centers", "true") "," BOOL("align_corners", "false"), 19, 24);
  resize("resize_align_corners", BOOL("align_corners", "true"), 5, 13);
  resize("resize_asymmetric", BOOL("align_corners", "false"), 18, 5);
  broadcast_constants();
  hard_swish();
  maxpool_same();
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
