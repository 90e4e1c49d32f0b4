/* Clip: bounds from inputs, from the older attributes, one or none given; non-float
 * bounds refused; the blocked layout offered only where the bounds keep 0 at 0. */
#include <float.h>
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Clip;

static const double xs[7] = {-10, -6, -0.5, 0, 0.5, 6, 10};

/* lo / hi: NAN for an omitted input. */
static nn_tensor *clip(double lo, double hi, int *rc) {
  int64_t d = 7;
  nn_tensor *in[3] = {tensor_of(NN_F32, 1, &d, xs), NULL, NULL};
  if (lo == lo) in[1] = tensor_of(NN_F32, 0, NULL, &lo);
  if (hi == hi) in[2] = tensor_of(NN_F32, 0, NULL, &hi);
  test_node t;
  tn_init(&t, &nn_op_Clip, 3);
  nn_tensor *o = NULL;
  nn_err err;
  *rc = run_node(&t, in, 3, &o, &err);
  for (int i = 0; i < 3; i++) nn_tensor_free(in[i]);
  return o;
}

static void check_clipped(const nn_tensor *o, double lo, double hi) {
  CHECK(o != NULL);
  for (int i = 0; o && i < 7; i++) {
    double want = xs[i] < lo ? lo : xs[i] > hi ? hi : xs[i];
    CHECK(nn_get(o, i) == want);
  }
}

int main(void) {
  int rc;
  nn_tensor *o = clip(0, 6, &rc);
  CHECK(rc == NN_OK);
  check_clipped(o, 0, 6);
  nn_tensor_free(o);
  o = clip(-1, NAN, &rc);
  check_clipped(o, -1, FLT_MAX);
  nn_tensor_free(o);
  o = clip(NAN, 0.25, &rc);
  check_clipped(o, -FLT_MAX, 0.25);
  nn_tensor_free(o);
  o = clip(NAN, NAN, &rc);
  check_clipped(o, -FLT_MAX, FLT_MAX);
  nn_tensor_free(o);

  /* opset 6: the bounds as attributes */
  int64_t d = 7;
  nn_tensor *x = tensor_of(NN_F32, 1, &d, xs);
  test_node t;
  tn_init(&t, &nn_op_Clip, 1);
  tn_float(&t, "min", -2);
  tn_float(&t, "max", 3);
  nn_err err;
  CHECK(run_node(&t, &x, 1, &o, &err) == NN_OK);
  check_clipped(o, -2, 3);
  nn_tensor_free(o);

  /* the blocked layout: only when clip(0) = 0 */
  int64_t d4[4] = {1, 16, 2, 2};
  double lo = 0, hi = 6, lo1 = 1;
  nn_tensor *in[3] = {tensor_of(NN_F32, 4, d4, NULL), tensor_of(NN_F32, 0, NULL, &lo),
                      tensor_of(NN_F32, 0, NULL, &hi)};
  tn_init(&t, &nn_op_Clip, 3);
  CHECK(nn_op_Clip.blocked(&t.node, in, 3, 8) == 1);
  nn_tensor_free(in[1]);
  in[1] = tensor_of(NN_F32, 0, NULL, &lo1);
  CHECK(nn_op_Clip.blocked(&t.node, in, 3, 8) == 0);
  for (int i = 0; i < 3; i++) nn_tensor_free(in[i]);

  /* a bound that is not one float */
  nn_tensor *bad[2] = {x, tensor_of(NN_I64, 0, NULL, &lo)};
  tn_init(&t, &nn_op_Clip, 2);
  CHECK(run_node(&t, bad, 2, &o, &err) == NN_EINVAL && o == NULL);
  nn_tensor_free(bad[1]);
  nn_tensor_free(x);
  return CHECK_DONE();
}
