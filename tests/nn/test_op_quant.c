/* DynamicQuantizeLinear: scale and zero point from the data range (which always holds 0),
 * rounding half to even, saturation, the all-zero and underflowing ranges, output types and
 * shapes. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_DynamicQuantizeLinear;

typedef struct dql_result {
  nn_tensor *y, *scale, *zp;
} dql_result;

static int run_dql(nn_tensor *x, dql_result *r, nn_err *err) {
  test_node t;
  tn_init(&t, &nn_op_DynamicQuantizeLinear, 1);
  t.node.n_out = 3;
  nn_tensor *out[3];
  for (int i = 0; i < 3; i++) out[i] = calloc(1, sizeof *out[i]);
  nn_tensor *in[1] = {x};
  int rc = nn_op_DynamicQuantizeLinear.shape(&t.node, in, 1, out, 3, err);
  for (int i = 0; i < 3 && !rc; i++) rc = nn_tensor_alloc(out[i], err);
  if (!rc) rc = nn_op_DynamicQuantizeLinear.run(&t.node, in, 1, out, 3, err);
  r->y = out[0], r->scale = out[1], r->zp = out[2];
  return rc;
}

static void free_result(dql_result *r) {
  nn_tensor_free(r->y);
  nn_tensor_free(r->scale);
  nn_tensor_free(r->zp);
}

/* Values chosen so that the scale is exactly 1: expected outputs worked out by hand. */
static void check_exact(const float *xv, int n, float want_scale, int want_zp,
                        const uint8_t *want_y) {
  int64_t d = n;
  nn_tensor *x = tensor_of(NN_F32, 1, &d, NULL);
  memcpy(x->data, xv, (size_t)n * sizeof *xv);
  dql_result r;
  nn_err err = {0};
  CHECK(run_dql(x, &r, &err) == NN_OK);
  CHECK(*(float *)r.scale->data == want_scale);
  CHECK(*(uint8_t *)r.zp->data == want_zp);
  for (int i = 0; i < n; i++) {
    uint8_t got = ((uint8_t *)r.y->data)[i];
    if (got != want_y[i]) fprintf(stderr, "y[%d] = %d, expected %d\n", i, got, want_y[i]);
    CHECK(got == want_y[i]);
  }
  free_result(&r);
  nn_tensor_free(x);
}

static void test_ties_and_saturation(void) {
  /* range [0, 255]: scale 1, zero point 0; halves go to the even neighbour */
  const float a[] = {0.0f, 0.5f, 1.5f, 2.5f, 3.5f, 255.0f, 254.5f, 100.5f};
  const uint8_t ya[] = {0, 0, 2, 2, 4, 255, 254, 100};
  check_exact(a, 8, 1.0f, 0, ya);
  /* range [-2.5, 252.5]: zero point round(2.5) = 2 */
  const float b[] = {-2.5f, 1.5f, 252.5f, -0.5f, 0.5f, -1.5f};
  const uint8_t yb[] = {0, 4, 254, 2, 2, 0};
  check_exact(b, 6, 1.0f, 2, yb);
  /* range [-1.5, 253.5]: zero point round(1.5) = 2, so 253.5 -> 254 + 2 saturates to 255 */
  const float c[] = {-1.5f, 253.5f, 10.0f, 252.6f};
  const uint8_t yc[] = {0, 255, 12, 255};
  check_exact(c, 4, 1.0f, 2, yc);
  /* only negative values: the range still reaches 0, zero point 255 */
  const float d[] = {-255.0f, -0.5f, -1.5f, -254.5f};
  const uint8_t yd[] = {0, 255, 253, 1};
  check_exact(d, 4, 1.0f, 255, yd);
  /* all zero: no range to divide; scale 1 as onnxruntime gives, zero point 0, y 0 */
  const float z[] = {0.0f, 0.0f, -0.0f};
  const uint8_t yz[] = {0, 0, 0};
  check_exact(z, 3, 1.0f, 0, yz);
  /* a range whose scale underflows to 0: no division by zero either */
  const float u[] = {0.0f, 1e-44f};
  const uint8_t yu[] = {0, 0};
  check_exact(u, 2, 0.0f, 0, yu);
}

/* A large random tensor against the definition computed here in float. */
static void test_random(nn_dtype dt) {
  int64_t dims[3] = {3, 101, 331};
  nn_tensor *x = tensor_of(dt, 3, dims, NULL);
  int64_t n = nn_numel(x);
  uint32_t s = 99;
  for (int64_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    float v = (float)(s >> 8) / (float)(1 << 24) * 10.0f - 3.0f;
    nn_set(x, i, dt == NN_F16 ? nn_round_half(v) : v);
  }
  nn_set(x, 77777, -4.25); /* the extremes away from the ends */
  nn_set(x, 12345, 9.75);
  float lo = 0, hi = 0;
  for (int64_t i = 0; i < n; i++) {
    float v = (float)nn_get(x, i);
    lo = fminf(lo, v);
    hi = fmaxf(hi, v);
  }
  CHECK(lo == -4.25f && hi == 9.75f);
  float scale = (hi - lo) / 255.0f;
  float zf = rintf(fminf(255.0f, fmaxf(0.0f, 0.0f - lo / scale)));
  dql_result r;
  nn_err err = {0};
  CHECK(run_dql(x, &r, &err) == NN_OK);
  CHECK(r.y->dtype == NN_U8 && has_dims(r.y, 3, dims));
  CHECK(r.scale->dtype == NN_F32 && r.scale->ndim == 0);
  CHECK(r.zp->dtype == NN_U8 && r.zp->ndim == 0);
  CHECK(*(float *)r.scale->data == scale);
  CHECK(*(uint8_t *)r.zp->data == (uint8_t)zf);
  int bad = 0;
  for (int64_t i = 0; i < n; i++) {
    float q = rintf((float)nn_get(x, i) / scale) + zf;
    uint8_t want = (uint8_t)fminf(255.0f, fmaxf(0.0f, q));
    if (((uint8_t *)r.y->data)[i] != want) bad++;
  }
  CHECK(bad == 0);
  free_result(&r);
  nn_tensor_free(x);
}

static void test_errors(void) {
  int64_t d = 4;
  nn_tensor *x = tensor_of(NN_I32, 1, &d, NULL);
  dql_result r;
  nn_err err = {0};
  CHECK(run_dql(x, &r, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "DynamicQuantizeLinear node 'test'") && strstr(err.msg, "int32"));
  free_result(&r);
  nn_tensor_free(x);
}

int main(void) {
  test_ties_and_saturation();
  test_random(NN_F32);
  test_random(NN_F16);
  test_errors();
  return CHECK_DONE();
}
