/* Relu and Sigmoid on float types (and Relu on signed integers). */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Relu, nn_op_Sigmoid;

static nn_tensor *run1(const nn_op *op, nn_tensor *x, int *rc) {
  test_node t;
  tn_init(&t, op, 1);
  nn_tensor *o = NULL;
  nn_err err;
  *rc = run_node(&t, &x, 1, &o, &err);
  return o;
}

static void test_relu(void) {
  const nn_dtype types[] = {NN_F32, NN_F64, NN_F16, NN_I8, NN_I32, NN_I64};
  int64_t d[] = {2, 3};
  double v[] = {-3, -0.5, 0, 0.5, 3, -100};
  for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
    nn_tensor *x = tensor_of(types[k], 2, d, v);
    int rc;
    nn_tensor *o = run1(&nn_op_Relu, x, &rc);
    CHECK(rc == NN_OK);
    if (o) {
      CHECK(o->dtype == types[k] && has_dims(o, 2, d));
      for (int i = 0; i < 6; i++) CHECK(nn_get(o, i) == (nn_get(x, i) > 0 ? nn_get(x, i) : 0));
    }
    nn_tensor_free(o);
    nn_tensor_free(x);
  }
  /* a large input goes through the parallel loop */
  int64_t n = 200001;
  nn_tensor *x = tensor_of(NN_F32, 1, &n, NULL);
  for (int64_t i = 0; i < n; i++) ((float *)x->data)[i] = (float)(i % 7) - 3.0f;
  int rc;
  nn_tensor *o = run1(&nn_op_Relu, x, &rc);
  int bad = 0;
  for (int64_t i = 0; o && i < n; i++) bad += ((float *)o->data)[i] != fmaxf((float)(i % 7) - 3, 0);
  CHECK(o && bad == 0);
  nn_tensor_free(o);
  nn_tensor_free(x);
  int64_t one = 1;
  x = tensor_of(NN_U8, 1, &one, NULL);
  CHECK(run1(&nn_op_Relu, x, &rc) == NULL && rc == NN_EUNSUPPORTED);
  nn_tensor_free(x);
}

static void test_sigmoid(void) {
  int64_t d = 7;
  double v[] = {-1000, -20, -1, 0, 1, 20, 1000};
  nn_tensor *x = tensor_of(NN_F32, 1, &d, v);
  int rc;
  nn_tensor *o = run1(&nn_op_Sigmoid, x, &rc);
  CHECK(rc == NN_OK);
  for (int i = 0; o && i < 7; i++) {
    double want = 1.0 / (1.0 + exp(-v[i]));
    CHECK(!isnan(nn_get(o, i)));
    CHECK_NEAR(nn_get(o, i), want, 1e-7 + 1e-6 * want);
  }
  nn_tensor_free(o);
  nn_tensor_free(x);

  x = tensor_of(NN_F64, 1, &d, v);
  o = run1(&nn_op_Sigmoid, x, &rc);
  CHECK(rc == NN_OK && o->dtype == NN_F64);
  for (int i = 0; o && i < 7; i++) CHECK_NEAR(nn_get(o, i), 1.0 / (1.0 + exp(-v[i])), 1e-15);
  nn_tensor_free(o);
  nn_tensor_free(x);

  /* float16: sigmoid(1) = 0.7310586 lies between halves 0.73095703 and 0.73144531 */
  double h[] = {1.0};
  int64_t one = 1;
  x = tensor_of(NN_F16, 1, &one, h);
  o = run1(&nn_op_Sigmoid, x, &rc);
  CHECK(rc == NN_OK && o->dtype == NN_F16);
  if (o) CHECK(nn_get(o, 0) == 0.730957031250);
  nn_tensor_free(o);
  nn_tensor_free(x);

  x = tensor_of(NN_I32, 1, &one, h);
  CHECK(run1(&nn_op_Sigmoid, x, &rc) == NULL && rc == NN_EUNSUPPORTED);
  nn_tensor_free(x);
}

int main(void) {
  test_relu();
  test_sigmoid();
  return CHECK_DONE();
}
