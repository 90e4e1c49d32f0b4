/* Slice: numpy slicing semantics (negative indices and steps, clamping, INT64 extremes),
 * the opset-1 attribute form, and errors. */
#include <stdint.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_Slice;

/* Slices a 1-D float tensor 0..n-1 and compares with the expected indices. */
static void check_1d(int64_t n, int64_t start, int64_t end, int64_t step, int nwant,
                     const int64_t *want) {
  nn_tensor *x = tensor_of(NN_F32, 1, &n, NULL);
  for (int64_t i = 0; i < n; i++) ((float *)x->data)[i] = (float)i;
  nn_tensor *s = ints_of(1, &start), *e = ints_of(1, &end), *st = ints_of(1, &step);
  nn_tensor *in[5] = {x, s, e, NULL, st}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Slice, 5);
  nn_err err;
  int rc = run_node(&t, in, 5, &o, &err);
  CHECK(rc == NN_OK);
  int64_t len = nwant;
  CHECK(o && has_dims(o, 1, &len));
  for (int i = 0; o && i < nwant; i++) CHECK(((float *)o->data)[i] == (float)want[i]);
  if (rc) fprintf(stderr, "slice %lld:%lld:%lld failed: %s\n", (long long)start, (long long)end,
                  (long long)step, err.msg);
  nn_tensor_free(o);
  nn_tensor_free(x);
  nn_tensor_free(s);
  nn_tensor_free(e);
  nn_tensor_free(st);
}

static void test_1d(void) {
  /* expectations are Python's list(range(10))[start:end:step] */
  int64_t a[] = {2, 3, 4}, b[] = {7, 8}, c[] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
          d[] = {8, 6, 4}, e[] = {0, 3, 6, 9}, f[] = {9, 7, 5, 3, 1}, g[] = {5}, h[] = {0};
  check_1d(10, 2, 5, 1, 3, a);
  check_1d(10, -3, -1, 1, 2, b);
  check_1d(10, -1, INT64_MIN, -1, 10, c);
  check_1d(10, 8, 2, -2, 3, d);
  check_1d(10, 0, INT64_MAX, 3, 4, e);
  check_1d(10, 100, -100, -2, 5, f);   /* start clamped to the last element */
  check_1d(10, 5, 3, 1, 0, NULL);      /* empty */
  check_1d(10, 3, 5, -1, 0, NULL);     /* empty, backwards */
  check_1d(10, 20, 30, 1, 0, NULL);    /* start past the end */
  check_1d(10, -20, 1, 1, 1, h);       /* start clamped to 0 */
  check_1d(10, 5, -6, -1, 1, g);       /* end -6 is index 4 */
  check_1d(10, 5, 4, -1, 1, g);
  check_1d(0, 0, 5, 1, 0, NULL);       /* empty input */
  check_1d(0, -1, INT64_MIN, -1, 0, NULL);
}

static void test_3d(void) {
  int64_t d[] = {4, 5, 6};
  nn_tensor *x = tensor_of(NN_I64, 3, d, NULL);
  for (int i = 0; i < 120; i++) ((int64_t *)x->data)[i] = i;
  /* x[1:4:2, ::-2, -4:] with axes given out of order and negative */
  int64_t starts[] = {-4, 1, INT64_MAX}, ends[] = {INT64_MAX, 4, INT64_MIN},
          axes[] = {-1, 0, 1}, steps[] = {1, 2, -2};
  nn_tensor *s = ints_of(3, starts), *e = ints_of(3, ends), *a = ints_of(3, axes),
            *st = ints_of(3, steps), *in[5] = {x, s, e, a, st}, *o = NULL;
  test_node t;
  tn_init(&t, &nn_op_Slice, 5);
  nn_err err;
  CHECK(run_node(&t, in, 5, &o, &err) == NN_OK);
  int64_t want[] = {2, 3, 4};
  CHECK(o && o->dtype == NN_I64 && has_dims(o, 3, want));
  const int64_t i0[] = {1, 3}, i1[] = {4, 2, 0}, i2[] = {2, 3, 4, 5};
  int bad = 0;
  for (int p = 0; o && p < 2; p++)
    for (int q = 0; q < 3; q++)
      for (int r = 0; r < 4; r++)
        bad += ((int64_t *)o->data)[(p * 3 + q) * 4 + r] != (i0[p] * 5 + i1[q]) * 6 + i2[r];
  CHECK(bad == 0);
  nn_tensor_free(o);

  /* int32 index inputs, default axes and steps */
  int64_t one = 2;
  nn_tensor *s32 = tensor_of(NN_I32, 1, &one, (double[]){1, -3});
  nn_tensor *e32 = tensor_of(NN_I32, 1, &one, (double[]){3, 1000});
  nn_tensor *in2[3] = {x, s32, e32};
  tn_init(&t, &nn_op_Slice, 3);
  CHECK(run_node(&t, in2, 3, &o, &err) == NN_OK);
  int64_t want2[] = {2, 3, 6};
  CHECK(o && has_dims(o, 3, want2));
  bad = 0;
  for (int p = 0; o && p < 2; p++)
    for (int q = 0; q < 3; q++)
      for (int r = 0; r < 6; r++)
        bad += ((int64_t *)o->data)[(p * 3 + q) * 6 + r] != ((1 + p) * 5 + 2 + q) * 6 + r;
  CHECK(bad == 0);
  nn_tensor_free(o);
  nn_tensor_free(s32);
  nn_tensor_free(e32);

  /* opset-1 form: attributes, no steps */
  int64_t as[] = {1, 0}, ae[] = {2, -1}, aa[] = {2, 0};
  tn_init(&t, &nn_op_Slice, 1);
  tn_ints(&t, "starts", as, 2);
  tn_ints(&t, "ends", ae, 2);
  tn_ints(&t, "axes", aa, 2);
  CHECK(run_node(&t, &x, 1, &o, &err) == NN_OK);
  int64_t want3[] = {3, 5, 1};
  CHECK(o && has_dims(o, 3, want3));
  bad = 0;
  for (int p = 0; o && p < 3; p++)
    for (int q = 0; q < 5; q++) bad += ((int64_t *)o->data)[p * 5 + q] != (p * 5 + q) * 6 + 1;
  CHECK(bad == 0);
  nn_tensor_free(o);

  /* errors: step 0, repeated axis, axis out of range */
  int64_t zero = 0, rep[] = {0, -3}, far = 3;
  nn_tensor *z = ints_of(1, &zero), *rp = ints_of(2, rep), *fa = ints_of(1, &far);
  nn_tensor *in3[5] = {x, z, z, NULL, z};
  tn_init(&t, &nn_op_Slice, 5);
  CHECK(run_node(&t, in3, 5, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "Slice node 'test'") && strstr(err.msg, "step"));
  nn_tensor *in4[4] = {x, rp, rp, rp};
  tn_init(&t, &nn_op_Slice, 4);
  CHECK(run_node(&t, in4, 4, &o, &err) == NN_EINVAL);
  nn_tensor *in5[4] = {x, z, z, fa};
  CHECK(run_node(&t, in5, 4, &o, &err) == NN_EINVAL);
  /* starts not known yet */
  nn_tensor unknown = {.dtype = NN_I64, .ndim = 1, .dims = {1}}, out = {0}, *outs[1] = {&out};
  nn_tensor *in6[3] = {x, &unknown, z};
  CHECK(nn_op_Slice.shape(&t.node, in6, 3, outs, 1, &err) == NN_EUNKNOWN);
  nn_tensor_free(z);
  nn_tensor_free(rp);
  nn_tensor_free(fa);

  nn_tensor_free(s);
  nn_tensor_free(e);
  nn_tensor_free(a);
  nn_tensor_free(st);
  nn_tensor_free(x);
}

int main(void) {
  test_1d();
  test_3d();
  return CHECK_DONE();
}
