/* Transpose: every permutation of a 2x3x4 tensor (each element checked by its coordinates),
 * the default reversal, other element sizes, and bad perms refused. */
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Transpose;

static nn_tensor *transpose(nn_tensor *x, int64_t *perm, int n, int *rc) {
  test_node t;
  tn_init(&t, &nn_op_Transpose, 1);
  if (perm) tn_ints(&t, "perm", perm, n);
  nn_tensor *o = NULL;
  nn_err err;
  *rc = run_node(&t, &x, 1, &o, &err);
  return o;
}

static void test_all_perms(nn_dtype dt) {
  int64_t d[3] = {2, 3, 4};
  nn_tensor *x = tensor_of(dt, 3, d, NULL);
  for (int i = 0; i < 24; i++) nn_set(x, i, i);
  static const int64_t perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                      {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int p = 0; p < 6; p++) {
    int64_t perm[3] = {perms[p][0], perms[p][1], perms[p][2]};
    int rc;
    nn_tensor *o = transpose(x, perm, 3, &rc);
    CHECK(rc == NN_OK && o);
    if (!o) continue;
    int64_t od[3] = {d[perm[0]], d[perm[1]], d[perm[2]]};
    CHECK(o->dtype == dt && has_dims(o, 3, od));
    int bad = 0;
    for (int64_t a = 0; a < od[0]; a++)
      for (int64_t b = 0; b < od[1]; b++)
        for (int64_t c = 0; c < od[2]; c++) {
          int64_t in[3]; /* output (a, b, c) is input coordinate perm[k] = (a, b, c)[k] */
          in[perm[0]] = a;
          in[perm[1]] = b;
          in[perm[2]] = c;
          bad += nn_get(o, (a * od[1] + b) * od[2] + c) != nn_get(x, (in[0] * 3 + in[1]) * 4 + in[2]);
        }
    CHECK(bad == 0);
    nn_tensor_free(o);
  }
  nn_tensor_free(x);
}

static void test_default_and_errors(void) {
  int64_t d[2] = {2, 3};
  double v[6] = {0, 1, 2, 3, 4, 5};
  nn_tensor *x = tensor_of(NN_F32, 2, d, v);
  int rc;
  nn_tensor *o = transpose(x, NULL, 0, &rc);
  int64_t od[2] = {3, 2};
  CHECK(rc == NN_OK && o && has_dims(o, 2, od));
  for (int i = 0; o && i < 6; i++) CHECK(nn_get(o, i) == v[(i % 2) * 3 + i / 2]);
  nn_tensor_free(o);
  int64_t twice[2] = {0, 0}, out_of_range[2] = {0, 2}, short_perm[1] = {0};
  CHECK(transpose(x, twice, 2, &rc) == NULL && rc == NN_EINVAL);
  CHECK(transpose(x, out_of_range, 2, &rc) == NULL && rc == NN_EINVAL);
  CHECK(transpose(x, short_perm, 1, &rc) == NULL && rc == NN_EINVAL);
  nn_tensor_free(x);
}

int main(void) {
  test_all_perms(NN_F32);
  test_all_perms(NN_I64);
  test_all_perms(NN_U8);
  test_default_and_errors();
  return CHECK_DONE();
}
