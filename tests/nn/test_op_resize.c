/* Resize and Upsample against hand-computed cases and against a direct, per-output-element
 * evaluation of the ONNX formulas (nested 1-D interpolation over edge-padded data, the
 * neighbours picked by distance), for every mode, coordinate transformation, nearest
 * rounding and several shapes and dtypes. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Resize, nn_op_Upsample;

static void tn_str(test_node *t, const char *name, const char *v) {
  tn_attr(t, name, NN_ATTR_STRING)->s = (char *)v;
}

/* ---- the reference ---- */

typedef struct ref_cfg {
  const char *mode, *coord, *nearest;
  double a;          /* cubic_coeff_a */
  int exclude;       /* exclude_outside */
  double extrap;     /* extrapolation_value */
  const double *roi; /* 2 * rank values, or NULL */
} ref_cfg;

typedef struct ref_in {
  const nn_tensor *x;
  const int64_t *odims;
  const double *scales; /* factor per axis (given, or out / in for sizes) */
  const double *lens;   /* resized length per axis as the formulas use it */
} ref_in;

static double ref_coord(const ref_cfg *c, int64_t x, double scale, double in, double len,
                        double start, double end) {
  const char *m = c->coord;
  if (!strcmp(m, "align_corners")) return len == 1 ? 0 : x * (in - 1) / (len - 1);
  if (!strcmp(m, "asymmetric")) return x / scale;
  if (!strcmp(m, "tf_half_pixel_for_nn")) return (x + 0.5) / scale;
  if (!strcmp(m, "pytorch_half_pixel")) return len > 1 ? (x + 0.5) / scale - 0.5 : 0;
  if (!strcmp(m, "tf_crop_and_resize")) {
    if (len == 1) return (end - start) * (in - 1) / 2 + start * (in - 1);
    return x * (end - start) * (in - 1) / (len - 1) + start * (in - 1);
  }
  return (x + 0.5) / scale - 0.5; /* half_pixel */
}

/* Coefficients for the neighbours of x; ratio in (0, 1], 1 when x is whole. */
static int ref_coeffs(const ref_cfg *c, double ratio, double *w) {
  if (!strcmp(c->mode, "nearest")) {
    const char *n = c->nearest;
    int right;
    if (ratio == 1)
      right = 1;
    else if (!strcmp(n, "round_prefer_ceil"))
      right = ratio >= 0.5;
    else if (!strcmp(n, "floor"))
      right = 0;
    else if (!strcmp(n, "ceil"))
      right = 1;
    else
      right = ratio > 0.5;
    w[0] = !right;
    w[1] = right;
    return 2;
  }
  if (!strcmp(c->mode, "linear")) {
    w[0] = 1 - ratio;
    w[1] = ratio;
    return 2;
  }
  double A = c->a, r = ratio, q = 1 - ratio;
  w[0] = ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A;
  w[1] = ((A + 2) * r - (A + 3)) * r * r + 1;
  w[2] = ((A + 2) * q - (A + 3)) * q * q + 1;
  w[3] = ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A;
  return 4;
}

/* The value of the sub-tensor at `base` (axes d.. of x) at output index oi[d..]. */
static double ref_value(const ref_cfg *c, const ref_in *in, int d, int64_t base,
                        const int64_t *oi) {
  const nn_tensor *x = in->x;
  int r = x->ndim;
  if (d == r) return nn_get(x, base);
  int64_t stride = 1;
  for (int k = d + 1; k < r; k++) stride *= x->dims[k];
  int64_t n_in = x->dims[d];
  double start = c->roi ? c->roi[d] : 0, end = c->roi ? c->roi[r + d] : 1;
  double xo = ref_coord(c, oi[d], in->scales[d], (double)n_in, in->lens[d], start, end);
  int crop = !strcmp(c->coord, "tf_crop_and_resize");
  if (crop && (xo < 0 || xo > n_in - 1)) return c->extrap;
  double ratio = xo == floor(xo) ? 1 : xo - floor(xo);
  double w[4];
  int n = ref_coeffs(c, ratio, w);
  /* the n indices nearest to xo (ties: the smaller), in the input padded by n/2 edges */
  int pad = (n + 1) / 2;
  int64_t lim = n_in + 2 * pad, pick[4];
  double xp = xo + pad;
  int used[64] = {0};
  for (int j = 0; j < n; j++) {
    int64_t best = -1;
    for (int64_t i = 0; i < lim; i++) {
      if (used[i]) continue;
      if (best < 0 || fabs(xp - i) < fabs(xp - best)) best = i;
    }
    used[best] = 1;
  }
  for (int64_t i = 0, j = 0; i < lim; i++)
    if (used[i]) pick[j++] = i - pad;
  if (c->exclude) {
    double sum = 0;
    for (int j = 0; j < n; j++) {
      if (pick[j] < 0 || pick[j] >= n_in) w[j] = 0;
      sum += w[j];
    }
    for (int j = 0; j < n; j++) w[j] /= sum;
  }
  double v = 0;
  for (int j = 0; j < n; j++) {
    if (w[j] == 0) continue;
    int64_t i = pick[j] < 0 ? 0 : pick[j] >= n_in ? n_in - 1 : pick[j];
    v += w[j] * ref_value(c, in, d + 1, base + i * stride, oi);
  }
  return v;
}

/* ---- running the ops ---- */

typedef struct call {
  const char *mode, *coord, *nearest;
  int set_a, exclude;
  double a, extrap;
} call;

/* Resize-13 on (x, roi, scales, sizes), any of the last three NULL when omitted. */
static int resize13(const call *k, nn_tensor *x, nn_tensor *roi, nn_tensor *scales,
                    nn_tensor *sizes, nn_tensor **out, nn_err *err) {
  test_node t;
  tn_init(&t, &nn_op_Resize, 4);
  int ids[4] = {0, roi ? 1 : -1, scales ? 2 : -1, sizes ? 3 : -1};
  t.node.in = ids;
  if (k->mode) tn_str(&t, "mode", k->mode);
  if (k->coord) tn_str(&t, "coordinate_transformation_mode", k->coord);
  if (k->nearest) tn_str(&t, "nearest_mode", k->nearest);
  if (k->set_a) tn_float(&t, "cubic_coeff_a", (float)k->a);
  if (k->exclude) tn_int(&t, "exclude_outside", 1);
  if (k->extrap != 0) tn_float(&t, "extrapolation_value", (float)k->extrap);
  nn_tensor *in[4] = {x, roi, scales, sizes};
  return run_node(&t, in, 4, out, err);
}

static nn_tensor *floats_of(int n, const double *v) {
  int64_t d = n;
  return tensor_of(NN_F32, 1, &d, v);
}

/* Fills x with values that differ everywhere (integers for integer types). */
static void fill(nn_tensor *x, unsigned seed) {
  uint32_t s = seed * 2654435761u + 1;
  for (int64_t i = 0; i < nn_numel(x); i++) {
    s = s * 1664525u + 1013904223u;
    double v = (double)(s >> 8) / (double)(1u << 24);
    if (nn_dtype_is_float(x->dtype))
      nn_set(x, i, 4 * v - 2);
    else
      nn_set(x, i, x->dtype == NN_I8 ? (int)(v * 255) - 128 : (int)(v * 255));
  }
}

static int cases_run;

/* Resizes a filled tensor of dims `dims` by scales (or to sizes when sizes is not NULL) and
 * compares every output element with the reference. */
static void compare(const call *k, nn_dtype dt, int r, const int64_t *dims, const double *scales,
                    const int64_t *sizes, const double *roi) {
  nn_tensor *x = tensor_of(dt, r, dims, NULL);
  fill(x, (unsigned)(r * 7 + dims[r - 1]));
  nn_tensor *st = scales ? floats_of(r, scales) : NULL;
  nn_tensor *zt = sizes ? ints_of(r, sizes) : NULL;
  nn_tensor *rt = roi ? floats_of(2 * r, roi) : NULL;
  nn_tensor *y = NULL;
  nn_err err;
  int rc = resize13(k, x, rt, st, zt, &y, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "  %s\n", err.msg);
  } else {
    int64_t odims[NN_MAX_DIMS];
    double sc[NN_MAX_DIMS], lens[NN_MAX_DIMS], roi_f[2 * NN_MAX_DIMS];
    for (int d = 0; d < r; d++) {
      if (scales) {
        float s = (float)scales[d]; /* the op sees the float32 value */
        odims[d] = (int64_t)floorf((float)dims[d] * s);
        sc[d] = s;
        lens[d] = (double)s * (double)dims[d];
      } else {
        odims[d] = sizes[d];
        sc[d] = (double)sizes[d] / (double)dims[d];
        lens[d] = (double)sizes[d];
      }
    }
    for (int i = 0; roi && i < 2 * r; i++) roi_f[i] = (float)roi[i];
    CHECK(y->dtype == dt && has_dims(y, r, odims));
    ref_cfg c = {k->mode ? k->mode : "nearest",
                 k->coord ? k->coord : "half_pixel",
                 k->nearest ? k->nearest : "round_prefer_floor",
                 k->set_a ? (float)k->a : -0.75,
                 k->exclude,
                 (float)k->extrap,
                 roi ? roi_f : NULL};
    ref_in ri = {x, odims, sc, lens};
    int64_t bad = 0, total = nn_numel(y);
    double worst = 0;
    for (int64_t i = 0; i < total; i++) {
      int64_t oi[NN_MAX_DIMS], rem = i;
      for (int d = r - 1; d >= 0; d--) {
        oi[d] = rem % odims[d];
        rem /= odims[d];
      }
      double want = ref_value(&c, &ri, 0, 0, oi), got = nn_get(y, i);
      /* f32 linear resizes of the last two axes compute coordinates in float, as
       * onnxruntime does: a coordinate near 100 carries an error near 1e-5. */
      double tol = dt == NN_F64 ? 1e-12 : dt == NN_F32 ? 2e-5 : dt == NN_F16 ? 2e-3 : 0;
      if (dt == NN_F16) want = nn_round_half((float)want);
      if (!nn_dtype_is_float(dt)) want = (double)(int64_t)want; /* extrapolation_value cast */
      if (!(fabs(got - want) <= tol * (1 + fabs(want)))) {
        if (!bad)
          fprintf(stderr, "  first mismatch at %lld: got %.9g want %.9g\n", (long long)i, got,
                  want);
        bad++;
      }
      if (fabs(got - want) > worst) worst = fabs(got - want);
    }
    if (bad)
      fprintf(stderr, "  %s/%s/%s %s rank %d: %lld of %lld differ (worst %g)\n", c.mode, c.coord,
              c.nearest, nn_dtype_name(dt), r, (long long)bad, (long long)total, worst);
    CHECK(bad == 0);
    cases_run++;
  }
  nn_tensor_free(x);
  nn_tensor_free(st);
  nn_tensor_free(zt);
  nn_tensor_free(rt);
  nn_tensor_free(y);
}

/* ---- hand-computed cases ---- */

static nn_tensor *resize_2x2(const char *mode, const char *coord, double scale) {
  int64_t d[] = {1, 1, 2, 2};
  double v[] = {1, 2, 3, 4}, s[] = {1, 1, scale, scale};
  nn_tensor *x = tensor_of(NN_F32, 4, d, v), *st = floats_of(4, s), *y = NULL;
  call k = {mode, coord, NULL, 0, 0, 0, 0};
  nn_err err;
  CHECK(resize13(&k, x, NULL, st, NULL, &y, &err) == NN_OK);
  nn_tensor_free(x);
  nn_tensor_free(st);
  return y;
}

static void test_hand_linear(void) {
  /* half_pixel: input coordinates -0.25, 0.25, 0.75, 1.25 (clamped at the edges) */
  double hp[16] = {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4};
  nn_tensor *y = resize_2x2("linear", NULL, 2);
  int64_t want_dims[] = {1, 1, 4, 4};
  CHECK(y && has_dims(y, 4, want_dims));
  for (int i = 0; y && i < 16; i++) CHECK_NEAR(nn_get(y, i), hp[i], 1e-6);
  nn_tensor_free(y);
  /* align_corners: coordinates 0, 1/3, 2/3, 1 */
  y = resize_2x2("linear", "align_corners", 2);
  for (int i = 0; y && i < 16; i++) {
    int row = i / 4, col = i % 4;
    CHECK_NEAR(nn_get(y, i), 1 + col / 3.0 + 2 * row / 3.0, 1e-6);
  }
  nn_tensor_free(y);
  /* asymmetric: coordinates 0, 0.5, 1, 1.5 */
  y = resize_2x2("linear", "asymmetric", 2);
  double as[4] = {0, 0.5, 1, 1};
  for (int i = 0; y && i < 16; i++) CHECK_NEAR(nn_get(y, i), 1 + as[i % 4] + 2 * as[i / 4], 1e-6);
  nn_tensor_free(y);
  /* nearest by 2 (round_prefer_floor, half_pixel): each input becomes a 2x2 block */
  y = resize_2x2("nearest", NULL, 2);
  for (int i = 0; y && i < 16; i++) CHECK(nn_get(y, i) == 1 + (i % 4) / 2 + 2 * (i / 8));
  nn_tensor_free(y);
}

/* Nearest on [10, 20, 30, 40] and [10, 20, 30], one rounding rule at a time. */
static void nearest_1d(const char *coord, const char *rule, int n_in, int n_out, const int *want) {
  int64_t d = n_in, sz = n_out;
  double v[] = {10, 20, 30, 40};
  nn_tensor *x = tensor_of(NN_F32, 1, &d, v), *z = ints_of(1, &sz), *y = NULL;
  call k = {"nearest", coord, rule, 0, 0, 0, 0};
  nn_err err;
  CHECK(resize13(&k, x, NULL, NULL, z, &y, &err) == NN_OK);
  for (int i = 0; y && i < n_out; i++) {
    if (nn_get(y, i) != v[want[i]])
      fprintf(stderr, "  %s/%s output %d: got %g want %g\n", coord, rule, i, nn_get(y, i),
              v[want[i]]);
    CHECK(nn_get(y, i) == v[want[i]]);
  }
  nn_tensor_free(x);
  nn_tensor_free(z);
  nn_tensor_free(y);
}

static void test_hand_nearest(void) {
  /* half_pixel 4 -> 8: coordinates -0.25, 0.25, 0.75 ... 3.25 */
  int pf[] = {0, 0, 1, 1, 2, 2, 3, 3}, fl[] = {0, 0, 0, 1, 1, 2, 2, 3},
      ce[] = {0, 1, 1, 2, 2, 3, 3, 3};
  nearest_1d("half_pixel", "round_prefer_floor", 4, 8, pf);
  nearest_1d("half_pixel", "round_prefer_ceil", 4, 8, pf);
  nearest_1d("half_pixel", "floor", 4, 8, fl);
  nearest_1d("half_pixel", "ceil", 4, 8, ce);
  /* asymmetric 3 -> 6: coordinates 0, 0.5, 1, 1.5, 2, 2.5: the ties decide */
  int tf[] = {0, 0, 1, 1, 2, 2}, tc[] = {0, 1, 1, 2, 2, 2};
  nearest_1d("asymmetric", "round_prefer_floor", 3, 6, tf);
  nearest_1d("asymmetric", "round_prefer_ceil", 3, 6, tc);
  /* tf_half_pixel_for_nn 4 -> 3: coordinates 2/3, 2, 10/3 */
  int tn[] = {1, 2, 3};
  nearest_1d("tf_half_pixel_for_nn", "round_prefer_floor", 4, 3, tn);
  /* align_corners 4 -> 7: coordinates 0, 0.5, 1 ... 3 */
  int ac[] = {0, 0, 1, 1, 2, 2, 3}, acc[] = {0, 1, 1, 2, 2, 3, 3};
  nearest_1d("align_corners", "round_prefer_floor", 4, 7, ac);
  nearest_1d("align_corners", "round_prefer_ceil", 4, 7, acc);
}

/* Cubic convolution keeps constant data for any coefficient, and with Keys' a = -0.5 it
 * reproduces linear data wherever all four taps are inside the input. */
static void test_cubic_ramp(void) {
  const double as[] = {-0.5, -0.75};
  for (int t = 0; t < 2; t++) {
    int64_t d = 10, sz = 23;
    double v[10];
    for (int i = 0; i < 10; i++) v[i] = t == 0 ? 3 + 2 * i : 4.5;
    nn_tensor *x = tensor_of(NN_F32, 1, &d, v), *z = ints_of(1, &sz), *y = NULL;
    call k = {"cubic", NULL, NULL, 1, 0, as[t], 0};
    nn_err err;
    CHECK(resize13(&k, x, NULL, NULL, z, &y, &err) == NN_OK);
    int interior = 0;
    for (int o = 0; y && o < 23; o++) {
      double xo = (o + 0.5) * 10 / 23 - 0.5;
      if (t == 1) {
        CHECK_NEAR(nn_get(y, o), 4.5, 1e-5);
        continue;
      }
      if (floor(xo) - 1 < 0 || floor(xo) + 2 > 9) continue;
      interior++;
      CHECK_NEAR(nn_get(y, o), 3 + 2 * xo, 1e-5);
    }
    CHECK(t == 1 || interior > 15);
    nn_tensor_free(x);
    nn_tensor_free(z);
    nn_tensor_free(y);
  }
}

/* ---- against the reference ---- */

static const char *const coords[] = {"half_pixel", "pytorch_half_pixel",   "align_corners",
                                     "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
static const char *const rules[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

static void test_against_reference(void) {
  int64_t d4a[] = {2, 3, 5, 4}, d4b[] = {1, 2, 6, 7}, d3[] = {3, 4, 5}, d1[] = {7},
          d5[] = {1, 2, 3, 4, 3}, d4n[] = {2, 2, 3, 3}, d2[] = {1, 5};
  double s4a[] = {1, 1, 2, 1.5}, s4b[] = {1, 1, 0.5, 0.6}, s3[] = {2, 0.75, 1.4},
         s5[] = {1, 1, 1.5, 2, 0.7}, s4n[] = {1.5, 1, 2, 1}, s4u[] = {1, 1, 3, 2.5};
  int64_t z4[] = {2, 3, 9, 3}, z1[] = {12}, z3[] = {5, 3, 8}, z2[] = {1, 1};
  double roi[16];
  for (int d = 0; d < 8; d++) {
    roi[d] = d % 2 ? -0.1 : 0.25;
    roi[8 + d] = d % 2 ? 0.85 : 1.2;
  }
  for (int m = 0; m < 3; m++) {
    const char *mode = m == 0 ? "nearest" : m == 1 ? "linear" : "cubic";
    for (int ci = 0; ci < 6; ci++) {
      for (int ri = 0; ri < (m == 0 ? 4 : 1); ri++) {
        const char *coord = coords[ci];
        int crop = ci == 5;
        call k = {mode, coord, m == 0 ? rules[ri] : NULL, 0, 0, 0, crop ? 0.5 : 0};
        double r5[10], r4[8], r3[6], r1[2];
        for (int d = 0; d < 5; d++) {
          r5[d] = roi[d] * 0.5;
          r5[5 + d] = 1 - (1 - roi[8 + d]) * 0.5;
        }
        memcpy(r4, roi, 4 * sizeof *r4);
        memcpy(r4 + 4, roi + 8, 4 * sizeof *r4);
        memcpy(r3, roi, 3 * sizeof *r3);
        memcpy(r3 + 3, roi + 8, 3 * sizeof *r3);
        r1[0] = roi[1];
        r1[1] = roi[9];
        compare(&k, NN_F32, 4, d4a, s4a, NULL, crop ? r4 : NULL);
        compare(&k, NN_F32, 4, d4b, s4b, NULL, crop ? r4 : NULL);
        compare(&k, NN_F32, 4, d4a, NULL, z4, crop ? r4 : NULL);
        compare(&k, NN_F32, 4, d4b, s4u, NULL, crop ? r4 : NULL);
        compare(&k, NN_F64, 3, d3, s3, NULL, crop ? r3 : NULL);
        compare(&k, NN_F32, 3, d3, NULL, z3, crop ? r3 : NULL);
        compare(&k, NN_F64, 1, d1, NULL, z1, crop ? r1 : NULL);
        compare(&k, NN_F32, 5, d5, s5, NULL, crop ? r5 : NULL);
        compare(&k, NN_F32, 4, d4n, s4n, NULL, crop ? r4 : NULL);
        compare(&k, NN_F16, 4, d4a, s4a, NULL, crop ? r4 : NULL);
        compare(&k, NN_F32, 2, d2, NULL, z2, NULL); /* resized to a single element */
        if (m == 0) {
          compare(&k, NN_U8, 4, d4a, s4a, NULL, crop ? r4 : NULL);
          compare(&k, NN_I8, 3, d3, s3, NULL, crop ? r3 : NULL);
        }
        if (m == 2) { /* other coefficient, and taps outside the input dropped */
          call k2 = k;
          k2.set_a = 1;
          k2.a = -0.5;
          k2.exclude = 1;
          compare(&k2, NN_F32, 4, d4a, s4a, NULL, crop ? r4 : NULL);
          compare(&k2, NN_F64, 3, d3, NULL, z3, crop ? r3 : NULL);
          compare(&k2, NN_F32, 4, d4b, s4b, NULL, crop ? r4 : NULL);
        }
      }
    }
  }
  /* a larger image through the bilinear kernel and several threads */
  int64_t big[] = {1, 3, 37, 41}, bigz[] = {1, 3, 64, 80};
  call lin = {"linear", "half_pixel", NULL, 0, 0, 0, 0};
  compare(&lin, NN_F32, 4, big, NULL, bigz, NULL);
  compare(&lin, NN_F16, 4, big, NULL, bigz, NULL);
  int64_t bigd[] = {2, 2, 20, 16};
  double sd[] = {1, 1, 0.35, 0.5};
  compare(&lin, NN_F32, 4, bigd, sd, NULL, NULL);
  call near2 = {"nearest", "asymmetric", "floor", 0, 0, 0, 0};
  double s2[] = {1, 1, 2, 2};
  compare(&near2, NN_F32, 4, big, s2, NULL, NULL);
  CHECK(cases_run >= 466);
}

/* Half-precision data is computed as float and rounded to half once per output. */
static void test_f16_rounding(void) {
  int64_t d[] = {1, 2, 13, 11}, z[] = {1, 2, 40, 29};
  nn_tensor *x16 = tensor_of(NN_F16, 4, d, NULL), *x32 = tensor_of(NN_F32, 4, d, NULL);
  fill(x16, 9);
  for (int64_t i = 0; i < nn_numel(x16); i++) nn_set(x16, i, nn_get(x16, i) * 300);
  for (int64_t i = 0; i < nn_numel(x16); i++) nn_set(x32, i, nn_get(x16, i));
  nn_tensor *zt = ints_of(4, z);
  const char *modes[] = {"linear", "cubic"};
  for (int m = 0; m < 2; m++) {
    call k = {modes[m], NULL, NULL, 0, 0, 0, 0};
    nn_tensor *y16 = NULL, *y32 = NULL;
    nn_err err;
    CHECK(resize13(&k, x16, NULL, NULL, zt, &y16, &err) == NN_OK);
    CHECK(resize13(&k, x32, NULL, NULL, zt, &y32, &err) == NN_OK);
    int64_t bad = 0;
    for (int64_t i = 0; y16 && y32 && i < nn_numel(y16); i++) {
      float want = nn_round_half((float)nn_get(y32, i)), got = (float)nn_get(y16, i);
      if (m == 0 ? got != want : fabsf(got - want) > 1e-3f * (1 + fabsf(want))) bad++;
    }
    CHECK(bad == 0);
    nn_tensor_free(y16);
    nn_tensor_free(y32);
  }
  nn_tensor_free(x16);
  nn_tensor_free(x32);
  nn_tensor_free(zt);
}

/* ---- opset 10, Upsample ---- */

static void test_resize10(void) {
  /* (X, scales); asymmetric; nearest rounds up on a shrinking axis, down on a growing one */
  int64_t d[] = {1, 5};
  double v[] = {1, 2, 3, 4, 5}, s[] = {2, 0.6};
  nn_tensor *x = tensor_of(NN_F32, 2, d, v), *st = floats_of(2, s), *y = NULL;
  test_node t;
  tn_init(&t, &nn_op_Resize, 2);
  nn_tensor *in[2] = {x, st};
  nn_err err;
  CHECK(run_node(&t, in, 2, &y, &err) == NN_OK);
  int64_t want[] = {2, 3};
  CHECK(y && has_dims(y, 2, want));
  /* coordinates 0, 1/0.6, 2/0.6 -> ceil 0, 2, 4 */
  double w[] = {1, 3, 5, 1, 3, 5};
  for (int i = 0; y && i < 6; i++) CHECK(nn_get(y, i) == w[i]);
  nn_tensor_free(y);
  tn_init(&t, &nn_op_Resize, 2);
  tn_str(&t, "mode", "linear");
  double s2[] = {1, 1.6};
  nn_tensor *st2 = floats_of(2, s2);
  in[1] = st2;
  CHECK(run_node(&t, in, 2, &y, &err) == NN_OK);
  /* 8 outputs at x / 1.6 */
  for (int i = 0; y && i < 8; i++) {
    double xo = i / 1.6;
    CHECK_NEAR(nn_get(y, i), xo > 4 ? 5 : 1 + xo, 1e-6);
  }
  nn_tensor_free(y);
  nn_tensor_free(x);
  nn_tensor_free(st);
  nn_tensor_free(st2);
}

static void test_upsample(void) {
  int64_t d[] = {1, 1, 2, 2};
  double v[] = {1, 2, 3, 4};
  nn_tensor *x = tensor_of(NN_F32, 4, d, v), *y = NULL;
  nn_err err;
  /* opset 7: scales attribute */
  test_node t;
  tn_init(&t, &nn_op_Upsample, 1);
  float sa[] = {1, 1, 2, 3};
  tn_floats(&t, "scales", sa, 4);
  nn_tensor *in[2] = {x, NULL};
  CHECK(run_node(&t, in, 1, &y, &err) == NN_OK);
  int64_t want[] = {1, 1, 4, 6};
  CHECK(y && has_dims(y, 4, want));
  for (int i = 0; y && i < 24; i++) CHECK(nn_get(y, i) == 1 + (i % 6) / 3 + 2 * (i / 12));
  nn_tensor_free(y);
  /* opset 9: scales input, linear: asymmetric coordinates x / 2, clamped */
  tn_init(&t, &nn_op_Upsample, 2);
  tn_str(&t, "mode", "linear");
  double si[] = {1, 1, 2, 2};
  in[1] = floats_of(4, si);
  CHECK(run_node(&t, in, 2, &y, &err) == NN_OK);
  double c[] = {0, 0.5, 1, 1};
  for (int i = 0; y && i < 16; i++) CHECK_NEAR(nn_get(y, i), 1 + c[i % 4] + 2 * c[i / 4], 1e-6);
  nn_tensor_free(y);
  /* uint8 nearest */
  nn_tensor *xu = tensor_of(NN_U8, 4, d, (double[]){7, 200, 3, 255});
  tn_init(&t, &nn_op_Upsample, 2);
  in[0] = xu;
  CHECK(run_node(&t, in, 2, &y, &err) == NN_OK);
  const uint8_t *u = y ? y->data : NULL;
  CHECK(u && u[0] == 7 && u[1] == 7 && u[2] == 200 && u[3] == 200 && u[15] == 255);
  nn_tensor_free(y);
  /* scales below 1 are refused */
  double sl[] = {1, 1, 0.5, 2};
  nn_tensor *bad = floats_of(4, sl);
  tn_init(&t, &nn_op_Upsample, 2);
  in[0] = x;
  nn_tensor_free(in[1]);
  in[1] = bad;
  CHECK(run_node(&t, in, 2, &y, &err) == NN_EINVAL);
  tn_init(&t, &nn_op_Upsample, 2);
  tn_str(&t, "mode", "cubic");
  CHECK(run_node(&t, in, 2, &y, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "mode") != NULL);
  nn_tensor_free(bad);
  nn_tensor_free(xu);
  nn_tensor_free(x);
}

/* ---- shapes, absent inputs, rejections ---- */

static void test_shape_and_inputs(void) {
  nn_err err;
  int64_t d[] = {1, 2, 3, 4};
  /* at load: data unknown */
  nn_tensor xs = {.dtype = NN_F32, .ndim = 4, .dims = {1, 2, 3, 4}};
  nn_tensor ss = {.dtype = NN_F32, .ndim = 1, .dims = {4}};
  nn_tensor out;
  memset(&out, 0, sizeof out);
  nn_tensor *outs[1] = {&out};
  test_node t;
  tn_init(&t, &nn_op_Resize, 3);
  CHECK(nn_op_Resize.prepare(&t.node, &err) == NN_OK);
  nn_tensor *in[4] = {&xs, NULL, &ss, NULL};
  int ids[4] = {0, -1, 2, -1};
  t.node.in = ids;
  CHECK(nn_op_Resize.shape(&t.node, in, 3, outs, 1, &err) == NN_EUNKNOWN);
  /* sizes known, X data unknown: the shape follows */
  nn_tensor *z = ints_of(4, (int64_t[]){1, 2, 7, 1});
  in[2] = NULL;
  in[3] = z;
  int ids4[4] = {0, -1, -1, 3};
  t.node.in = ids4;
  t.node.n_in = 4;
  CHECK(nn_op_Resize.shape(&t.node, in, 4, outs, 1, &err) == NN_OK);
  int64_t want[] = {1, 2, 7, 1};
  CHECK(has_dims(&out, 4, want) && out.dtype == NN_F32);
  /* scales known: floor(in * scale) */
  nn_tensor *s = floats_of(4, (double[]){1, 1.5, 0.6, 2.7});
  in[2] = s;
  in[3] = NULL;
  t.node.in = ids;
  CHECK(nn_op_Resize.shape(&t.node, in, 3, outs, 1, &err) == NN_OK);
  int64_t want2[] = {1, 3, 1, 10};
  CHECK(has_dims(&out, 4, want2));
  /* both scales and sizes */
  in[3] = z;
  t.node.in = (int[]){0, -1, 2, 3};
  CHECK(nn_op_Resize.shape(&t.node, in, 4, outs, 1, &err) == NN_EINVAL);
  /* wrong count */
  nn_tensor *s3 = floats_of(3, (double[]){1, 1, 2});
  in[2] = s3;
  in[3] = NULL;
  CHECK(nn_op_Resize.shape(&t.node, in, 4, outs, 1, &err) == NN_EINVAL);
  nn_op_Resize.release(&t.node);
  /* opset 11 style: empty roi and scales are absent, sizes decide */
  nn_tensor *x = tensor_of(NN_F32, 4, d, NULL);
  fill(x, 3);
  int64_t zero = 0;
  nn_tensor *er = tensor_of(NN_F32, 1, &zero, NULL), *es = tensor_of(NN_F32, 1, &zero, NULL);
  nn_tensor *y = NULL;
  call k = {"linear", NULL, NULL, 0, 0, 0, 0};
  CHECK(resize13(&k, x, er, es, z, &y, &err) == NN_OK);
  CHECK(y && has_dims(y, 4, want));
  nn_tensor_free(y);
  /* linear on integers is refused with a message */
  nn_tensor *xi = tensor_of(NN_I32, 4, d, NULL);
  CHECK(resize13(&k, xi, NULL, NULL, z, &y, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "int32") != NULL || strstr(err.msg, "INT32") != NULL ||
        strstr(err.msg, "type") != NULL);
  /* nearest on int32 is fine */
  call kn = {"nearest", NULL, NULL, 0, 0, 0, 0};
  fill(xi, 5);
  CHECK(resize13(&kn, xi, NULL, NULL, z, &y, &err) == NN_OK);
  nn_tensor_free(y);
  /* neither scales nor sizes */
  CHECK(resize13(&k, x, er, es, NULL, &y, &err) != NN_OK);
  nn_tensor_free(xi);
  nn_tensor_free(er);
  nn_tensor_free(es);
  nn_tensor_free(x);
  nn_tensor_free(z);
  nn_tensor_free(s);
  nn_tensor_free(s3);
}

static void expect_rejected(const char *attr, const char *sval, int64_t ival) {
  test_node t;
  tn_init(&t, &nn_op_Resize, 4);
  if (sval)
    tn_str(&t, attr, sval);
  else if (!strcmp(attr, "axes"))
    tn_ints(&t, attr, (int64_t[]){2, 3}, 2);
  else
    tn_int(&t, attr, ival);
  nn_err err;
  err.msg[0] = 0;
  int rc = nn_op_Resize.prepare(&t.node, &err);
  CHECK(rc == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "Resize") != NULL && strstr(err.msg, attr) != NULL);
  if (rc == NN_OK) nn_op_Resize.release(&t.node);
}

static void test_rejections(void) {
  expect_rejected("mode", "bicubic", 0);
  expect_rejected("coordinate_transformation_mode", "half_pixel_symmetric", 0);
  expect_rejected("nearest_mode", "round", 0);
  expect_rejected("antialias", NULL, 1);
  expect_rejected("axes", NULL, 0);
  expect_rejected("keep_aspect_ratio_policy", "not_larger", 0);
}

int main(void) {
  test_hand_linear();
  test_hand_nearest();
  test_cubic_ramp();
  test_against_reference();
  test_f16_rounding();
  test_resize10();
  test_upsample();
  test_shape_and_inputs();
  test_rejections();
  return CHECK_DONE();
}
