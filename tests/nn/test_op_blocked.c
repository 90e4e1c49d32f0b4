/* Ops on channel-blocked data (nn/layout.h): Relu, Add/Sub/Mul, MaxPool, Resize and Concat
 * run on blocked inputs (blocks 8 and 16, channel counts that fill the blocks and that do
 * not) must give, once converted back, the same bits as on plain data, with zeros in the
 * padded channels; and each op's `blocked` callback must refuse the cases it cannot do.
 * The same ops on channels-last bfloat16 data must give the plain result of the inputs
 * rounded to bfloat16, rounded to bfloat16 once. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "blocked_harness.h"
#include "check.h"
#include "nn/op.h"
#include "nn/ops/conv_common.h"
#include "nn/precision.h"
#include "op_harness.h"

extern const nn_op nn_op_Relu, nn_op_Add, nn_op_Sub, nn_op_Mul, nn_op_Div, nn_op_Sigmoid,
    nn_op_MaxPool, nn_op_Resize, nn_op_Concat, nn_op_Conv;

/* the layouts tried: blocks of 8 and 16, channels-last bfloat16 (its channel counts are
 * those of block 16) */
static const int blocks[] = {8, 16, NN_BLOCK_CL};
#define N_LAYOUTS 3

/* ---- data ---- */

static uint32_t rng_state = 2463534242u;

static float rnd(void) { /* xorshift32, uniform in [-4, 4) */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return (float)((rng_state >> 8) * (8.0 / 16777216.0) - 4.0);
}

/* Random float32 values; with `special`, some NaNs, infinities and negative zeros too. */
static nn_tensor *random_f32(int ndim, const int64_t *dims, int special) {
  nn_tensor *t = tensor_of(NN_F32, ndim, dims, NULL);
  float *d = t->data;
  static const float odd[] = {NAN, INFINITY, -INFINITY, -0.0f};
  for (int64_t i = 0; i < nn_numel(t); i++)
    d[i] = special && i % 23 == 7 ? odd[(i / 23) % 4] : rnd();
  return t;
}

static void tn_str(test_node *t, const char *name, const char *v) {
  tn_attr(t, name, NN_ATTR_STRING)->s = (char *)v;
}

static const char *label(char *buf, size_t len, const char *op, int B, const nn_tensor *x,
                         int cfg) {
  char s[64];
  snprintf(buf, len, "%s B=%d x=%s case %d", op, B, nn_shape_str(x, s, sizeof s), cfg);
  return buf;
}

/* Shapes with channel counts that fill the block, do not, and are below it. */
static int shapes_4d(int B, int64_t (*out)[4]) {
  int64_t s[][4] = {{1, 2 * B, 7, 9}, {2, B + 3, 5, 3}, {1, 5, 4, 6}, {1, 1, 3, 3},
                    {2, 3 * B - 1, 1, 1}};
  int n = (int)(sizeof s / sizeof s[0]);
  memcpy(out, s, sizeof s);
  return n;
}

/* ---- elementwise ---- */

static void test_relu(void) {
  char buf[128];
  for (int bi = 0; bi < N_LAYOUTS; bi++) {
    int layout = blocks[bi], B = layout > 0 ? layout : 16;
    int64_t s[8][4];
    int n = shapes_4d(B, s);
    for (int i = 0; i < n; i++) {
      nn_tensor *x = random_f32(4, s[i], 1);
      test_node t;
      tn_init(&t, &nn_op_Relu, 1);
      CHECK(bh_compare(&t, &x, 1, 1, layout, label(buf, sizeof buf, "Relu", layout, x, 0)));
      nn_tensor_free(x);
    }
    /* other ranks >= 3 */
    int64_t d3[] = {2, B + 1, 11}, d5[] = {1, B + 2, 3, 4, 5};
    nn_tensor *x3 = random_f32(3, d3, 1), *x5 = random_f32(5, d5, 1);
    test_node t;
    tn_init(&t, &nn_op_Relu, 1);
    CHECK(bh_compare(&t, &x3, 1, 1, layout, label(buf, sizeof buf, "Relu", layout, x3, 0)));
    CHECK(bh_compare(&t, &x5, 1, 1, layout, label(buf, sizeof buf, "Relu", layout, x5, 0)));
    nn_tensor_free(x3);
    nn_tensor_free(x5);
  }
}

/* The plain path computes max(x, 0) with NaN and -0 passed through, on every element
 * (sizes on both sides of the parallel threshold and of vector widths). */
static void test_relu_plain(void) {
  int64_t sizes[] = {1, 7, 33, 65537, 200003};
  for (int k = 0; k < 5; k++) {
    nn_tensor *x = random_f32(1, &sizes[k], 1), *y = NULL;
    test_node t;
    tn_init(&t, &nn_op_Relu, 1);
    nn_err err;
    CHECK(run_node(&t, &x, 1, &y, &err) == NN_OK);
    const float *a = x->data, *b = y->data;
    int64_t bad = 0;
    for (int64_t i = 0; i < sizes[k]; i++) {
      float want = a[i] < 0 ? 0.0f : a[i];
      if (memcmp(&want, &b[i], 4) != 0) bad++;
    }
    CHECK(bad == 0);
    nn_tensor_free(x);
    nn_tensor_free(y);
  }
  int64_t d = 4;
  nn_tensor *xi = tensor_of(NN_I32, 1, &d, (double[]){-3, 0, 5, -1}), *yi = NULL;
  test_node t;
  tn_init(&t, &nn_op_Relu, 1);
  nn_err err;
  CHECK(run_node(&t, &xi, 1, &yi, &err) == NN_OK);
  for (int i = 0; yi && i < 4; i++) CHECK(nn_get(yi, i) == (i == 2 ? 5 : 0));
  nn_tensor_free(xi);
  nn_tensor_free(yi);
}

static void test_binary(void) {
  const nn_op *ops[] = {&nn_op_Add, &nn_op_Sub, &nn_op_Mul};
  char buf[128];
  for (int bi = 0; bi < N_LAYOUTS; bi++) {
    int layout = blocks[bi], B = layout > 0 ? layout : 16;
    int64_t s[8][4];
    int n = shapes_4d(B, s);
    for (int o = 0; o < 3; o++)
      for (int i = 0; i < n; i++) {
        nn_tensor *in[2] = {random_f32(4, s[i], o == 0), random_f32(4, s[i], 0)};
        test_node t;
        tn_init(&t, ops[o], 2);
        CHECK(bh_compare(&t, in, 2, 3, layout,
                         label(buf, sizeof buf, ops[o]->name, layout, in[0], 0)));
        nn_tensor_free(in[0]);
        nn_tensor_free(in[1]);
      }
    int64_t d3[] = {2, B + 5, 9};
    nn_tensor *in[2] = {random_f32(3, d3, 0), random_f32(3, d3, 0)};
    test_node t;
    tn_init(&t, &nn_op_Add, 2);
    CHECK(bh_compare(&t, in, 2, 3, layout, label(buf, sizeof buf, "Add", layout, in[0], 0)));
    nn_tensor_free(in[0]);
    nn_tensor_free(in[1]);
  }
}

/* ---- MaxPool ---- */

typedef struct pool_cfg {
  int64_t k[2], s[2], d[2], pads[4];
  int ceil;
  const char *auto_pad;
} pool_cfg;

static const pool_cfg pools[] = {
    {{2, 2}, {2, 2}, {1, 1}, {0, 0, 0, 0}, 0, NULL},
    {{2, 2}, {2, 2}, {1, 1}, {0, 0, 0, 0}, 1, NULL},
    {{3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, 1, NULL},
    {{3, 3}, {1, 1}, {2, 2}, {1, 1, 1, 1}, 0, NULL},
    {{3, 2}, {1, 2}, {1, 1}, {0, 1, 1, 0}, 1, NULL},
    {{3, 3}, {2, 2}, {1, 1}, {0, 0, 0, 0}, 0, "SAME_UPPER"},
    {{2, 2}, {1, 1}, {2, 1}, {0, 0, 0, 0}, 0, "SAME_LOWER"},
    /* windows that lie wholly in the padding: -inf in real channels, 0 in padded ones */
    {{2, 2}, {1, 1}, {1, 1}, {2, 2, 2, 2}, 0, NULL},
};

static void pool_node(test_node *t, const pool_cfg *c) {
  tn_init(t, &nn_op_MaxPool, 1);
  tn_ints(t, "kernel_shape", (int64_t *)c->k, 2);
  tn_ints(t, "strides", (int64_t *)c->s, 2);
  tn_ints(t, "dilations", (int64_t *)c->d, 2);
  if (c->auto_pad)
    tn_str(t, "auto_pad", c->auto_pad);
  else
    tn_ints(t, "pads", (int64_t *)c->pads, 4);
  if (c->ceil) tn_int(t, "ceil_mode", 1);
}

static void test_maxpool(void) {
  char buf[128];
  for (int bi = 0; bi < N_LAYOUTS; bi++) {
    int layout = blocks[bi], B = layout > 0 ? layout : 16;
    int64_t s[][4] = {{1, 2 * B, 7, 9}, {2, B + 3, 9, 8}, {1, 5, 5, 5}, {1, 1, 6, 7}};
    for (int i = 0; i < 4; i++) {
      nn_tensor *x = random_f32(4, s[i], 1);
      for (int c = 0; c < (int)(sizeof pools / sizeof pools[0]); c++) {
        test_node t;
        pool_node(&t, &pools[c]);
        CHECK(bh_compare(&t, &x, 1, 1, layout,
                         label(buf, sizeof buf, "MaxPool", layout, x, c)));
      }
      nn_tensor_free(x);
    }
  }
  /* the all-padding windows do give -inf in the real channels */
  int64_t d[] = {1, 3, 4, 4};
  nn_tensor *x = random_f32(4, d, 0), *y = NULL;
  test_node t;
  pool_node(&t, &pools[7]);
  nn_err err;
  CHECK(run_node(&t, &x, 1, &y, &err) == NN_OK);
  CHECK(y && y->dims[2] == 7 && isinf(nn_get(y, 0)) && nn_get(y, 0) < 0);
  nn_tensor_free(x);
  nn_tensor_free(y);
}

/* ---- Resize ---- */

typedef struct resize_cfg {
  const char *mode, *coord, *nearest;
  double scales[4];   /* used when sizes[0] == 0 */
  int64_t sizes[4];   /* H and W only (N and C copied from X); 0: by scales */
  const double *roi;  /* tf_crop_and_resize */
  double extrap;
} resize_cfg;

static const double crop_roi[8] = {0, 0, -0.2, 0.1, 1, 1, 1.3, 0.8};

static const resize_cfg resizes[] = {
    {"linear", "half_pixel", NULL, {1, 1, 2, 2}, {0}, NULL, 0},
    {"linear", "half_pixel", NULL, {0}, {0, 0, 13, 5}, NULL, 0},
    {"linear", "pytorch_half_pixel", NULL, {0}, {0, 0, 1, 7}, NULL, 0},
    {"linear", "pytorch_half_pixel", NULL, {1, 1, 0.5, 3}, {0}, NULL, 0},
    {"linear", "asymmetric", NULL, {1, 1, 1.5, 0.6}, {0}, NULL, 0},
    {"linear", "half_pixel", NULL, {1, 1, 1, 2}, {0}, NULL, 0},
    {"linear", "half_pixel", NULL, {1, 1, 1, 1}, {0}, NULL, 0},
    {"nearest", "half_pixel", "round_prefer_floor", {1, 1, 2, 2}, {0}, NULL, 0},
    {"nearest", "asymmetric", "floor", {0}, {0, 0, 11, 4}, NULL, 0},
    {"nearest", "align_corners", "round_prefer_ceil", {0}, {0, 0, 5, 13}, NULL, 0},
    {"nearest", "tf_half_pixel_for_nn", "round_prefer_floor", {0}, {0, 0, 3, 6}, NULL, 0},
    {"nearest", "tf_crop_and_resize", "round_prefer_floor", {0}, {0, 0, 9, 6}, crop_roi, 7.5},
    {"nearest", "pytorch_half_pixel", "ceil", {1, 1, 0.5, 1.7}, {0}, NULL, 0},
};

static nn_tensor *floats_1d(int n, const double *v) {
  int64_t d = n;
  return tensor_of(NN_F32, 1, &d, v);
}

/* A Resize-13 node on x for c; in[] gets (x, roi, scales, sizes), the caller frees in[1..3]. */
static void resize_node(test_node *t, int *ids, nn_tensor **in, nn_tensor *x,
                        const resize_cfg *c) {
  tn_init(t, &nn_op_Resize, 4);
  tn_str(t, "mode", c->mode);
  tn_str(t, "coordinate_transformation_mode", c->coord);
  if (c->nearest) tn_str(t, "nearest_mode", c->nearest);
  if (c->extrap != 0) tn_float(t, "extrapolation_value", (float)c->extrap);
  in[0] = x;
  in[1] = c->roi ? floats_1d(8, c->roi) : NULL;
  in[2] = c->sizes[2] ? NULL : floats_1d(4, c->scales);
  int64_t sz[4] = {x->dims[0], x->dims[1], c->sizes[2], c->sizes[3]};
  in[3] = c->sizes[2] ? ints_of(4, sz) : NULL;
  for (int k = 0; k < 4; k++) ids[k] = in[k] ? k : -1;
  ids[0] = 0;
  t->node.in = ids;
}

static void free_resize_inputs(nn_tensor **in) {
  for (int k = 1; k < 4; k++) nn_tensor_free(in[k]);
}

static void test_resize(void) {
  char buf[128];
  for (int bi = 0; bi < N_LAYOUTS; bi++) {
    int layout = blocks[bi], B = layout > 0 ? layout : 16;
    int64_t s[][4] = {{1, 2 * B, 7, 9}, {2, B + 3, 5, 4}, {1, 3, 6, 5}};
    for (int i = 0; i < 3; i++) {
      nn_tensor *x = random_f32(4, s[i], 0);
      for (int c = 0; c < (int)(sizeof resizes / sizeof resizes[0]); c++) {
        test_node t;
        int ids[4];
        nn_tensor *in[4];
        resize_node(&t, ids, in, x, &resizes[c]);
        CHECK(bh_compare(&t, in, 4, 1, layout, label(buf, sizeof buf, "Resize", layout, x, c)));
        free_resize_inputs(in);
      }
      nn_tensor_free(x);
    }
  }
  /* the crop case does extrapolate */
  int64_t d[] = {1, 2, 5, 4};
  nn_tensor *x = random_f32(4, d, 0), *in[4], *y = NULL;
  test_node t;
  int ids[4];
  resize_node(&t, ids, in, x, &resizes[11]);
  nn_err err;
  CHECK(run_node(&t, in, 4, &y, &err) == NN_OK);
  CHECK(y && nn_get(y, 0) == 7.5);
  free_resize_inputs(in);
  nn_tensor_free(x);
  nn_tensor_free(y);
}

/* ---- Concat ---- */

static void concat_node(test_node *t, int n, int64_t axis) {
  tn_init(t, &nn_op_Concat, n);
  tn_int(t, "axis", axis);
}

static void test_concat(void) {
  char buf[128];
  for (int bi = 0; bi < N_LAYOUTS; bi++) {
    int layout = blocks[bi], B = layout > 0 ? layout : 16;
    int64_t a[] = {1, B, 5, 7}, b[] = {1, 2 * B, 5, 7};
    nn_tensor *in[3] = {random_f32(4, a, 1), random_f32(4, b, 0), NULL};
    test_node t;
    concat_node(&t, 2, 1);
    CHECK(bh_compare(&t, in, 2, 3, layout, label(buf, sizeof buf, "Concat", layout, in[0], 0)));
    nn_tensor_free(in[0]);
    nn_tensor_free(in[1]);
    int64_t c0[] = {2, 2 * B, 3, 3}, c1[] = {2, B, 3, 3}, c2[] = {2, 3 * B, 3, 3};
    in[0] = random_f32(4, c0, 0);
    in[1] = random_f32(4, c1, 0);
    in[2] = random_f32(4, c2, 0);
    concat_node(&t, 3, -3);
    CHECK(bh_compare(&t, in, 3, 7, layout, label(buf, sizeof buf, "Concat", layout, in[0], 1)));
    for (int k = 0; k < 3; k++) nn_tensor_free(in[k]);
  }
}

/* Inputs in different layouts are an error at run time, never a wrong result. */
static void test_mixed_layouts(void) {
  int64_t d[] = {1, 16, 3, 3};
  nn_tensor *a = random_f32(4, d, 0), *b = random_f32(4, d, 0), *ab = bh_convert(a, 16);
  nn_tensor *y = NULL;
  nn_err err;
  test_node t;
  nn_tensor *in1[2] = {ab, b}, *in2[2] = {b, ab};
  concat_node(&t, 2, 1);
  CHECK(t.node.op->prepare(&t.node, &err) == NN_OK);
  CHECK(bh_run_prepared(&t, in1, 2, &y, &err) == NN_EINVAL && !y);
  CHECK(bh_run_prepared(&t, in2, 2, &y, &err) == NN_EINVAL && !y);
  tn_init(&t, &nn_op_Add, 2);
  CHECK(bh_run_prepared(&t, in1, 2, &y, &err) == NN_EINVAL && !y);
  CHECK(bh_run_prepared(&t, in2, 2, &y, &err) == NN_EINVAL && !y);
  tn_init(&t, &nn_op_Div, 2);
  CHECK(bh_run_prepared(&t, (nn_tensor *[]){ab, ab}, 2, &y, &err) == NN_EINVAL && !y);
  nn_tensor_free(a);
  nn_tensor_free(b);
  nn_tensor_free(ab);
}

/* ---- refusals ---- */

/* A shape-only tensor (no data). */
static nn_tensor shape_only(nn_dtype t, int ndim, int64_t n, int64_t c, int64_t h, int64_t w) {
  nn_tensor x;
  memset(&x, 0, sizeof x);
  x.dtype = t;
  x.ndim = ndim;
  int64_t d[] = {n, c, h, w, 3};
  for (int i = 0; i < ndim && i < 5; i++) x.dims[i] = d[i];
  return x;
}

static void test_refusals(void) {
  test_node t;
  for (int bi = 0; bi < 2; bi++) {
    int B = blocks[bi];
    nn_tensor x = shape_only(NN_F32, 4, 1, B + 1, 8, 8), y = x;
    nn_tensor unk_rank = shape_only(NN_F32, -1, 0, 0, 0, 0);
    nn_tensor unk_dim = shape_only(NN_F32, 4, 1, -1, 8, 8);
    nn_tensor unk_h = shape_only(NN_F32, 4, 1, B, -1, 8);
    nn_tensor r2 = shape_only(NN_F32, 2, 4, B, 0, 0);
    nn_tensor i32 = shape_only(NN_I32, 4, 1, B, 8, 8), f64 = shape_only(NN_F64, 4, 1, B, 8, 8);
    nn_tensor f16 = shape_only(NN_F16, 4, 1, B, 8, 8);
    nn_tensor *p[4] = {&x, &y, NULL, NULL};

    /* Relu */
    tn_init(&t, &nn_op_Relu, 1);
    CHECK(bh_accepts(&t, p, 1, B) == 1);
    CHECK(bh_accepts(&t, p, 1, 0) == 0);
    nn_tensor *bad1[] = {&unk_rank, &unk_dim, &r2, &i32, &f64, &f16};
    for (int k = 0; k < 6; k++) CHECK(bh_accepts(&t, &bad1[k], 1, B) == 0);

    /* Sigmoid and Div stay plain; Add, Sub, Mul need the same dims */
    CHECK(nn_op_Sigmoid.blocked == NULL);
    CHECK(nn_op_Div.blocked == NULL);
    tn_init(&t, &nn_op_Add, 2);
    CHECK(bh_accepts(&t, p, 2, B) == 1);
    nn_tensor bc = shape_only(NN_F32, 4, 1, 1, 8, 8), row = shape_only(NN_F32, 4, 1, B + 1, 1, 8);
    nn_tensor *pairs[][2] = {{&x, &bc}, {&row, &x}, {&x, &unk_dim}, {&unk_rank, &x},
                             {&i32, &i32}, {&f64, &f64}, {&r2, &r2}};
    for (int k = 0; k < 7; k++) CHECK(bh_accepts(&t, pairs[k], 2, B) == 0);
    tn_init(&t, &nn_op_Mul, 2);
    CHECK(bh_accepts(&t, p, 2, B) == 1);
    CHECK(bh_accepts(&t, pairs[0], 2, B) == 0);

    /* MaxPool: 2-D float32 without Indices */
    pool_node(&t, &pools[1]);
    CHECK(bh_accepts(&t, p, 1, B) == 1);
    for (int k = 0; k < 6; k++) CHECK(bh_accepts(&t, &bad1[k], 1, B) == 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&unk_h}, 1, B) == 0);
    t.node.n_out = 2; /* Indices wanted */
    CHECK(bh_accepts(&t, p, 1, B) == 0);
    t.node.out = (int[]){0, -1}; /* Indices omitted */
    CHECK(bh_accepts(&t, p, 1, B) == 1);
    tn_init(&t, &nn_op_MaxPool, 1);
    tn_ints(&t, "kernel_shape", (int64_t[]){2}, 1);
    nn_tensor x3 = shape_only(NN_F32, 3, 1, B, 8, 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&x3}, 1, B) == 0);

    /* Concat: along C, every C a multiple of B, known dims */
    nn_tensor cb1 = shape_only(NN_F32, 4, 1, B, 8, 8), cb2 = shape_only(NN_F32, 4, 1, 2 * B, 8, 8);
    nn_tensor codd = shape_only(NN_F32, 4, 1, B + 3, 8, 8);
    nn_tensor chw = shape_only(NN_F32, 4, 1, B, 8, 9), cunk = shape_only(NN_F32, 4, 1, B, 8, -1);
    nn_tensor c64 = shape_only(NN_F64, 4, 1, B, 8, 8);
    concat_node(&t, 2, 1);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &cb2}, 2, B) == 1);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &codd}, 2, B) == 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&codd, &cb1}, 2, B) == 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &chw}, 2, B) == 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &cunk}, 2, B) == 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &unk_rank}, 2, B) == 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&c64, &c64}, 2, B) == 0);
    concat_node(&t, 2, -3);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &cb2}, 2, B) == 1);
    concat_node(&t, 2, 2);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &cb1}, 2, B) == 0);
    concat_node(&t, 2, 0);
    CHECK(bh_accepts(&t, (nn_tensor *[]){&cb1, &cb1}, 2, B) == 0);

    /* Resize: only H and W, nearest or the bilinear kernel's coordinate modes */
    static const resize_cfg refused[] = {
        {"linear", "align_corners", NULL, {1, 1, 2, 2}, {0}, NULL, 0},
        {"linear", "tf_crop_and_resize", NULL, {0}, {0, 0, 9, 6}, crop_roi, 0},
        {"cubic", "half_pixel", NULL, {1, 1, 2, 2}, {0}, NULL, 0},
        {"linear", "half_pixel", NULL, {1, 2, 2, 2}, {0}, NULL, 0},
        {"nearest", "half_pixel", NULL, {1, 2, 1, 1}, {0}, NULL, 0},
        {"nearest", "asymmetric", NULL, {2, 1, 2, 2}, {0}, NULL, 0},
        /* C keeps its length but index c reads c + 1 */
        {"nearest", "tf_half_pixel_for_nn", "round_prefer_ceil", {1, 1, 2, 2}, {0}, NULL, 0},
    };
    nn_tensor *xr = random_f32(4, (int64_t[]){1, B + 1, 4, 4}, 0);
    for (int k = 0; k < (int)(sizeof refused / sizeof refused[0]); k++) {
      int ids[4];
      nn_tensor *in[4];
      resize_node(&t, ids, in, xr, &refused[k]);
      if (bh_accepts(&t, in, 4, B) != 0) fprintf(stderr, "  Resize refusal %d accepted\n", k);
      CHECK(bh_accepts(&t, in, 4, B) == 0);
      free_resize_inputs(in);
    }
    int ids[4];
    nn_tensor *in[4];
    resize_node(&t, ids, in, xr, &resizes[0]);
    CHECK(bh_accepts(&t, in, 4, B) == 1);
    in[0] = &x; /* data not needed */
    CHECK(bh_accepts(&t, in, 4, B) == 1);
    nn_tensor *bad2[] = {&unk_rank, &unk_dim, &i32, &f64, &f16};
    for (int k = 0; k < 5; k++) {
      in[0] = bad2[k];
      CHECK(bh_accepts(&t, in, 4, B) == 0);
    }
    in[0] = &x;
    nn_tensor sc = shape_only(NN_F32, 1, 4, 0, 0, 0); /* scales not known yet */
    nn_tensor *known = in[2];
    in[2] = &sc;
    CHECK(bh_accepts(&t, in, 4, B) == 0);
    in[2] = known;
    free_resize_inputs(in);
    nn_tensor_free(xr);
  }
}

/* Channels-last: any channel count joins (no blocks to fill), Div and Indices stay plain,
 * inputs in other layouts are refused at run time, and no other negative block is taken. */
static void test_cl_rules(void) {
  test_node t;
  nn_tensor a = shape_only(NN_F32, 4, 1, 3, 8, 8), b = shape_only(NN_F32, 4, 1, 19, 8, 8);
  concat_node(&t, 2, 1);
  CHECK(bh_accepts(&t, (nn_tensor *[]){&a, &b}, 2, NN_BLOCK_CL) == 1);
  CHECK(bh_accepts(&t, (nn_tensor *[]){&a, &b}, 2, -2) == 0);
  tn_init(&t, &nn_op_Relu, 1);
  CHECK(bh_accepts(&t, (nn_tensor *[]){&b}, 1, -2) == 0);
  tn_init(&t, &nn_op_Add, 2);
  CHECK(bh_accepts(&t, (nn_tensor *[]){&b, &b}, 2, -2) == 0);
  pool_node(&t, &pools[1]);
  CHECK(bh_accepts(&t, (nn_tensor *[]){&b}, 1, NN_BLOCK_CL) == 1);
  CHECK(bh_accepts(&t, (nn_tensor *[]){&b}, 1, -2) == 0);
  t.node.n_out = 2; /* Indices wanted */
  CHECK(bh_accepts(&t, (nn_tensor *[]){&b}, 1, NN_BLOCK_CL) == 0);
  int64_t d[] = {1, 19, 3, 3};
  nn_tensor *x = random_f32(4, d, 0), *xc = bh_convert(x, NN_BLOCK_CL), *y = NULL;
  nn_err err;
  tn_init(&t, &nn_op_Add, 2);
  CHECK(bh_run_prepared(&t, (nn_tensor *[]){xc, x}, 2, &y, &err) == NN_EINVAL && !y);
  tn_init(&t, &nn_op_Div, 2);
  CHECK(bh_run_prepared(&t, (nn_tensor *[]){xc, xc}, 2, &y, &err) == NN_EINVAL && !y);
  concat_node(&t, 2, 1);
  CHECK(t.node.op->prepare(&t.node, &err) == NN_OK);
  CHECK(bh_run_prepared(&t, (nn_tensor *[]){xc, x}, 2, &y, &err) == NN_EINVAL && !y);
  nn_tensor_free(x);
  nn_tensor_free(xc);
}

/* nn_reorder between plain float32 and channels-last bfloat16: every value lands at
 * (n, pixel, c), rounded to nearest even, and comes back as that bfloat16 value. */
static void test_reorder_cl(void) {
  int64_t d[] = {2, 19, 5, 70}; /* pixels across the reorder's 64-pixel tasks */
  nn_tensor *x = random_f32(4, d, 1), *xc = calloc(1, sizeof *xc), *back = calloc(1, sizeof *back);
  nn_set_shape(xc, NN_F32, 4, d);
  nn_set_shape(back, NN_F32, 4, d);
  xc->block = NN_BLOCK_CL;
  nn_err err;
  CHECK(nn_tensor_alloc(xc, &err) == NN_OK && nn_tensor_alloc(back, &err) == NN_OK);
  CHECK(nn_nbytes(xc) == (size_t)nn_numel(x) * 2);
  CHECK(nn_reorder(x, xc, &err) == NN_OK && nn_reorder(xc, back, &err) == NN_OK);
  nn_tensor *ref = bh_convert(x, NN_BLOCK_CL), *ref_back = bh_convert(ref, 0);
  CHECK(memcmp(xc->data, ref->data, nn_nbytes(xc)) == 0);
  CHECK(bh_same_bits(back, ref_back, "reorder back from channels-last"));
  /* the rounding itself: ties to even, NaN kept */
  CHECK(nn_f32_to_bf16(1.0f + 1.0f / 256) == 0x3f80);          /* tie, down to even */
  CHECK(nn_f32_to_bf16(1.0f + 3.0f / 256) == 0x3f82);          /* tie, up to even */
  CHECK(nn_f32_to_bf16(1.0f + 1.0f / 256 + 1e-6f) == 0x3f81);  /* past the tie */
  CHECK(isnan(nn_bf16_to_f32(nn_f32_to_bf16(NAN))));
  CHECK(nn_bf16_to_f32(nn_f32_to_bf16(-INFINITY)) == -INFINITY);
  nn_tensor *blk = bh_convert(x, 16); /* blocked <-> channels-last: refused */
  CHECK(nn_reorder(blk, xc, &err) == NN_EINVAL);
  nn_tensor *all[] = {x, xc, back, ref, ref_back, blk};
  for (int i = 0; i < 6; i++) nn_tensor_free(all[i]);
}

/* Conv reading channels-last bfloat16 (as every convolution does where the CPU has AMX):
 * writing channels-last with a fused Relu and Add, or a one-channel mask plain in float32;
 * against the plain float32 convolution of the same rounded inputs and weights, rounded as
 * the output is stored: within one bfloat16 step (the sums' order differs). */
static void test_conv_cl(void) {
  const int64_t cin = 24, cases[][2] = {{32, 0}, {1, 0}, {32, 1}};
  for (int k = 0; k < 3; k++) {
    int64_t cout = cases[k][0], sum = cases[k][1];
    int64_t xd[] = {1, cin, 9, 11}, wd[] = {cout, cin, 3, 3}, bd[] = {cout},
            yd[] = {1, cout, 9, 11};
    nn_tensor *x = random_f32(4, xd, 0), *w = random_f32(4, wd, 0), *b = random_f32(1, bd, 0);
    nn_tensor *s = random_f32(4, yd, 0);
    /* the inputs as bfloat16 holds them */
    nn_tensor *xr = bh_convert(x, NN_BLOCK_CL), *sr = bh_convert(s, NN_BLOCK_CL);
    nn_tensor *wr = bh_convert(w, NN_BLOCK_CL), *wp = bh_convert(wr, 0);
    nn_tensor *xp = bh_convert(xr, 0), *sp = bh_convert(sr, 0);
    test_node t;
    tn_init(&t, &nn_op_Conv, 3);
    tn_ints(&t, "pads", (int64_t[]){1, 1, 1, 1}, 4);
    nn_err err;
    tn_int(&t, "cutout.relu", 1); /* a Relu fused in, as nn_pass_fuse records it */
    CHECK(nn_op_Conv.prepare(&t.node, &err) == NN_OK);
    CHECK(nn_conv_fused_relu(&t.node));
    if (sum) { /* as nn_conv_fuse_sum makes it: the addend as input 3 */
      ((nn_conv_params *)t.node.params)->sum = 1;
      t.node.n_in = 4;
    }
    nn_tensor *ref = NULL, *got = NULL;
    /* plain float32 reference: conv + bias, relu, + s */
    nn_tensor *pin[4] = {xp, wp, b, sp}, *cin_[4] = {xr, wp, b, sum ? sr : NULL};
    int yb = cout < NN_CL_MIN_CHANNELS ? 0 : NN_BLOCK_CL;
    /* (a fast kernel where the CPU has AMX; the result is checked either way) */
    int fast = nn_conv_blocked_ok(&t.node, xr, wp, NN_BLOCK_CL);
    nn_tensor *o = calloc(1, sizeof *o), *outs[1] = {o};
    CHECK(nn_op_Conv.shape(&t.node, cin_, sum ? 4 : 3, outs, 1, &err) == NN_OK);
    o->block = yb;
    CHECK(nn_tensor_alloc(o, &err) == NN_OK);
    if (sum) memcpy(o->data, sr->data, nn_nbytes(sr));
    int rc = nn_op_Conv.run(&t.node, cin_, sum ? 4 : 3, outs, 1, &err);
    if (!nn_bf16_available()) {
      /* The layout pass never makes this layout here; oneDNN may still run it (emulating
       * bfloat16 on plain AVX-512) or have no kernel for it (AVX2): the run either fails
       * with a message or is checked as anywhere else, it never crashes. */
      printf("Conv %lld->%lld channels-last without bfloat16 hardware: %s\n", (long long)cin,
             (long long)cout, rc ? err.msg : "ran");
      if (rc) {
        CHECK(rc == NN_EUNSUPPORTED && strstr(err.msg, "oneDNN"));
        nn_op_Conv.release(&t.node);
        nn_tensor *all[] = {x, w, b, s, xr, sr, wr, wp, xp, sp, o};
        for (int i = 0; i < 11; i++) nn_tensor_free(all[i]);
        continue;
      }
    }
    CHECK(rc == NN_OK);
    got = yb ? bh_convert(o, 0) : o;
    nn_tensor *ro = calloc(1, sizeof *ro), *routs[1] = {ro};
    CHECK(nn_op_Conv.shape(&t.node, pin, sum ? 4 : 3, routs, 1, &err) == NN_OK);
    CHECK(nn_tensor_alloc(ro, &err) == NN_OK);
    if (sum) memcpy(ro->data, sp->data, nn_nbytes(sp));
    nn_set_precision(NN_PREC_F32);
    CHECK(nn_op_Conv.run(&t.node, pin, sum ? 4 : 3, routs, 1, &err) == NN_OK);
    nn_set_precision(NN_PREC_AUTO);
    ref = ro;
    double worst = 0;
    for (int64_t i = 0; i < nn_numel(ref); i++) {
      double r = ((float *)ref->data)[i], g = ((float *)got->data)[i];
      double tol = (fabs(r) + 1e-3) * (yb ? 1.0 / 128 : 1e-5 * cin);
      if (fabs(r - g) / tol > worst) worst = fabs(r - g) / tol;
    }
    printf("Conv %lld->%lld%s channels-last (%s kernel): worst error %.3g of the bound\n",
           (long long)cin, (long long)cout, sum ? " + Add" : "", fast ? "a fast" : "no fast",
           worst);
    CHECK(worst <= 1.0);
    nn_op_Conv.release(&t.node);
    nn_tensor *all[] = {x, w, b, s, xr, sr, wr, wp, xp, sp, ref};
    for (int i = 0; i < 11; i++) nn_tensor_free(all[i]);
    if (got != o) nn_tensor_free(got);
    nn_tensor_free(o);
  }
}

int main(void) {
  test_reorder_cl();
  test_conv_cl();
  test_cl_rules();
  test_relu();
  test_relu_plain();
  test_binary();
  test_maxpool();
  test_resize();
  test_concat();
  test_mixed_layouts();
  test_refusals();
  return CHECK_DONE();
}
