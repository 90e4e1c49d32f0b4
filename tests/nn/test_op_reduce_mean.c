/* ReduceMean: each set of axes of a 2x3x4 tensor (attribute and input forms), keepdims on
 * and off, the default of every axis, noop_with_empty_axes, and bad axes refused; the
 * expected means summed here element by element. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_ReduceMean;

static const int64_t dims[3] = {2, 3, 4};

/* mask: bit k set when axis k is reduced. as_input: the axes as input 1. */
static void check_mean(unsigned mask, int keep, int as_input) {
  nn_tensor *x = tensor_of(NN_F32, 3, dims, NULL);
  for (int i = 0; i < 24; i++) ((float *)x->data)[i] = (float)sin(i * 0.7) * 3;
  int64_t axes[3];
  int n = 0;
  for (int k = 0; k < 3; k++)
    if (mask >> k & 1) axes[n++] = k - (k == 2 ? 3 : 0); /* the last one negative */
  test_node t;
  nn_tensor *in[2] = {x, as_input ? ints_of(n, axes) : NULL};
  tn_init(&t, &nn_op_ReduceMean, as_input ? 2 : 1);
  if (!as_input && n) tn_ints(&t, "axes", axes, n);
  tn_int(&t, "keepdims", keep);
  if (as_input && !n) tn_int(&t, "noop_with_empty_axes", 0);
  nn_tensor *o = NULL;
  nn_err err;
  CHECK(run_node(&t, in, as_input ? 2 : 1, &o, &err) == NN_OK);
  if (!n) mask = 7; /* none given: all */
  int64_t od[3];
  int r = 0;
  for (int k = 0; k < 3; k++)
    if (!(mask >> k & 1)) od[r++] = dims[k];
    else if (keep) od[r++] = 1;
  CHECK(o && has_dims(o, r, od));
  for (int64_t a = 0; o && a < 2; a++)
    for (int64_t b = 0; b < 3; b++)
      for (int64_t c = 0; c < 4; c++) {
        int64_t co[3] = {a, b, c}, idx = 0;
        int skip = 0;
        for (int k = 0; k < 3; k++) skip |= (mask >> k & 1) && co[k] != 0;
        if (skip) continue; /* each output once: at its first input */
        double s = 0;
        int cnt = 0;
        for (int64_t i = 0; i < 24; i++) {
          int64_t ci[3] = {i / 12, i / 4 % 3, i % 4};
          int match = 1;
          for (int k = 0; k < 3; k++) match &= (mask >> k & 1) || ci[k] == co[k];
          if (match) s += ((float *)x->data)[i], cnt++;
        }
        for (int k = 0; k < 3; k++)
          if (!(mask >> k & 1)) idx = idx * dims[k] + co[k];
        CHECK_NEAR(nn_get(o, idx), s / cnt, 1e-5);
      }
  nn_tensor_free(o);
  nn_tensor_free(in[1]);
  nn_tensor_free(x);
}

int main(void) {
  for (unsigned mask = 0; mask < 8; mask++)
    for (int keep = 0; keep < 2; keep++)
      for (int as_input = 0; as_input < 2; as_input++) check_mean(mask, keep, as_input);
  /* noop_with_empty_axes: the input as it is */
  nn_tensor *x = tensor_of(NN_F32, 3, dims, NULL), *o = NULL;
  for (int i = 0; i < 24; i++) ((float *)x->data)[i] = (float)i;
  test_node t;
  tn_init(&t, &nn_op_ReduceMean, 1);
  tn_int(&t, "noop_with_empty_axes", 1);
  nn_err err;
  CHECK(run_node(&t, &x, 1, &o, &err) == NN_OK && o && has_dims(o, 3, dims));
  for (int i = 0; o && i < 24; i++) CHECK(nn_get(o, i) == i);
  nn_tensor_free(o);
  int64_t twice[2] = {1, -2}, out[1] = {3};
  tn_init(&t, &nn_op_ReduceMean, 1);
  tn_ints(&t, "axes", twice, 2);
  CHECK(run_node(&t, &x, 1, &o, &err) == NN_EINVAL && o == NULL);
  tn_init(&t, &nn_op_ReduceMean, 1);
  tn_ints(&t, "axes", out, 1);
  CHECK(run_node(&t, &x, 1, &o, &err) == NN_EINVAL && o == NULL);
  nn_tensor_free(x);
  return CHECK_DONE();
}
