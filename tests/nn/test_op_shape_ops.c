/* Shape, Reshape, Unsqueeze and Identity: dims arithmetic and data passed through. */
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Shape, nn_op_Reshape, nn_op_Unsqueeze, nn_op_Identity;

/* Shape with optional start/end over a 4-D input whose data is absent. */
static void check_shape(int has_start, int64_t start, int has_end, int64_t end, int n,
                        const int64_t *want) {
  nn_tensor x = {.dtype = NN_F32, .ndim = 4, .dims = {2, 3, 5, 7}, .data = NULL};
  nn_tensor *in[1] = {&x}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Shape, 1);
  if (has_start) tn_int(&t, "start", start);
  if (has_end) tn_int(&t, "end", end);
  nn_err err;
  CHECK(run_node(&t, in, 1, &o, &err) == NN_OK);
  int64_t len = n;
  CHECK(o && o->dtype == NN_I64 && has_dims(o, 1, &len));
  for (int i = 0; o && i < n; i++) CHECK(((int64_t *)o->data)[i] == want[i]);
  nn_tensor_free(o);
}

static void test_shape(void) {
  int64_t all[] = {2, 3, 5, 7};
  check_shape(0, 0, 0, 0, 4, all);
  check_shape(1, 1, 0, 0, 3, all + 1);
  check_shape(1, -1, 0, 0, 1, all + 3);
  check_shape(0, 0, 1, 1, 1, all);
  check_shape(0, 0, 1, -1, 3, all);
  check_shape(1, 1, 1, 3, 2, all + 1);
  check_shape(1, -10, 1, 10, 4, all); /* clamped */
  check_shape(1, 3, 1, 1, 0, all);    /* empty */
  check_shape(1, 10, 0, 0, 0, all);
}

static nn_tensor *reshape(nn_tensor *x, int n, const int64_t *shape, int allowzero, int *rc) {
  nn_tensor *s = ints_of(n, shape), *in[2] = {x, s}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Reshape, 2);
  if (allowzero >= 0) tn_int(&t, "allowzero", allowzero);
  nn_err err;
  *rc = run_node(&t, in, 2, &o, &err);
  nn_tensor_free(s);
  return o;
}

static void test_reshape(void) {
  int64_t d[] = {2, 3, 4};
  nn_tensor *x = tensor_of(NN_I32, 3, d, NULL);
  for (int i = 0; i < 24; i++) ((int32_t *)x->data)[i] = i * 3 - 7;
  int rc;
  struct {
    int n;
    int64_t shape[4];
    int allowzero;
    int nd;
    int64_t want[4];
  } cases[] = {
      {2, {4, 6}, -1, 2, {4, 6}},       {1, {-1}, -1, 1, {24}},
      {3, {0, -1, 2}, -1, 3, {2, 6, 2}}, {3, {2, 0, 4}, 0, 3, {2, 3, 4}},
      {4, {1, -1, 1, 4}, -1, 4, {1, 6, 1, 4}}, {2, {-1, 12}, 1, 2, {2, 12}},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    nn_tensor *o = reshape(x, cases[k].n, cases[k].shape, cases[k].allowzero, &rc);
    CHECK(rc == NN_OK);
    CHECK(o && o->dtype == NN_I32 && has_dims(o, cases[k].nd, cases[k].want));
    CHECK(o && memcmp(o->data, x->data, 24 * sizeof(int32_t)) == 0);
    nn_tensor_free(o);
  }
  int64_t bad1[] = {5, -1}, bad2[] = {-1, -1}, bad3[] = {0, -1}, bad4[] = {7, 0};
  CHECK(reshape(x, 2, bad1, -1, &rc) == NULL && rc == NN_EINVAL);
  CHECK(reshape(x, 2, bad2, -1, &rc) == NULL && rc == NN_EINVAL);
  CHECK(reshape(x, 2, bad3, 1, &rc) == NULL && rc == NN_EINVAL); /* 0 is a dim, -1 ambiguous */
  CHECK(reshape(x, 2, bad4, 0, &rc) == NULL && rc == NN_EINVAL);
  nn_tensor_free(x);

  /* allowzero=1 keeps a 0 as an empty dim */
  int64_t z[] = {0, 3};
  x = tensor_of(NN_F32, 2, z, NULL);
  int64_t shape[] = {3, 0}, want[] = {3, 0};
  nn_tensor *o = reshape(x, 2, shape, 1, &rc);
  CHECK(rc == NN_OK && o && has_dims(o, 2, want));
  nn_tensor_free(o);
  nn_tensor_free(x);

  /* shape data not known yet */
  nn_tensor xs = {.dtype = NN_F32, .ndim = 1, .dims = {6}};
  nn_tensor sh = {.dtype = NN_I64, .ndim = 1, .dims = {2}}, *in[2] = {&xs, &sh};
  nn_tensor out = {0}, *outs[1] = {&out};
  test_node t;
  tn_init(&t, &nn_op_Reshape, 2);
  nn_err err;
  CHECK(nn_op_Reshape.shape(&t.node, in, 2, outs, 1, &err) == NN_EUNKNOWN);
}

static nn_tensor *unsqueeze(nn_tensor *x, int n, int64_t *axes, int as_input, int *rc,
                            nn_err *err) {
  nn_tensor *a = as_input ? ints_of(n, axes) : NULL, *in[2] = {x, a}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Unsqueeze, as_input ? 2 : 1);
  if (!as_input) tn_ints(&t, "axes", axes, n);
  *rc = run_node(&t, in, as_input ? 2 : 1, &o, err);
  nn_tensor_free(a);
  return o;
}

static void test_unsqueeze(void) {
  int64_t d[] = {3, 4, 5};
  nn_tensor *x = tensor_of(NN_F32, 3, d, NULL);
  for (int i = 0; i < 60; i++) ((float *)x->data)[i] = (float)i * 0.5f;
  struct {
    int n;
    int64_t axes[3];
    int nd;
    int64_t want[6];
  } cases[] = {
      {1, {0}, 4, {1, 3, 4, 5}},          {1, {3}, 4, {3, 4, 5, 1}},
      {1, {-1}, 4, {3, 4, 5, 1}},         {1, {-2}, 4, {3, 4, 1, 5}},
      {2, {1, 4}, 5, {3, 1, 4, 5, 1}},    {3, {5, 4, 2}, 6, {3, 4, 1, 5, 1, 1}},
      {3, {0, -1, 2}, 6, {1, 3, 1, 4, 5, 1}},
  };
  int rc;
  nn_err err;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
    for (int as_input = 0; as_input < 2; as_input++) {
      nn_tensor *o = unsqueeze(x, cases[k].n, cases[k].axes, as_input, &rc, &err);
      CHECK(rc == NN_OK);
      CHECK(o && has_dims(o, cases[k].nd, cases[k].want));
      CHECK(o && memcmp(o->data, x->data, 60 * sizeof(float)) == 0);
      nn_tensor_free(o);
    }
  int64_t dup[] = {1, -4}, out_of_range[] = {5};
  CHECK(unsqueeze(x, 2, dup, 1, &rc, &err) == NULL && rc == NN_EINVAL);
  CHECK(strstr(err.msg, "Unsqueeze node 'test'") != NULL);
  CHECK(unsqueeze(x, 1, out_of_range, 0, &rc, &err) == NULL && rc == NN_EINVAL);
  /* neither an axes input nor an attribute */
  test_node t;
  tn_init(&t, &nn_op_Unsqueeze, 1);
  CHECK(nn_op_Unsqueeze.prepare(&t.node, &err) == NN_EINVAL);
  nn_tensor_free(x);

  /* a scalar becomes a 1-element vector */
  int64_t zero[] = {0}, one = 1;
  nn_tensor *s = tensor_of(NN_I64, 0, NULL, NULL);
  ((int64_t *)s->data)[0] = 42;
  nn_tensor *o = unsqueeze(s, 1, zero, 1, &rc, &err);
  CHECK(rc == NN_OK && o && has_dims(o, 1, &one) && ((int64_t *)o->data)[0] == 42);
  nn_tensor_free(o);
  nn_tensor_free(s);
}

static void test_identity(void) {
  int64_t d[] = {2, 2};
  double v[] = {1, 0, 1, 1};
  const nn_dtype types[] = {NN_BOOL, NN_F64, NN_U16};
  for (int k = 0; k < 3; k++) {
    nn_tensor *x = tensor_of(types[k], 2, d, v), *o = NULL;
    test_node t;
    tn_init(&t, &nn_op_Identity, 1);
    nn_err err;
    CHECK(run_node(&t, &x, 1, &o, &err) == NN_OK);
    CHECK(o && o->dtype == types[k] && has_dims(o, 2, d) && o->data != x->data);
    for (int i = 0; o && i < 4; i++) CHECK(nn_get(o, i) == v[i]);
    nn_tensor_free(o);
    nn_tensor_free(x);
  }
}

int main(void) {
  test_shape();
  test_reshape();
  test_unsqueeze();
  test_identity();
  return CHECK_DONE();
}
