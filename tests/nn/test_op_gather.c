/* Gather: axes (negative too), negative indices, multi-dim and int32 indices, errors. */
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Gather;

/* Gathers from a 3x4x5 tensor (value = flat index) and checks each element. */
static void check_gather(int64_t axis, nn_dtype idx_type, int qdim, const int64_t *qdims,
                         const double *idx) {
  int64_t d[] = {3, 4, 5};
  nn_tensor *x = tensor_of(NN_F64, 3, d, NULL);
  for (int i = 0; i < 60; i++) ((double *)x->data)[i] = i;
  nn_tensor *ix = tensor_of(idx_type, qdim, qdims, idx), *in[2] = {x, ix}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Gather, 2);
  tn_int(&t, "axis", axis);
  nn_err err;
  CHECK(run_node(&t, in, 2, &o, &err) == NN_OK);
  int ax = (int)(axis < 0 ? axis + 3 : axis);
  int64_t want[NN_MAX_DIMS];
  int r = 0;
  for (int k = 0; k < ax; k++) want[r++] = d[k];
  for (int k = 0; k < qdim; k++) want[r++] = qdims[k];
  for (int k = ax + 1; k < 3; k++) want[r++] = d[k];
  CHECK(o && o->dtype == NN_F64 && has_dims(o, r, want));
  int64_t nq = nn_numel(ix), bad = 0;
  /* output index = (outer, j, inner) with outer over dims before ax */
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < ax; k++) outer *= d[k];
  for (int k = ax + 1; k < 3; k++) inner *= d[k];
  for (int64_t p = 0; o && p < outer; p++)
    for (int64_t j = 0; j < nq; j++)
      for (int64_t q = 0; q < inner; q++) {
        int64_t v = (int64_t)idx[j];
        if (v < 0) v += d[ax];
        double want_v = (double)((p * d[ax] + v) * inner + q);
        bad += ((double *)o->data)[(p * nq + j) * inner + q] != want_v;
      }
  CHECK(bad == 0);
  nn_tensor_free(o);
  nn_tensor_free(ix);
  nn_tensor_free(x);
}

static void test_gather(void) {
  int64_t q1[] = {3}, q2[] = {2, 2}, q0[] = {1};
  check_gather(0, NN_I64, 1, q1, (double[]){2, 0, 2});
  check_gather(1, NN_I64, 1, q1, (double[]){3, -1, -4});
  check_gather(2, NN_I32, 2, q2, (double[]){4, 0, -2, 1});
  check_gather(-1, NN_I64, 1, q1, (double[]){0, 1, -5});
  check_gather(-3, NN_I32, 2, q2, (double[]){1, 1, 0, -1});
  check_gather(1, NN_I64, 0, q0, (double[]){2}); /* scalar index drops the axis */
}

static void test_errors(void) {
  int64_t d[] = {3, 4}, n = 2;
  nn_tensor *x = tensor_of(NN_U8, 2, d, NULL);
  nn_tensor *ix = tensor_of(NN_I64, 1, &n, (double[]){0, 4}), *in[2] = {x, ix}, *o;
  test_node t;
  nn_err err = {0};
  tn_init(&t, &nn_op_Gather, 2);
  tn_int(&t, "axis", 0);
  CHECK(run_node(&t, in, 2, &o, &err) == NN_EINVAL); /* index 4 for a dim of 3 */
  CHECK(strstr(err.msg, "Gather node 'test'") && strstr(err.msg, "index 4"));
  tn_init(&t, &nn_op_Gather, 2);
  tn_int(&t, "axis", 2);
  CHECK(run_node(&t, in, 2, &o, &err) == NN_EINVAL);
  nn_tensor *f = tensor_of(NN_F32, 1, &n, NULL), *in2[2] = {x, f};
  tn_init(&t, &nn_op_Gather, 2);
  CHECK(run_node(&t, in2, 2, &o, &err) == NN_EINVAL);
  /* uint8 data, axis 1 */
  for (int i = 0; i < 12; i++) ((uint8_t *)x->data)[i] = (uint8_t)(200 + i);
  nn_tensor *ok = tensor_of(NN_I64, 1, &n, (double[]){-1, 0}), *in3[2] = {x, ok};
  tn_init(&t, &nn_op_Gather, 2);
  tn_int(&t, "axis", 1);
  CHECK(run_node(&t, in3, 2, &o, &err) == NN_OK);
  int64_t want[] = {3, 2};
  CHECK(o && has_dims(o, 2, want));
  for (int r = 0; o && r < 3; r++) {
    CHECK(((uint8_t *)o->data)[r * 2] == 200 + r * 4 + 3);
    CHECK(((uint8_t *)o->data)[r * 2 + 1] == 200 + r * 4);
  }
  nn_tensor_free(o);
  nn_tensor_free(ok);
  nn_tensor_free(f);
  nn_tensor_free(ix);
  nn_tensor_free(x);
}

int main(void) {
  test_gather();
  test_errors();
  return CHECK_DONE();
}
