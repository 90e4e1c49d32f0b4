/* Conv: 1-D, 2-D and 3-D convolutions with pads, strides, dilations, groups, bias and
 * auto_pad against a direct-loop reference; primitive reuse across shapes; f16; errors. */
#include <stdint.h>
#include <string.h>

#include "blocked_harness.h"
#include "check.h"
#include "nn/isa.h"
#include "nn/op.h"
#include "nn/ops/conv_common.h"
#include "nn/precision.h"
#include "op_harness.h"

extern const nn_op nn_op_Conv;

static uint32_t rng = 12345;
static double rnd(void) { /* uniform in [-1, 1) */
  rng = rng * 1664525u + 1013904223u;
  return (double)(rng >> 8) / (1 << 23) - 1.0;
}

typedef struct conv_case {
  int nsp;
  int64_t n, c, m, group;
  int64_t in[3], k[3], s[3], d[3], pads[6];
  const char *auto_pad; /* NULL: attribute absent */
  int bias, kernel_attr, strides_attr, dil_attr;
} conv_case;

/* Output size and leading pad of one axis, from the ONNX formulas. */
static void ref_axis(const conv_case *cc, int i, int64_t *out, int64_t *pl) {
  int64_t dk = (cc->k[i] - 1) * cc->d[i] + 1, n = cc->in[i], s = cc->s[i];
  if (cc->auto_pad &&
      (!strcmp(cc->auto_pad, "SAME_UPPER") || !strcmp(cc->auto_pad, "SAME_LOWER"))) {
    *out = (n + s - 1) / s;
    int64_t total = (*out - 1) * s + dk - n;
    if (total < 0) total = 0;
    *pl = !strcmp(cc->auto_pad, "SAME_UPPER") ? total / 2 : (total + 1) / 2;
    return;
  }
  int valid = cc->auto_pad && !strcmp(cc->auto_pad, "VALID");
  int64_t a = valid ? 0 : cc->pads[i], b = valid ? 0 : cc->pads[i + cc->nsp];
  *pl = a;
  *out = (n + a + b - dk) / s + 1;
}

/* Direct convolution in double; axes padded to 3 with leading 1s. mag (if not NULL): the
 * sum of the terms' magnitudes per output. */
static void ref_conv(const conv_case *cc, const nn_tensor *x, const nn_tensor *w,
                     const nn_tensor *b, double *y, double *mag, int64_t *odims) {
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t pl[3] = {0, 0, 0}, out[3] = {1, 1, 1};
  for (int i = 0; i < cc->nsp; i++) {
    int j = 3 - cc->nsp + i;
    in[j] = cc->in[i], k[j] = cc->k[i], s[j] = cc->s[i], d[j] = cc->d[i];
    ref_axis(cc, i, &out[j], &pl[j]);
    odims[i] = out[j];
  }
  int64_t cg = cc->c / cc->group, mg = cc->m / cc->group, yi = 0;
  for (int64_t n = 0; n < cc->n; n++)
    for (int64_t m = 0; m < cc->m; m++)
      for (int64_t oz = 0; oz < out[0]; oz++)
        for (int64_t oy = 0; oy < out[1]; oy++)
          for (int64_t ox = 0; ox < out[2]; ox++) {
            double acc = b ? nn_get(b, m) : 0.0, sum = fabs(acc);
            int64_t g = m / mg;
            for (int64_t c = 0; c < cg; c++)
              for (int64_t a = 0; a < k[0]; a++)
                for (int64_t bb = 0; bb < k[1]; bb++)
                  for (int64_t e = 0; e < k[2]; e++) {
                    int64_t iz = oz * s[0] - pl[0] + a * d[0];
                    int64_t iy = oy * s[1] - pl[1] + bb * d[1];
                    int64_t ix = ox * s[2] - pl[2] + e * d[2];
                    if (iz < 0 || iz >= in[0] || iy < 0 || iy >= in[1] || ix < 0 || ix >= in[2])
                      continue;
                    int64_t xi =
                        (((n * cc->c + g * cg + c) * in[0] + iz) * in[1] + iy) * in[2] + ix;
                    int64_t wi = (((m * cg + c) * k[0] + a) * k[1] + bb) * k[2] + e;
                    double t = nn_get(x, xi) * nn_get(w, wi);
                    acc += t;
                    sum += fabs(t);
                  }
            if (mag) mag[yi] = sum;
            y[yi++] = acc;
          }
}

static void set_attrs(test_node *t, const conv_case *cc, int64_t *pads) {
  if (cc->kernel_attr) tn_ints(t, "kernel_shape", (int64_t *)cc->k, cc->nsp);
  if (cc->strides_attr) tn_ints(t, "strides", (int64_t *)cc->s, cc->nsp);
  if (cc->dil_attr) tn_ints(t, "dilations", (int64_t *)cc->d, cc->nsp);
  if (cc->group != 1) tn_int(t, "group", cc->group);
  if (cc->auto_pad) {
    nn_attr *a = &t->attrs[t->node.n_attr++];
    memset(a, 0, sizeof *a);
    a->name = (char *)"auto_pad";
    a->type = NN_ATTR_STRING;
    a->s = (char *)cc->auto_pad;
  } else {
    memcpy(pads, cc->pads, sizeof cc->pads);
    tn_ints(t, "pads", pads, 2 * cc->nsp);
  }
}

/* shape + allocate + run on an already prepared node. */
static int exec_node(test_node *t, nn_tensor **in, int n_in, nn_tensor **out, nn_err *err) {
  nn_tensor *o = calloc(1, sizeof *o);
  nn_tensor *outs[1] = {o};
  int rc = t->node.op->shape(&t->node, in, n_in, outs, 1, err);
  if (!rc) rc = nn_tensor_alloc(o, err);
  if (!rc) rc = t->node.op->run(&t->node, in, n_in, outs, 1, err);
  if (rc) {
    nn_tensor_free(o);
    o = NULL;
  }
  *out = o;
  return rc;
}

/* Makes inputs for cc, runs them through the prepared node t and compares with the
 * reference. */
/* The largest |got - want| of any case, as a fraction of its bound. */
static double worst_of_bound;

static void check_run(test_node *t, const conv_case *cc, nn_dtype dt) {
  int64_t xd[5] = {cc->n, cc->c}, wd[5] = {cc->m, cc->c / cc->group}, bd[1] = {cc->m};
  for (int i = 0; i < cc->nsp; i++) xd[2 + i] = cc->in[i], wd[2 + i] = cc->k[i];
  nn_tensor *x = tensor_of(dt, cc->nsp + 2, xd, NULL), *w = tensor_of(dt, cc->nsp + 2, wd, NULL);
  nn_tensor *b = cc->bias ? tensor_of(dt, 1, bd, NULL) : NULL;
  for (int64_t i = 0; i < nn_numel(x); i++) nn_set(x, i, nn_round_half((float)rnd()));
  for (int64_t i = 0; i < nn_numel(w); i++) nn_set(w, i, nn_round_half((float)rnd()));
  for (int64_t i = 0; b && i < nn_numel(b); i++) nn_set(b, i, nn_round_half((float)rnd()));
  nn_tensor *in[3] = {x, w, b}, *o = NULL;
  nn_err err = {0};
  int rc = exec_node(t, in, cc->bias ? 3 : 2, &o, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "conv case nsp=%d c=%lld: %s\n", cc->nsp, (long long)cc->c, err.msg);
  } else {
    int64_t od[5] = {cc->n, cc->m};
    int64_t ny = cc->n * cc->m;
    for (int i = 0; i < cc->nsp; i++) {
      int64_t out, pl;
      ref_axis(cc, i, &out, &pl);
      ny *= out;
    }
    double *want = malloc((size_t)ny * sizeof *want);
    ref_conv(cc, x, w, b, want, NULL, od + 2);
    CHECK(o->dtype == dt);
    CHECK(has_dims(o, cc->nsp + 2, od));
    int bad = 0;
    for (int64_t i = 0; i < ny && o->ndim == cc->nsp + 2; i++) {
      double got = nn_get(o, i), tol = 1e-4 * (1.0 + fabs(want[i]));
      /* float16 results are half values: within half a half-precision step more */
      if (dt == NN_F16) tol += fabs(want[i]) / 2048;
      int ok = fabs(got - want[i]) <= tol && (dt != NN_F16 || nn_round_half((float)got) == got);
      if (fabs(got - want[i]) / tol > worst_of_bound) worst_of_bound = fabs(got - want[i]) / tol;
      if (!ok) {
        if (!bad) fprintf(stderr, "conv y[%lld] = %g, expected %g\n", (long long)i, got, want[i]);
        bad++;
      }
    }
    CHECK(bad == 0);
    free(want);
    nn_tensor_free(o);
  }
  nn_tensor_free(x);
  nn_tensor_free(w);
  nn_tensor_free(b);
}

static void check_case(const conv_case *cc, nn_dtype dt) {
  test_node t;
  tn_init(&t, &nn_op_Conv, cc->bias ? 3 : 2);
  int64_t pads[6];
  set_attrs(&t, cc, pads);
  nn_err err = {0};
  int rc = nn_op_Conv.prepare(&t.node, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "%s\n", err.msg);
    return;
  }
  check_run(&t, cc, dt);
  nn_op_Conv.release(&t.node);
  CHECK(t.node.params == NULL);
}

static void test_cases(void) {
  const conv_case cases[] = {
      /* 2-D, symmetric padding, bias */
      {2, 1, 3, 4, 1, {7, 9}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 1, 0, 0},
      /* strides and asymmetric padding, rectangular kernel, no kernel_shape attribute */
      {2, 1, 2, 3, 1, {9, 8}, {3, 2}, {2, 3}, {1, 1}, {0, 1, 2, 1}, NULL, 0, 0, 1, 0},
      /* dilations 2, 4 and 8 with matching padding, as in the ISNet models */
      {2, 1, 4, 4, 1, {20, 20}, {3, 3}, {1, 1}, {2, 2}, {2, 2, 2, 2}, NULL, 1, 1, 1, 1},
      {2, 1, 4, 5, 1, {21, 19}, {3, 3}, {1, 1}, {4, 4}, {4, 4, 4, 4}, NULL, 1, 1, 1, 1},
      {2, 1, 3, 2, 1, {24, 24}, {3, 3}, {1, 1}, {8, 8}, {8, 8, 8, 8}, NULL, 1, 1, 1, 1},
      /* groups, and depthwise */
      {2, 2, 4, 6, 2, {6, 7}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 1, 0, 0},
      {2, 1, 5, 5, 5, {8, 8}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 1, 1, 0},
      /* 1x1, batch 3 */
      {2, 3, 6, 4, 1, {5, 4}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}, NULL, 1, 0, 0, 0},
      /* auto_pad: even kernel and stride 2 make the padding uneven */
      {2, 1, 2, 3, 1, {7, 8}, {3, 4}, {2, 2}, {1, 1}, {0}, "SAME_UPPER", 1, 1, 1, 0},
      {2, 1, 2, 3, 1, {7, 8}, {3, 4}, {2, 2}, {1, 1}, {0}, "SAME_LOWER", 0, 1, 1, 0},
      {2, 1, 2, 3, 1, {10, 11}, {3, 3}, {3, 3}, {1, 1}, {0}, "VALID", 1, 1, 1, 0},
      {2, 1, 3, 2, 1, {9, 9}, {3, 3}, {1, 1}, {2, 2}, {0}, "SAME_UPPER", 1, 1, 0, 1},
      /* 1-D */
      {1, 2, 3, 2, 1, {11}, {3}, {2}, {2}, {1, 2}, NULL, 1, 1, 1, 1},
      {1, 1, 4, 4, 2, {9}, {2}, {1}, {1}, {0, 1}, NULL, 0, 0, 0, 0},
      /* 3-D */
      {3,
       1,
       2,
       3,
       1,
       {4, 5, 6},
       {2, 3, 2},
       {1, 2, 1},
       {1, 1, 2},
       {1, 0, 1, 0, 1, 1},
       NULL,
       1,
       1,
       1,
       1},
      {3,
       2,
       4,
       2,
       2,
       {3, 4, 4},
       {1, 3, 3},
       {1, 1, 1},
       {1, 1, 1},
       {0, 1, 1, 0, 1, 1},
       NULL,
       0,
       1,
       0,
       0},
      /* wide enough for oneDNN's optimised kernels */
      {2, 1, 16, 32, 1, {33, 31}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 1, 0, 0},
      {2, 1, 32, 16, 1, {17, 18}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 1, 1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i], NN_F32);
  /* float16 tensors are stored as float: computed the same way, typed f16 */
  check_case(&cases[0], NN_F16);
  check_case(&cases[5], NN_F16);
}

/* One node run on several input sizes in turn: the cached primitive follows the shape. */
static void test_shape_changes(void) {
  conv_case a = {2, 1, 3, 4, 1, {7, 9}, {3, 3}, {2, 1}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 1, 1, 0};
  conv_case b = a, c = a;
  b.in[0] = 12, b.in[1] = 5;
  c.n = 2;
  test_node t;
  tn_init(&t, &nn_op_Conv, 3);
  int64_t pads[6];
  set_attrs(&t, &a, pads);
  nn_err err = {0};
  CHECK(nn_op_Conv.prepare(&t.node, &err) == NN_OK);
  check_run(&t, &a, NN_F32);
  check_run(&t, &a, NN_F32);
  check_run(&t, &b, NN_F32);
  check_run(&t, &c, NN_F32);
  check_run(&t, &a, NN_F32);
  nn_op_Conv.release(&t.node);
}

/* Shape inference when the input rank is not known yet. */
static void test_unknown(void) {
  test_node t;
  tn_init(&t, &nn_op_Conv, 2);
  nn_err err = {0};
  CHECK(nn_op_Conv.prepare(&t.node, &err) == NN_OK);
  nn_tensor x = {0}, w = {0}, o = {0};
  x.dtype = w.dtype = NN_F32;
  x.ndim = -1;
  int64_t wd[4] = {2, 3, 3, 3};
  nn_set_shape(&w, NN_F32, 4, wd);
  nn_tensor *in[2] = {&x, &w}, *out[1] = {&o};
  CHECK(nn_op_Conv.shape(&t.node, in, 2, out, 1, &err) == NN_EUNKNOWN);
  /* unknown spatial sizes give unknown output sizes */
  int64_t xd[4] = {1, 3, -1, 10};
  nn_set_shape(&x, NN_F32, 4, xd);
  CHECK(nn_op_Conv.shape(&t.node, in, 2, out, 1, &err) == NN_OK);
  int64_t od[4] = {1, 2, -1, 8};
  CHECK(has_dims(&o, 4, od));
  nn_op_Conv.release(&t.node);
}

static void expect_error(test_node *t, nn_tensor **in, int n_in, int code, const char *needle) {
  nn_tensor *o = NULL;
  nn_err err = {0};
  int rc = run_node(t, in, n_in, &o, &err);
  CHECK(rc == code);
  CHECK(strstr(err.msg, needle) != NULL);
  CHECK(strstr(err.msg, "Conv node 'test'") != NULL);
  if (!strstr(err.msg, needle)) fprintf(stderr, "message: %s\n", err.msg);
  nn_tensor_free(o);
}

static void test_errors(void) {
  int64_t xd[4] = {1, 4, 5, 5}, wd[4] = {2, 4, 3, 3}, wd2[4] = {3, 2, 3, 3};
  nn_tensor *x = tensor_of(NN_F32, 4, xd, NULL), *w = tensor_of(NN_F32, 4, wd, NULL);
  nn_tensor *w2 = tensor_of(NN_F32, 4, wd2, NULL), *xd64 = tensor_of(NN_F64, 4, xd, NULL);
  nn_tensor *in[2] = {x, w};
  test_node t;

  tn_init(&t, &nn_op_Conv, 2);
  nn_attr *a = &t.attrs[t.node.n_attr++];
  memset(a, 0, sizeof *a);
  a->name = (char *)"auto_pad";
  a->type = NN_ATTR_STRING;
  a->s = (char *)"SAME";
  expect_error(&t, in, 2, NN_EINVAL, "auto_pad");

  tn_init(&t, &nn_op_Conv, 2);
  tn_int(&t, "group", 0);
  expect_error(&t, in, 2, NN_EINVAL, "group");

  int64_t neg[2] = {1, -1};
  tn_init(&t, &nn_op_Conv, 2);
  tn_ints(&t, "strides", neg, 2);
  expect_error(&t, in, 2, NN_EINVAL, "strides");

  int64_t k4[4] = {1, 1, 1, 1};
  tn_init(&t, &nn_op_Conv, 2);
  tn_ints(&t, "kernel_shape", k4, 4);
  expect_error(&t, in, 2, NN_EUNSUPPORTED, "kernel_shape");

  int64_t k2[2] = {2, 2};
  tn_init(&t, &nn_op_Conv, 2);
  tn_ints(&t, "kernel_shape", k2, 2);
  expect_error(&t, in, 2, NN_EINVAL, "kernel_shape");

  int64_t p3[3] = {1, 1, 1};
  tn_init(&t, &nn_op_Conv, 2);
  tn_ints(&t, "pads", p3, 3);
  expect_error(&t, in, 2, NN_EINVAL, "pads");

  /* 4 channels against weights for 2 groups of 2 without group=2 */
  nn_tensor *in2[2] = {x, w2};
  tn_init(&t, &nn_op_Conv, 2);
  expect_error(&t, in2, 2, NN_EINVAL, "channels");
  /* 3 output channels do not split into 2 groups */
  tn_init(&t, &nn_op_Conv, 2);
  tn_int(&t, "group", 2);
  expect_error(&t, in2, 2, NN_EINVAL, "groups");

  /* a kernel larger than the padded input */
  int64_t big[4] = {2, 4, 7, 7};
  nn_tensor *wb = tensor_of(NN_F32, 4, big, NULL);
  nn_tensor *in3[2] = {x, wb};
  tn_init(&t, &nn_op_Conv, 2);
  expect_error(&t, in3, 2, NN_EINVAL, "smaller than the kernel");

  nn_tensor *in4[2] = {xd64, w};
  tn_init(&t, &nn_op_Conv, 2);
  expect_error(&t, in4, 2, NN_EUNSUPPORTED, "float64");

  nn_tensor_free(x);
  nn_tensor_free(w);
  nn_tensor_free(w2);
  nn_tensor_free(wb);
  nn_tensor_free(xd64);
}

/* ---- 3x3 stride-1 layers in the engine's blocked layout, as ISNet has them: where the
 * effective ISA is AVX2 without AVX-512 (block 8) they run on our Winograd kernels,
 * elsewhere on oneDNN's, checked the same way. Against a direct reference in double, within
 * 1e-5 of the sum of the terms' magnitudes (5e-3 where convolutions run in bfloat16: each
 * input rounded to 8 bits); through the pack hook as at load, then with the plain weights
 * dropped, and from a packed copy as the prepared-model cache hands it back. */

typedef struct wl_case {
  int64_t n, c, m, h, w, d, pads[4]; /* pads: top, left, bottom, right */
  int relu, sum;
} wl_case;

static double wl_worst;

/* Direct 3x3 convolution (dilation d, stride 1) + bias, Relu, + s; mag: the sum of the
 * terms' magnitudes per output. Plain layout. */
static void wl_ref(const wl_case *k, const nn_tensor *x, const nn_tensor *w, const nn_tensor *b,
                   const nn_tensor *s, int64_t ny, double *y, double *mag) {
  const conv_case cc = {.nsp = 2, .n = k->n, .c = k->c, .m = k->m, .group = 1,
                        .in = {k->h, k->w}, .k = {3, 3}, .s = {1, 1}, .d = {k->d, k->d},
                        .pads = {k->pads[0], k->pads[1], k->pads[2], k->pads[3]}, .bias = 1};
  int64_t od[2];
  ref_conv(&cc, x, w, b, y, mag, od);
  for (int64_t i = 0; i < ny; i++) {
    if (k->relu && y[i] < 0) y[i] = 0;
    if (k->sum) y[i] += nn_get(s, i);
  }
}

/* Runs the prepared node on blocked x (and s), returns the output converted to plain. */
static nn_tensor *wl_run(test_node *t, nn_tensor **bin, int n_in, nn_tensor *o) {
  nn_err err = {0};
  nn_tensor *outs[1] = {o};
  const uint32_t nan_bits = 0x7fc00123u; /* every element must be written */
  for (int64_t i = 0; i < nn_storage_numel(o); i++) ((uint32_t *)o->data)[i] = nan_bits;
  int rc = nn_op_Conv.run(&t->node, bin, n_in, outs, 1, &err);
  if (rc) fprintf(stderr, "  run failed: %s\n", err.msg);
  CHECK(rc == NN_OK);
  CHECK(bh_padding_zero(o));
  return rc ? NULL : bh_convert(o, 0);
}

static int wl_compare(const nn_tensor *got, const double *want, const double *mag,
                      int64_t ny) {
  int bad = 0;
  for (int64_t i = 0; got && i < ny; i++) {
    double e = fabs(nn_get(got, i) - want[i]);
    double tol = (nn_use_bf16() ? 5e-3 : 1e-5) * (mag[i] + 1);
    if (!(e <= tol)) {
      if (!bad) fprintf(stderr, "  y[%lld] = %.9g, expected %.9g\n", (long long)i,
                        nn_get(got, i), want[i]);
      bad++;
    } else if (e / tol > wl_worst) {
      wl_worst = e / tol;
    }
  }
  return bad;
}

static void test_winograd_layer(const wl_case *k) {
  int64_t oh = k->h + k->pads[0] + k->pads[2] - 2 * k->d;
  int64_t ow = k->w + k->pads[1] + k->pads[3] - 2 * k->d;
  int64_t xd[4] = {k->n, k->c, k->h, k->w}, wd[4] = {k->m, k->c, 3, 3}, bd[1] = {k->m};
  int64_t yd[4] = {k->n, k->m, oh, ow}, ny = k->n * k->m * oh * ow;
  nn_tensor *x = tensor_of(NN_F32, 4, xd, NULL), *w = tensor_of(NN_F32, 4, wd, NULL);
  nn_tensor *b = tensor_of(NN_F32, 1, bd, NULL), *s = tensor_of(NN_F32, 4, yd, NULL);
  for (int64_t i = 0; i < nn_numel(x); i++) nn_set(x, i, (float)rnd());
  for (int64_t i = 0; i < nn_numel(w); i++) nn_set(w, i, (float)rnd() * 0.3f);
  for (int64_t i = 0; i < nn_numel(b); i++) nn_set(b, i, (float)rnd());
  for (int64_t i = 0; i < nn_numel(s); i++) nn_set(s, i, (float)rnd());
  double *want = malloc(sizeof *want * (size_t)ny), *mag = malloc(sizeof *mag * (size_t)ny);
  wl_ref(k, x, w, b, s, ny, want, mag);
  int block = nn_layout_block() > 0 ? nn_layout_block() : 8;
  nn_tensor *bx = bh_convert(x, block), *bs = bh_convert(s, block);
  nn_tensor *o = calloc(1, sizeof *o);
  nn_set_shape(o, NN_F32, 4, yd);
  o->block = block;
  CHECK(nn_tensor_alloc(o, NULL) == NN_OK);
  int n_in = k->sum ? 4 : 3;
  nn_tensor *in[4] = {bx, w, b, k->sum ? bs : NULL};
  int64_t dil[2] = {k->d, k->d}, pads[4] = {k->pads[0], k->pads[1], k->pads[2], k->pads[3]};
  int64_t ks[2] = {3, 3};
  test_node t, t2;
  nn_err err = {0};
  for (int copy = 0; copy < 2; copy++) {
    test_node *tt = copy ? &t2 : &t;
    tn_init(tt, &nn_op_Conv, n_in);
    tn_ints(tt, "kernel_shape", ks, 2);
    tn_ints(tt, "dilations", dil, 2);
    tn_ints(tt, "pads", pads, 4);
    if (k->relu) tn_int(tt, "cutout.relu", 1); /* as nn_pass_fuse records them */
    if (k->sum) tn_int(tt, "cutout.sum", 1);
    CHECK(nn_op_Conv.prepare(&tt->node, &err) == NN_OK);
  }
  nn_conv_geom g;
  int64_t od[4];
  CHECK(nn_conv_geometry(&t.node, bx, w, &g, od, &err) == NN_OK);
  int wino = nn_conv_wino_ok(&t.node, &g, block, block);
  /* where the ISA calls for them (and no CUTOUT_CONV=onednn), ours take these layers */
  CHECK(wino == nn_conv_wino_on());
  if (wino) CHECK(nn_op_Conv.blocked(&t.node, in, n_in, block));
  /* 1. a run without a pack (the weights transformed at the first run) */
  nn_tensor *got = wl_run(&t, in, n_in, o);
  int bad = wl_compare(got, want, mag, ny);
  nn_tensor_free(got);
  /* 2. packed at load, then run with the plain weights dropped */
  nn_tensor *outs[1] = {o};
  CHECK(nn_op_Conv.pack(&t2.node, in, n_in, outs, 1, NULL, &err) == NN_OK);
  nn_packed pk = {0};
  /* (oneDNN keeps no packed weights for the kernels that read them plain) */
  int has_pack = nn_op_Conv.packed(&t2.node, &pk);
  CHECK(has_pack || !wino);
  if (has_pack) CHECK(pk.replaces == 1u << 1);
  if (wino) CHECK(pk.data_bytes == 36 * 4 * (size_t)((k->m + 7) / 8 * 8 * ((k->c + 7) / 8 * 8)));
  nn_tensor wdrop = *w;
  wdrop.data = NULL;
  nn_tensor *din[4] = {bx, has_pack ? &wdrop : w, b, in[3]};
  got = wl_run(&t2, din, n_in, o);
  bad += wl_compare(got, want, mag, ny);
  /* 3. a new node handed the packed weights (as from the cache), no plain ones: the same
   * bits */
  void *copy = has_pack ? malloc(pk.data_bytes) : NULL, *meta = has_pack ? malloc(pk.meta_bytes) : NULL;
  nn_tensor *again = NULL;
  test_node t3;
  tn_init(&t3, &nn_op_Conv, n_in);
  memcpy(t3.attrs, t2.attrs, sizeof t3.attrs);
  t3.node.n_attr = t2.node.n_attr;
  CHECK(nn_op_Conv.prepare(&t3.node, &err) == NN_OK);
  if (has_pack) {
    memcpy(copy, pk.data, pk.data_bytes);
    memcpy(meta, pk.meta, pk.meta_bytes);
    nn_packed prev = {meta, copy, pk.meta_bytes, pk.data_bytes, pk.replaces};
    CHECK(nn_op_Conv.pack(&t3.node, din, n_in, outs, 1, &prev, &err) == NN_OK);
    again = wl_run(&t3, din, n_in, o);
    CHECK(got && again && bh_same_bits(got, again, "from the packed copy"));
  }
  printf("Conv 3x3 n%lld %lld->%lld %lldx%lld d%lld pads %lld,%lld,%lld,%lld%s%s (%s): %s\n",
         (long long)k->n, (long long)k->c, (long long)k->m, (long long)k->h, (long long)k->w,
         (long long)k->d, (long long)pads[0], (long long)pads[1], (long long)pads[2],
         (long long)pads[3], k->relu ? " relu" : "", k->sum ? " sum" : "",
         wino ? "Winograd" : "oneDNN", bad ? "FAILED" : "ok");
  CHECK(bad == 0);
  nn_tensor_free(got);
  nn_tensor_free(again);
  nn_op_Conv.release(&t.node);
  nn_op_Conv.release(&t2.node);
  nn_op_Conv.release(&t3.node);
  free(copy);
  free(meta);
  free(want);
  free(mag);
  nn_tensor_free(o);
  nn_tensor_free(bx);
  nn_tensor_free(bs);
  nn_tensor_free(x);
  nn_tensor_free(w);
  nn_tensor_free(b);
  nn_tensor_free(s);
}

static void test_winograd_layers(void) {
  static const wl_case cases[] = {
      {1, 16, 32, 64, 64, 1, {1, 1, 1, 1}, 1, 0},  /* a 64 x 64 plane, Relu */
      {1, 64, 32, 32, 32, 1, {1, 1, 1, 1}, 0, 1},  /* 32 x 32, fused Add */
      {1, 64, 32, 33, 35, 2, {2, 2, 2, 2}, 1, 1},  /* odd sizes, dilation 2, Relu and Add */
      {1, 16, 16, 32, 32, 4, {4, 4, 4, 4}, 1, 0},  /* dilation 4 */
      {1, 24, 16, 40, 36, 8, {8, 8, 8, 8}, 1, 1},  /* dilation 8, partial input block */
      {1, 20, 48, 67, 65, 1, {1, 0, 1, 2}, 0, 0},  /* asymmetric padding */
      {2, 64, 32, 32, 32, 1, {1, 1, 1, 1}, 1, 0},  /* a batch */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) test_winograd_layer(&cases[i]);
  printf("3x3 layers in the blocked layout (%s convolutions): worst error %.3g of the bound\n",
         nn_conv_wino_on() ? "Winograd" : "oneDNN", wl_worst);
}

int main(void) {
  test_cases();
  test_winograd_layers();
  test_shape_changes();
  test_unknown();
  test_errors();
  printf("convolutions against the reference: worst error %.3g of the bound\n", worst_of_bound);
  return CHECK_DONE();
}
