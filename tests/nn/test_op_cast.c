/* Cast between bool, integer and float types; float16 rounding; rejected types. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Cast;

static nn_tensor *cast(nn_tensor *x, nn_dtype to, int *rc, nn_err *err) {
  test_node t;
  tn_init(&t, &nn_op_Cast, 1);
  tn_int(&t, "to", to);
  nn_tensor *o = NULL;
  *rc = run_node(&t, &x, 1, &o, err);
  return o;
}

static nn_tensor *cast_values(nn_dtype from, nn_dtype to, int n, const double *v) {
  int64_t d = n;
  nn_tensor *x = tensor_of(from, 1, &d, v);
  int rc;
  nn_err err;
  nn_tensor *o = cast(x, to, &rc, &err);
  CHECK(rc == NN_OK);
  if (o) CHECK(o->dtype == to && has_dims(o, 1, &d));
  nn_tensor_free(x);
  return o;
}

static void test_float_to_int(void) {
  double v[] = {-2.7, -0.5, 0.0, 0.9, 2.7, 100.99};
  nn_tensor *o = cast_values(NN_F32, NN_I32, 6, v);
  const int32_t *i = o->data;
  CHECK(i[0] == -2 && i[1] == 0 && i[2] == 0 && i[3] == 0 && i[4] == 2 && i[5] == 100);
  nn_tensor_free(o);
  o = cast_values(NN_F64, NN_I64, 6, v);
  const int64_t *l = o->data;
  CHECK(l[0] == -2 && l[1] == 0 && l[4] == 2 && l[5] == 100);
  nn_tensor_free(o);
  /* integer targets narrower than 32 bits wrap like C's conversion through int */
  double w[] = {300.0, -1.0, 255.9};
  o = cast_values(NN_F32, NN_U8, 3, w);
  const uint8_t *u = o->data;
  CHECK(u[0] == 44 && u[1] == 255 && u[2] == 255);
  nn_tensor_free(o);
  double big[] = {1e19, 3e9};
  o = cast_values(NN_F64, NN_U64, 2, big);
  const uint64_t *q = o->data;
  CHECK(q[0] == 10000000000000000000ULL && q[1] == 3000000000ULL);
  nn_tensor_free(o);
  double nan_[] = {NAN};
  o = cast_values(NN_F32, NN_I32, 1, nan_);
  CHECK(((int32_t *)o->data)[0] == INT32_MIN);
  nn_tensor_free(o);
}

static void test_int_conversions(void) {
  int64_t d = 4;
  nn_tensor *x = tensor_of(NN_I64, 1, &d, NULL);
  int64_t *xv = x->data;
  xv[0] = INT64_C(9007199254740993); /* 2^53 + 1: not a double */
  xv[1] = -1;
  xv[2] = 257;
  xv[3] = INT64_MIN;
  int rc;
  nn_err err;
  nn_tensor *o = cast(x, NN_U64, &rc, &err);
  const uint64_t *u = o->data;
  CHECK(u[0] == UINT64_C(9007199254740993) && u[1] == UINT64_MAX && u[2] == 257);
  CHECK(u[3] == UINT64_C(9223372036854775808));
  nn_tensor_free(o);
  o = cast(x, NN_I8, &rc, &err);
  const int8_t *s = o->data;
  CHECK(s[0] == 1 && s[1] == -1 && s[2] == 1 && s[3] == 0);
  nn_tensor_free(o);
  o = cast(x, NN_F32, &rc, &err);
  CHECK(((float *)o->data)[0] == 9007199254740992.0f && ((float *)o->data)[1] == -1.0f);
  nn_tensor_free(o);
  o = cast(x, NN_BOOL, &rc, &err);
  const uint8_t *b = o->data;
  CHECK(b[0] == 1 && b[1] == 1 && b[2] == 1 && b[3] == 1);
  nn_tensor_free(o);
  nn_tensor_free(x);

  double v[] = {200, 0, 1, 255};
  o = cast_values(NN_U8, NN_I64, 4, v);
  CHECK(((int64_t *)o->data)[0] == 200 && ((int64_t *)o->data)[3] == 255);
  nn_tensor_free(o);
  o = cast_values(NN_U8, NN_I8, 4, v);
  CHECK(((int8_t *)o->data)[0] == -56 && ((int8_t *)o->data)[3] == -1);
  nn_tensor_free(o);
  double nv[] = {-5, 70000, 0, -70000};
  o = cast_values(NN_I32, NN_U16, 4, nv);
  const uint16_t *h = o->data;
  CHECK(h[0] == 65531 && h[1] == 70000 - 65536 && h[2] == 0 && h[3] == 65536 * 2 - 70000);
  nn_tensor_free(o);
}

static void test_bool(void) {
  double v[] = {0.0, -0.0, NAN, 2.5, -1e-30};
  nn_tensor *o = cast_values(NN_F32, NN_BOOL, 5, v);
  const uint8_t *b = o->data;
  CHECK(b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 1 && b[4] == 1);
  nn_tensor_free(o);
  double w[] = {1, 0, 1};
  o = cast_values(NN_BOOL, NN_F64, 3, w);
  CHECK(nn_get(o, 0) == 1.0 && nn_get(o, 1) == 0.0 && nn_get(o, 2) == 1.0);
  nn_tensor_free(o);
  o = cast_values(NN_BOOL, NN_I32, 3, w);
  CHECK(((int32_t *)o->data)[0] == 1 && ((int32_t *)o->data)[1] == 0);
  nn_tensor_free(o);
}

static void test_half(void) {
  /* 1 + 2^-11 is a tie (even: 1); 1 + 3*2^-11 rounds up; 65520 overflows; 1e-8 underflows */
  double v[] = {1.0 + 1.0 / 2048, 1.0 + 3.0 / 2048, 65520.0, 1e-8, 0.1};
  nn_tensor *o = cast_values(NN_F32, NN_F16, 5, v);
  const float *h = o->data;
  CHECK(h[0] == 1.0f && h[1] == 1.0f + 1.0f / 512 && isinf(h[2]) && h[3] == 0.0f);
  CHECK(h[4] == 0.0999755859375f); /* 0.1 as half: 1638 / 16384 */
  nn_tensor_free(o);
  /* just above a half tie: rounding to float first would land on the tie and go down */
  double d[] = {1.0 + 1.0 / 2048 + ldexp(1.0, -40), -(1.0 + 1.0 / 2048 + ldexp(1.0, -40))};
  o = cast_values(NN_F64, NN_F16, 2, d);
  h = o->data;
  CHECK(h[0] == 1.0f + 1.0f / 1024);
  CHECK(h[1] == -(1.0f + 1.0f / 1024));
  nn_tensor_free(o);
  /* float16 storage is float: widening is exact */
  double hv[] = {0.0999755859375, -2.5};
  o = cast_values(NN_F16, NN_F64, 2, hv);
  CHECK(nn_get(o, 0) == 0.0999755859375 && nn_get(o, 1) == -2.5);
  nn_tensor_free(o);
  o = cast_values(NN_F16, NN_F32, 2, hv);
  CHECK(nn_get(o, 0) == 0.0999755859375 && nn_get(o, 1) == -2.5);
  nn_tensor_free(o);
  double iv[] = {2049, -70000};
  o = cast_values(NN_I32, NN_F16, 2, iv);
  CHECK(nn_get(o, 0) == 2048.0 && isinf(nn_get(o, 1)) && nn_get(o, 1) < 0);
  nn_tensor_free(o);
}

static void test_large(void) {
  int64_t n = 50001;
  nn_tensor *x = tensor_of(NN_F64, 1, &n, NULL);
  for (int64_t i = 0; i < n; i++) ((double *)x->data)[i] = (double)i * 0.75 - 100.0;
  int rc;
  nn_err err;
  nn_tensor *o = cast(x, NN_I16, &rc, &err);
  int bad = 0;
  for (int64_t i = 0; o && i < n; i++)
    bad += ((int16_t *)o->data)[i] != (int16_t)(int32_t)((double)i * 0.75 - 100.0);
  CHECK(o && bad == 0);
  nn_tensor_free(o);
  nn_tensor_free(x);
}

static void test_rejected(void) {
  int64_t one = 1;
  nn_tensor *x = tensor_of(NN_F32, 1, &one, NULL);
  int rc;
  nn_err err = {0};
  CHECK(cast(x, NN_STRING, &rc, &err) == NULL && rc == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "Cast node 'test'") && strstr(err.msg, "'to'"));
  CHECK(cast(x, NN_BF16, &rc, &err) == NULL && rc == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "bfloat16") != NULL);
  test_node t;
  tn_init(&t, &nn_op_Cast, 1);
  CHECK(nn_op_Cast.prepare(&t.node, &err) == NN_EINVAL); /* no 'to' */
  /* an input type that is not supported is refused by shape() */
  nn_tensor bf = {.dtype = NN_BF16, .ndim = 1, .dims = {1}}, *in[1] = {&bf}, out = {0},
            *outs[1] = {&out};
  tn_int(&t, "to", NN_F32);
  CHECK(nn_op_Cast.shape(&t.node, in, 1, outs, 1, &err) == NN_EUNSUPPORTED);
  nn_tensor_free(x);
}

int main(void) {
  test_float_to_int();
  test_int_conversions();
  test_bool();
  test_half();
  test_large();
  test_rejected();
  return CHECK_DONE();
}
