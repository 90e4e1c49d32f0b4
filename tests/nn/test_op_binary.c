/* Add, Sub, Mul, Div: broadcasting, dtypes, integer wrap-around and truncation, errors. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Add, nn_op_Sub, nn_op_Mul, nn_op_Div;

static double apply(char op, double x, double y) {
  return op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
}

static const nn_op *op_for(char op) {
  return op == '+' ? &nn_op_Add : op == '-' ? &nn_op_Sub : op == '*' ? &nn_op_Mul : &nn_op_Div;
}

/* Reference broadcast: element of t (rank ra, dims da) that output index oi maps to. */
static int64_t ref_index(const nn_tensor *t, int r, const int64_t *odims, int64_t oi) {
  int64_t idx[NN_MAX_DIMS];
  for (int d = r - 1; d >= 0; d--) {
    idx[d] = oi % odims[d];
    oi /= odims[d];
  }
  int64_t k = 0;
  for (int d = 0; d < t->ndim; d++) {
    int od = d + (r - t->ndim);
    k = k * t->dims[d] + (t->dims[d] == 1 ? 0 : idx[od]);
  }
  return k;
}

/* Checks op on f32 or f64 inputs of the given dims filled with varied values. */
static void check_float_case(char op, nn_dtype dt, int ra, const int64_t *da, int rb,
                             const int64_t *db, int ro, const int64_t *dout) {
  nn_tensor *a = tensor_of(dt, ra, da, NULL), *b = tensor_of(dt, rb, db, NULL);
  for (int64_t i = 0; i < nn_numel(a); i++) nn_set(a, i, (double)(i % 17) - 8.25);
  for (int64_t i = 0; i < nn_numel(b); i++) nn_set(b, i, (double)(i % 5) + 0.5);
  test_node t;
  tn_init(&t, op_for(op), 2);
  nn_tensor *in[2] = {a, b}, *o;
  nn_err err;
  int rc = run_node(&t, in, 2, &o, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "%s\n", err.msg);
  } else {
    CHECK(o->dtype == dt);
    CHECK(has_dims(o, ro, dout));
    int bad = 0;
    for (int64_t i = 0; i < nn_numel(o); i++) {
      double x = nn_get(a, ref_index(a, ro, dout, i)), y = nn_get(b, ref_index(b, ro, dout, i));
      double want = apply(op, x, y);
      if (dt == NN_F32) want = (float)want;
      if (nn_get(o, i) != want) bad++;
    }
    CHECK(bad == 0);
    nn_tensor_free(o);
  }
  nn_tensor_free(a);
  nn_tensor_free(b);
}

static void test_broadcasting(void) {
  const char ops[] = "+-*/";
  for (int k = 0; k < 4; k++) {
    char op = ops[k];
    int64_t s234[] = {2, 3, 4}, s31[] = {3, 1}, s214[] = {2, 1, 4}, s4[] = {4}, s1[] = {1};
    check_float_case(op, NN_F32, 3, s234, 3, s234, 3, s234);  /* same shape */
    check_float_case(op, NN_F32, 3, s234, 2, s31, 3, s234);   /* trailing broadcast */
    check_float_case(op, NN_F32, 3, s214, 2, s31, 3, s234);   /* both broadcast */
    check_float_case(op, NN_F32, 3, s234, 1, s4, 3, s234);    /* row vector */
    check_float_case(op, NN_F32, 3, s234, 0, s1, 3, s234);    /* scalar b */
    check_float_case(op, NN_F32, 0, s1, 3, s234, 3, s234);    /* scalar a */
    check_float_case(op, NN_F32, 1, s1, 3, s234, 3, s234);    /* [1] against 3-D */
    check_float_case(op, NN_F64, 2, s31, 3, s214, 3, s234);
    /* larger than one work chunk, so several chunks meet rows at odd places */
    int64_t big[] = {3, 257, 129}, col[] = {257, 1}, flat[] = {100003};
    check_float_case(op, NN_F32, 3, big, 2, col, 3, big);
    check_float_case(op, NN_F32, 1, flat, 1, flat, 1, flat);
    check_float_case(op, NN_F32, 1, flat, 0, s1, 1, flat);
    int64_t c1[] = {1, 5, 1, 7}, c2[] = {6, 1, 4, 1}, cout[] = {6, 5, 4, 7};
    check_float_case(op, NN_F64, 4, c1, 4, c2, 4, cout);
  }
}

/* Runs op on two 1-D tensors of dtype dt holding xs and ys; returns the output. */
static nn_tensor *run_1d(char op, nn_dtype dt, int n, const double *xs, const double *ys) {
  int64_t d = n;
  nn_tensor *a = tensor_of(dt, 1, &d, xs), *b = tensor_of(dt, 1, &d, ys), *o = NULL;
  test_node t;
  tn_init(&t, op_for(op), 2);
  nn_tensor *in[2] = {a, b};
  nn_err err;
  CHECK(run_node(&t, in, 2, &o, &err) == NN_OK);
  nn_tensor_free(a);
  nn_tensor_free(b);
  return o;
}

static void test_uint8_wraps(void) {
  double x[] = {250, 3, 16, 200}, y[] = {10, 5, 17, 7};
  nn_tensor *o = run_1d('+', NN_U8, 4, x, y);
  CHECK(o && o->dtype == NN_U8);
  const uint8_t *v = o->data;
  CHECK(v[0] == 4 && v[1] == 8 && v[2] == 33 && v[3] == 207);
  nn_tensor_free(o);
  o = run_1d('-', NN_U8, 4, x, y);
  v = o->data;
  CHECK(v[0] == 240 && v[1] == 254 && v[2] == 255 && v[3] == 193);
  nn_tensor_free(o);
  o = run_1d('*', NN_U8, 4, x, y);
  v = o->data;
  CHECK(v[0] == (2500 % 256) && v[1] == 15 && v[2] == (272 % 256) && v[3] == (1400 % 256));
  nn_tensor_free(o);
  o = run_1d('/', NN_U8, 4, x, y);
  v = o->data;
  CHECK(v[0] == 25 && v[1] == 0 && v[2] == 0 && v[3] == 28);
  nn_tensor_free(o);
}

static void test_int_division(void) {
  double x[] = {-7, 7, -7, 7, 5, -2147483648.0}, y[] = {2, -2, -2, 0, 3, -1};
  nn_tensor *o = run_1d('/', NN_I32, 6, x, y);
  const int32_t *v = o->data;
  /* truncation toward zero; division by zero gives 0; INT32_MIN / -1 wraps */
  CHECK(v[0] == -3 && v[1] == -3 && v[2] == 3 && v[3] == 0 && v[4] == 1);
  CHECK(v[5] == INT32_MIN);
  nn_tensor_free(o);
  o = run_1d('/', NN_I64, 6, x, y);
  const int64_t *w = o->data;
  CHECK(w[0] == -3 && w[1] == -3 && w[2] == 3 && w[3] == 0 && w[4] == 1);
  CHECK(w[5] == 2147483648LL);
  nn_tensor_free(o);
  double p[] = {-100, 100, 127}, q[] = {-3, 3, 2};
  o = run_1d('/', NN_I8, 3, p, q);
  const int8_t *s = o->data;
  CHECK(s[0] == 33 && s[1] == 33 && s[2] == 63);
  nn_tensor_free(o);
  o = run_1d('*', NN_I16, 3, p, q);
  const int16_t *h = o->data;
  CHECK(h[0] == 300 && h[1] == 300 && h[2] == 254);
  nn_tensor_free(o);
}

static void test_signed_wraps(void) {
  double x[] = {2147483647.0, -2147483648.0}, y[] = {1, 1};
  nn_tensor *o = run_1d('+', NN_I32, 2, x, y);
  const int32_t *v = o->data;
  CHECK(v[0] == INT32_MIN && v[1] == INT32_MIN + 1);
  nn_tensor_free(o);
  o = run_1d('-', NN_I32, 2, x, y);
  v = o->data;
  CHECK(v[0] == INT32_MAX - 1 && v[1] == INT32_MAX);
  nn_tensor_free(o);
  double a[] = {4e9, 1}, b[] = {4e9, 1};
  o = run_1d('*', NN_U64, 2, a, b);
  const uint64_t *u = o->data;
  CHECK(u[0] == (uint64_t)4000000000ULL * 4000000000ULL && u[1] == 1);
  nn_tensor_free(o);
}

static void test_half_rounds(void) {
  double x[] = {1.0, 1.0, 1.0, 65504.0}, y[] = {1.0 / 1024, 1.0 / 2048, 3.0 / 2048, 32.0};
  /* 1 + 2^-11 is a tie that rounds to even (1); 1 + 3*2^-11 rounds up to 1 + 2^-9;
   * 65536 is beyond half's range */
  nn_tensor *o = run_1d('+', NN_F16, 4, x, y);
  CHECK(o && o->dtype == NN_F16);
  const float *v = o->data;
  CHECK(v[0] == 1.0f + 1.0f / 1024);
  CHECK(v[1] == 1.0f);
  CHECK(v[2] == 1.0f + 1.0f / 512);
  CHECK(isinf(v[3]));
  nn_tensor_free(o);
}

static void test_errors(void) {
  int64_t d3[] = {3}, d4[] = {4};
  nn_tensor *a = tensor_of(NN_F32, 1, d3, NULL), *b = tensor_of(NN_F32, 1, d4, NULL);
  nn_tensor *c = tensor_of(NN_I32, 1, d3, NULL), *e = tensor_of(NN_BOOL, 1, d3, NULL);
  test_node t;
  tn_init(&t, &nn_op_Add, 2);
  nn_tensor *o, *ab[2] = {a, b}, *ac[2] = {a, c}, *ee[2] = {e, e};
  nn_err err = {0};
  CHECK(run_node(&t, ab, 2, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "Add node 'test'") != NULL);
  CHECK(strstr(err.msg, "broadcast") != NULL);
  CHECK(run_node(&t, ac, 2, &o, &err) == NN_EINVAL);
  CHECK(run_node(&t, ee, 2, &o, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "bool") != NULL);
  /* unknown rank: no shape yet */
  nn_tensor u = *a, *au[2] = {a, &u}, out = {0}, *outs[1] = {&out};
  u.ndim = -1;
  CHECK(nn_op_Add.shape(&t.node, au, 2, outs, 1, &err) == NN_EUNKNOWN);
  nn_tensor_free(a);
  nn_tensor_free(b);
  nn_tensor_free(c);
  nn_tensor_free(e);
}

int main(void) {
  test_broadcasting();
  test_uint8_wraps();
  test_int_division();
  test_signed_wraps();
  test_half_rounds();
  test_errors();
  return CHECK_DONE();
}
