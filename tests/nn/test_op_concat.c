/* Concat: every axis of a 3-D case (negative too), several dtypes, empty inputs, errors. */
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Concat;

/* Concatenates three tensors of dtype dt whose dims differ only along axis; values encode
 * (input, index), and each output element is checked against its source. */
static void check_concat(nn_dtype dt, int64_t axis, const int64_t *sizes) {
  int ax = (int)(axis < 0 ? axis + 3 : axis);
  int64_t base[] = {2, 3, 4};
  nn_tensor *x[3];
  for (int k = 0; k < 3; k++) {
    int64_t d[3] = {base[0], base[1], base[2]};
    d[ax] = sizes[k];
    x[k] = tensor_of(dt, 3, d, NULL);
    for (int64_t i = 0; i < nn_numel(x[k]); i++) nn_set(x[k], i, (double)(k * 40 + i));
  }
  test_node t;
  tn_init(&t, &nn_op_Concat, 3);
  tn_int(&t, "axis", axis);
  nn_tensor *o = NULL;
  nn_err err;
  CHECK(run_node(&t, x, 3, &o, &err) == NN_OK);
  int64_t want[3] = {base[0], base[1], base[2]};
  want[ax] = sizes[0] + sizes[1] + sizes[2];
  CHECK(o && o->dtype == dt && has_dims(o, 3, want));
  int bad = 0;
  for (int64_t a = 0; o && a < want[0]; a++)
    for (int64_t b = 0; b < want[1]; b++)
      for (int64_t c = 0; c < want[2]; c++) {
        int64_t idx[3] = {a, b, c}, k = 0;
        while (idx[ax] >= sizes[k]) idx[ax] -= sizes[k++];
        const nn_tensor *s = x[k];
        double v = nn_get(s, (idx[0] * s->dims[1] + idx[1]) * s->dims[2] + idx[2]);
        bad += nn_get(o, (a * want[1] + b) * want[2] + c) != v;
      }
  CHECK(bad == 0);
  nn_tensor_free(o);
  for (int k = 0; k < 3; k++) nn_tensor_free(x[k]);
}

static void test_concat(void) {
  const int64_t sizes[] = {1, 3, 2}, with_empty[] = {2, 0, 1};
  for (int64_t axis = -3; axis < 3; axis++) {
    check_concat(NN_F32, axis, sizes);
    check_concat(NN_I64, axis, with_empty);
  }
  check_concat(NN_U8, 1, sizes);
  check_concat(NN_F64, -1, sizes);
  check_concat(NN_BOOL, 0, sizes);
  /* large rows copied in parallel */
  int64_t d1[] = {64, 3000}, d2[] = {64, 1000};
  nn_tensor *a = tensor_of(NN_F32, 2, d1, NULL), *b = tensor_of(NN_F32, 2, d2, NULL);
  for (int64_t i = 0; i < nn_numel(a); i++) ((float *)a->data)[i] = (float)i;
  for (int64_t i = 0; i < nn_numel(b); i++) ((float *)b->data)[i] = -(float)i;
  nn_tensor *in[2] = {a, b}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Concat, 2);
  tn_int(&t, "axis", 1);
  nn_err err;
  CHECK(run_node(&t, in, 2, &o, &err) == NN_OK);
  int bad = 0;
  for (int r = 0; o && r < 64; r++)
    for (int c = 0; c < 4000; c++) {
      float want = c < 3000 ? (float)(r * 3000 + c) : -(float)(r * 1000 + c - 3000);
      bad += ((float *)o->data)[r * 4000 + c] != want;
    }
  CHECK(o && bad == 0);
  nn_tensor_free(o);
  nn_tensor_free(a);
  nn_tensor_free(b);
}

static void test_errors(void) {
  int64_t d1[] = {2, 3}, d2[] = {3, 3}, d3[] = {6};
  nn_tensor *a = tensor_of(NN_F32, 2, d1, NULL), *b = tensor_of(NN_F32, 2, d2, NULL),
            *c = tensor_of(NN_I32, 2, d1, NULL), *e = tensor_of(NN_F32, 1, d3, NULL), *o;
  test_node t;
  nn_err err = {0};
  tn_init(&t, &nn_op_Concat, 2);
  tn_int(&t, "axis", 1);
  nn_tensor *ab[2] = {a, b}, *ac[2] = {a, c}, *ae[2] = {a, e};
  CHECK(run_node(&t, ab, 2, &o, &err) == NN_EINVAL); /* dim 0 differs */
  CHECK(strstr(err.msg, "Concat node 'test'") != NULL);
  CHECK(run_node(&t, ac, 2, &o, &err) == NN_EINVAL); /* dtypes differ */
  CHECK(run_node(&t, ae, 2, &o, &err) == NN_EINVAL); /* ranks differ */
  tn_init(&t, &nn_op_Concat, 2);
  tn_int(&t, "axis", 2);
  CHECK(run_node(&t, ab, 2, &o, &err) == NN_EINVAL); /* axis out of range */
  tn_init(&t, &nn_op_Concat, 2);
  CHECK(nn_op_Concat.prepare(&t.node, &err) == NN_EINVAL); /* axis missing */
  nn_tensor_free(a);
  nn_tensor_free(b);
  nn_tensor_free(c);
  nn_tensor_free(e);
}

int main(void) {
  test_concat();
  test_errors();
  return CHECK_DONE();
}
