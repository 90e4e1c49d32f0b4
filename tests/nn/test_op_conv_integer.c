/* ConvInteger: exact int32 results against an integer direct-loop reference, for (u)int8
 * mixes, scalar and per-channel zero points, padding, strides, dilations and groups, with
 * value ranges for each way the op computes: one f32 convolution, several f32 convolutions
 * over digits of the data, and integer accumulation in int32 and in int64. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_ConvInteger;

static uint32_t rng = 777;
static int64_t rnd_int(int64_t lo, int64_t hi) { /* uniform in [lo, hi] */
  rng = rng * 1664525u + 1013904223u;
  return lo + (int64_t)((rng >> 8) % (uint32_t)(hi - lo + 1));
}

typedef struct ci_case {
  int nsp;
  int64_t n, c, m, group;
  int64_t in[3], k[3], s[3], d[3], pads[6];
  nn_dtype xt, wt;
  int64_t xlo, xhi, wlo, whi; /* ranges of the random values */
  int x_zp;                   /* -1: input omitted, else the zero point */
  int w_zp;                   /* -1: omitted, -2: per channel (random), else the zero point */
} ci_case;

static int64_t lowest(nn_dtype t) { return t == NN_I8 ? -128 : 0; }
static int64_t highest(nn_dtype t) { return t == NN_I8 ? 127 : 255; }

/* Direct integer convolution; axes padded to 3 with leading 1s. Returns the output count. */
static int64_t ref_conv(const ci_case *cc, const nn_tensor *x, const nn_tensor *w, int64_t zx,
                        const int64_t *zw, int64_t *y, int64_t *odims) {
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t pl[3] = {0, 0, 0}, out[3] = {1, 1, 1};
  for (int i = 0; i < cc->nsp; i++) {
    int j = 3 - cc->nsp + i;
    in[j] = cc->in[i], k[j] = cc->k[i], s[j] = cc->s[i], d[j] = cc->d[i], pl[j] = cc->pads[i];
    out[j] = (cc->in[i] + cc->pads[i] + cc->pads[i + cc->nsp] - (k[j] - 1) * d[j] - 1) / s[j] + 1;
    odims[i] = out[j];
  }
  int64_t cg = cc->c / cc->group, mg = cc->m / cc->group, yi = 0;
  for (int64_t n = 0; n < cc->n; n++)
    for (int64_t m = 0; m < cc->m; m++)
      for (int64_t oz = 0; oz < out[0]; oz++)
        for (int64_t oy = 0; oy < out[1]; oy++)
          for (int64_t ox = 0; ox < out[2]; ox++) {
            int64_t acc = 0, g = m / mg;
            for (int64_t c = 0; c < cg; c++)
              for (int64_t a = 0; a < k[0]; a++)
                for (int64_t b = 0; b < k[1]; b++)
                  for (int64_t e = 0; e < k[2]; e++) {
                    int64_t iz = oz * s[0] - pl[0] + a * d[0];
                    int64_t iy = oy * s[1] - pl[1] + b * d[1];
                    int64_t ix = ox * s[2] - pl[2] + e * d[2];
                    if (iz < 0 || iz >= in[0] || iy < 0 || iy >= in[1] || ix < 0 || ix >= in[2])
                      continue;
                    int64_t xi =
                        (((n * cc->c + g * cg + c) * in[0] + iz) * in[1] + iy) * in[2] + ix;
                    int64_t wi = (((m * cg + c) * k[0] + a) * k[1] + b) * k[2] + e;
                    acc += (nn_get_i64(x, xi) - zx) * (nn_get_i64(w, wi) - zw[m]);
                  }
            y[yi++] = acc;
          }
  return yi;
}

static void check_case(const ci_case *cc) {
  int64_t xd[5] = {cc->n, cc->c}, wd[5] = {cc->m, cc->c / cc->group};
  for (int i = 0; i < cc->nsp; i++) xd[2 + i] = cc->in[i], wd[2 + i] = cc->k[i];
  nn_tensor *x = tensor_of(cc->xt, cc->nsp + 2, xd, NULL);
  nn_tensor *w = tensor_of(cc->wt, cc->nsp + 2, wd, NULL);
  for (int64_t i = 0; i < nn_numel(x); i++) nn_set(x, i, (double)rnd_int(cc->xlo, cc->xhi));
  for (int64_t i = 0; i < nn_numel(w); i++) nn_set(w, i, (double)rnd_int(cc->wlo, cc->whi));
  /* the extremes of the range appear, so the bound the op computes is the worst case */
  nn_set(x, 0, (double)cc->xlo);
  nn_set(x, nn_numel(x) - 1, (double)cc->xhi);
  int64_t one = 1, md = cc->m;
  nn_tensor *xz = NULL, *wz = NULL;
  int64_t zx = 0, *zw = calloc((size_t)cc->m, sizeof *zw);
  if (cc->x_zp != -1) {
    xz = tensor_of(cc->xt, 0, &one, NULL);
    nn_set(xz, 0, cc->x_zp);
    zx = cc->x_zp;
  }
  if (cc->w_zp == -2) {
    wz = tensor_of(cc->wt, 1, &md, NULL);
    for (int64_t m = 0; m < cc->m; m++) {
      zw[m] = rnd_int(lowest(cc->wt), highest(cc->wt));
      nn_set(wz, m, (double)zw[m]);
    }
  } else if (cc->w_zp != -1) {
    wz = tensor_of(cc->wt, 1, &one, NULL);
    nn_set(wz, 0, cc->w_zp);
    for (int64_t m = 0; m < cc->m; m++) zw[m] = cc->w_zp;
  }
  test_node t;
  tn_init(&t, &nn_op_ConvInteger, 4);
  int64_t pads[6], strides[3], dil[3];
  memcpy(pads, cc->pads, sizeof pads);
  memcpy(strides, cc->s, sizeof strides);
  memcpy(dil, cc->d, sizeof dil);
  tn_ints(&t, "pads", pads, 2 * cc->nsp);
  tn_ints(&t, "strides", strides, cc->nsp);
  tn_ints(&t, "dilations", dil, cc->nsp);
  if (cc->group != 1) tn_int(&t, "group", cc->group);
  int n_in = wz ? 4 : xz ? 3 : 2;
  nn_tensor *in[4] = {x, w, xz, wz}, *o = NULL;
  nn_err err = {0};
  int rc = run_node(&t, in, n_in, &o, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "ConvInteger c=%lld: %s\n", (long long)cc->c, err.msg);
  } else {
    int64_t od[5] = {cc->n, cc->m}, ny = cc->n * cc->m;
    for (int i = 0; i < cc->nsp; i++)
      ny *= (cc->in[i] + cc->pads[i] + cc->pads[i + cc->nsp] - (cc->k[i] - 1) * cc->d[i] - 1) /
                cc->s[i] +
            1;
    int64_t *want = malloc((size_t)ny * sizeof *want);
    CHECK(ref_conv(cc, x, w, zx, zw, want, od + 2) == ny);
    CHECK(o->dtype == NN_I32);
    CHECK(has_dims(o, cc->nsp + 2, od));
    const int32_t *got = o->data;
    int bad = 0;
    for (int64_t i = 0; i < ny && o->ndim == cc->nsp + 2; i++)
      if (got[i] != want[i]) {
        if (!bad)
          fprintf(stderr, "ConvInteger c=%lld: y[%lld] = %d, expected %lld\n", (long long)cc->c,
                  (long long)i, got[i], (long long)want[i]);
        bad++;
      }
    CHECK(bad == 0);
    free(want);
    nn_tensor_free(o);
  }
  free(zw);
  nn_tensor_free(x);
  nn_tensor_free(w);
  nn_tensor_free(xz);
  nn_tensor_free(wz);
}

static void test_cases(void) {
  const ci_case cases[] = {
      /* small values: exact in f32 */
      {2, 1, 1, 1, 1, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {0}, NN_U8, NN_U8, 0, 20, 0, 9, 1, -1},
      {2,
       1,
       1,
       1,
       1,
       {4, 4},
       {2, 2},
       {1, 1},
       {1, 1},
       {1, 1, 1, 1},
       NN_U8,
       NN_U8,
       0,
       20,
       0,
       9,
       1,
       3},
      {2,
       2,
       4,
       6,
       2,
       {7, 6},
       {3, 3},
       {2, 1},
       {1, 2},
       {1, 2, 0, 1},
       NN_I8,
       NN_U8,
       -128,
       127,
       0,
       255,
       -5,
       -2},
      {2,
       1,
       3,
       2,
       1,
       {9, 9},
       {3, 3},
       {1, 1},
       {4, 4},
       {4, 4, 4, 4},
       NN_U8,
       NN_I8,
       0,
       255,
       -128,
       127,
       128,
       -1},
      {1, 1, 3, 4, 1, {13}, {3}, {2}, {2}, {2, 1}, NN_U8, NN_I8, 0, 255, -128, 127, -1, -2},
      {3,
       1,
       2,
       2,
       2,
       {3, 4, 5},
       {2, 2, 3},
       {1, 2, 1},
       {1, 1, 1},
       {0, 1, 1, 1, 0, 1},
       NN_I8,
       NN_I8,
       -128,
       127,
       -128,
       127,
       3,
       -1},
      /* full-range data and weights over 576 taps: past 2^24, integer accumulation */
      {2,
       1,
       64,
       5,
       1,
       {6, 7},
       {3, 3},
       {1, 1},
       {1, 1},
       {1, 1, 1, 1},
       NN_U8,
       NN_U8,
       0,
       255,
       0,
       255,
       0,
       0},
      {2,
       2,
       128,
       6,
       2,
       {9, 5},
       {3, 3},
       {2, 1},
       {2, 1},
       {2, 1, 2, 1},
       NN_I8,
       NN_U8,
       -128,
       127,
       0,
       255,
       127,
       0},
      /* about 2^21 per weight row: three digits, the top one negative for negative data */
      {2,
       1,
       1834,
       3,
       1,
       {5, 5},
       {3, 3},
       {1, 1},
       {1, 1},
       {1, 1, 1, 1},
       NN_I8,
       NN_U8,
       -128,
       127,
       0,
       255,
       0,
       0},
      /* 72000 taps: digits would need 9 convolutions; int64 accumulation */
      {2,
       1,
       8000,
       2,
       1,
       {3, 3},
       {3, 3},
       {1, 1},
       {1, 1},
       {1, 1, 1, 1},
       NN_U8,
       NN_U8,
       0,
       255,
       0,
       255,
       0,
       0},
      /* weight rows past 2^24: integer accumulation, in int32 for small data, else int64 */
      {2, 1, 140000, 2, 1, {2, 2}, {1, 1}, {1, 1}, {1, 1}, {0}, NN_U8, NN_U8, 0, 100, 0, 255, 0, 0},
      {2,
       1,
       140000,
       2,
       1,
       {2, 2},
       {1, 1},
       {1, 1},
       {1, 1},
       {0},
       NN_U8,
       NN_U8,
       0,
       255,
       0,
       255,
       128,
       0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i]);
}

static void test_errors(void) {
  int64_t xd[4] = {1, 2, 4, 4}, wd[4] = {3, 2, 2, 2}, two = 2;
  nn_tensor *x = tensor_of(NN_U8, 4, xd, NULL), *w = tensor_of(NN_U8, 4, wd, NULL);
  nn_tensor *xf = tensor_of(NN_F32, 4, xd, NULL), *z2 = tensor_of(NN_U8, 1, &two, NULL);
  nn_tensor *o = NULL;
  nn_err err = {0};
  test_node t;
  nn_tensor *in1[2] = {xf, w};
  tn_init(&t, &nn_op_ConvInteger, 2);
  CHECK(run_node(&t, in1, 2, &o, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "ConvInteger node 'test'") != NULL);
  nn_tensor *in2[3] = {x, w, z2};
  tn_init(&t, &nn_op_ConvInteger, 3);
  CHECK(run_node(&t, in2, 3, &o, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "x_zero_point") != NULL);
  nn_tensor *in3[4] = {x, w, NULL, z2}; /* 2 values for 3 output channels */
  tn_init(&t, &nn_op_ConvInteger, 4);
  CHECK(run_node(&t, in3, 4, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "w_zero_point") != NULL);
  nn_tensor_free(x);
  nn_tensor_free(w);
  nn_tensor_free(xf);
  nn_tensor_free(z2);
}

int main(void) {
  test_cases();
  test_errors();
  return CHECK_DONE();
}
