/* Constant: each value attribute kind, copies not aliases, rejected attributes. */
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Constant;

static nn_tensor *run_const(test_node *t, int *rc, nn_err *err) {
  nn_tensor *o = NULL;
  *rc = run_node(t, NULL, 0, &o, err);
  return o;
}

static void test_values(void) {
  test_node t;
  int rc;
  nn_err err;
  int64_t d[] = {2, 3};
  double v[] = {1, -2, 3.5, 4, 5, 6};
  nn_tensor *val = tensor_of(NN_F64, 2, d, v);
  tn_init(&t, &nn_op_Constant, 0);
  tn_tensor(&t, "value", val);
  nn_tensor *o = run_const(&t, &rc, &err);
  CHECK(rc == NN_OK && o->dtype == NN_F64 && has_dims(o, 2, d));
  CHECK(o->data != val->data);
  for (int i = 0; o && i < 6; i++) CHECK(nn_get(o, i) == v[i]);
  nn_tensor_free(o);
  nn_tensor_free(val);

  tn_init(&t, &nn_op_Constant, 0);
  tn_float(&t, "value_float", 2.25f);
  o = run_const(&t, &rc, &err);
  CHECK(rc == NN_OK && o->dtype == NN_F32 && o->ndim == 0 && nn_get(o, 0) == 2.25);
  nn_tensor_free(o);

  float fs[] = {1.5f, -1.0f, 8.0f};
  tn_init(&t, &nn_op_Constant, 0);
  tn_floats(&t, "value_floats", fs, 3);
  o = run_const(&t, &rc, &err);
  int64_t three = 3;
  CHECK(rc == NN_OK && o->dtype == NN_F32 && has_dims(o, 1, &three));
  for (int i = 0; o && i < 3; i++) CHECK(((float *)o->data)[i] == fs[i]);
  nn_tensor_free(o);

  tn_init(&t, &nn_op_Constant, 0);
  tn_int(&t, "value_int", -7);
  o = run_const(&t, &rc, &err);
  CHECK(rc == NN_OK && o->dtype == NN_I64 && o->ndim == 0 && ((int64_t *)o->data)[0] == -7);
  nn_tensor_free(o);

  int64_t is[] = {INT64_MAX, 0, -1, 5};
  tn_init(&t, &nn_op_Constant, 0);
  tn_ints(&t, "value_ints", is, 4);
  o = run_const(&t, &rc, &err);
  int64_t four = 4;
  CHECK(rc == NN_OK && o->dtype == NN_I64 && has_dims(o, 1, &four));
  for (int i = 0; o && i < 4; i++) CHECK(((int64_t *)o->data)[i] == is[i]);
  nn_tensor_free(o);

  /* an empty tensor value */
  int64_t zero = 0;
  val = tensor_of(NN_I32, 1, &zero, NULL);
  tn_init(&t, &nn_op_Constant, 0);
  tn_tensor(&t, "value", val);
  o = run_const(&t, &rc, &err);
  CHECK(rc == NN_OK && o->dtype == NN_I32 && has_dims(o, 1, &zero));
  nn_tensor_free(o);
  nn_tensor_free(val);
}

static void test_rejected(void) {
  test_node t;
  nn_err err = {0};
  tn_init(&t, &nn_op_Constant, 0);
  tn_attr(&t, "sparse_value", NN_ATTR_TENSOR);
  CHECK(nn_op_Constant.prepare(&t.node, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "Constant node 'test'") && strstr(err.msg, "sparse_value"));

  tn_init(&t, &nn_op_Constant, 0);
  tn_attr(&t, "value_string", NN_ATTR_STRING)->s = (char *)"x";
  CHECK(nn_op_Constant.prepare(&t.node, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "value_string") != NULL);

  tn_init(&t, &nn_op_Constant, 0);
  tn_attr(&t, "value_strings", NN_ATTR_STRINGS);
  CHECK(nn_op_Constant.prepare(&t.node, &err) == NN_EUNSUPPORTED);

  tn_init(&t, &nn_op_Constant, 0);
  CHECK(nn_op_Constant.prepare(&t.node, &err) == NN_EINVAL);

  tn_init(&t, &nn_op_Constant, 0);
  tn_int(&t, "value_int", 1);
  tn_float(&t, "value_float", 1);
  CHECK(nn_op_Constant.prepare(&t.node, &err) == NN_EINVAL);

  nn_tensor s = {.dtype = NN_STRING, .ndim = 0};
  tn_init(&t, &nn_op_Constant, 0);
  tn_tensor(&t, "value", &s);
  CHECK(nn_op_Constant.prepare(&t.node, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "string") != NULL);
}

int main(void) {
  test_values();
  test_rejected();
  return CHECK_DONE();
}
