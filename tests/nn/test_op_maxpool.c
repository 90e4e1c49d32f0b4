/* MaxPool: 1-D, 2-D and 3-D pooling with pads, strides, dilations, ceil_mode, auto_pad,
 * storage_order and the Indices output, for float, double, float16, uint8 and int8 data,
 * against a direct-loop reference; errors. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/op.h"
#include "op_harness.h"

extern const nn_op nn_op_MaxPool;

static uint32_t rng = 4242;
static uint32_t rnd_u32(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

typedef struct mp_case {
  int nsp;
  int64_t n, c;
  int64_t in[3], k[3], s[3], d[3], pads[6];
  const char *auto_pad; /* NULL: NOTSET with pads */
  int ceil, order;      /* ceil_mode, storage_order */
  nn_dtype dt;
  int indices; /* request the second output */
} mp_case;

/* Output size and leading pad of one axis (ONNX formulas, ceil_mode's last-window rule). */
static void ref_axis(const mp_case *mc, int i, int64_t *out, int64_t *pl) {
  int64_t dk = (mc->k[i] - 1) * mc->d[i] + 1, n = mc->in[i], s = mc->s[i];
  if (mc->auto_pad && strncmp(mc->auto_pad, "SAME", 4) == 0) {
    *out = (n + s - 1) / s;
    int64_t total = (*out - 1) * s + dk - n;
    if (total < 0) total = 0;
    *pl = !strcmp(mc->auto_pad, "SAME_UPPER") ? total / 2 : (total + 1) / 2;
    return;
  }
  int valid = mc->auto_pad && !strcmp(mc->auto_pad, "VALID");
  int64_t a = valid ? 0 : mc->pads[i], b = valid ? 0 : mc->pads[i + mc->nsp];
  double span = (double)(n + a + b - dk) / (double)s;
  *out = (int64_t)(mc->ceil ? ceil(span) : floor(span)) + 1;
  if (mc->ceil && (*out - 1) * s >= n + a) (*out)--;
  *pl = a;
}

/* Direct pooling; returns the output count. Indices per the ONNX definition. */
static int64_t ref_pool(const mp_case *mc, const nn_tensor *x, double *y, int64_t *idx,
                        int64_t *odims) {
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t pl[3] = {0, 0, 0}, out[3] = {1, 1, 1};
  for (int i = 0; i < mc->nsp; i++) {
    int j = 3 - mc->nsp + i;
    in[j] = mc->in[i], k[j] = mc->k[i], s[j] = mc->s[i], d[j] = mc->d[i];
    ref_axis(mc, i, &out[j], &pl[j]);
    odims[i] = out[j];
  }
  int64_t o = 0, isz = in[0] * in[1] * in[2];
  for (int64_t c = 0; c < mc->n * mc->c; c++)
    for (int64_t oz = 0; oz < out[0]; oz++)
      for (int64_t oy = 0; oy < out[1]; oy++)
        for (int64_t ox = 0; ox < out[2]; ox++, o++) {
          double best = 0;
          int64_t bi = -1;
          for (int64_t a = 0; a < k[0]; a++)
            for (int64_t b = 0; b < k[1]; b++)
              for (int64_t e = 0; e < k[2]; e++) {
                int64_t iz = oz * s[0] - pl[0] + a * d[0];
                int64_t iy = oy * s[1] - pl[1] + b * d[1];
                int64_t ix = ox * s[2] - pl[2] + e * d[2];
                if (iz < 0 || iz >= in[0] || iy < 0 || iy >= in[1] || ix < 0 || ix >= in[2])
                  continue;
                double v = nn_get(x, c * isz + (iz * in[1] + iy) * in[2] + ix);
                if (bi < 0 || v > best) {
                  best = v;
                  /* storage_order 1: column-major over the spatial axes */
                  bi = c * isz + (mc->order ? iz + in[0] * (iy + in[1] * ix)
                                            : (iz * in[1] + iy) * in[2] + ix);
                }
              }
          y[o] = best;
          idx[o] = bi;
        }
  return o;
}

static void set_attrs(test_node *t, const mp_case *mc, int64_t *buf) {
  memcpy(buf, mc->k, 3 * sizeof *buf);
  memcpy(buf + 3, mc->s, 3 * sizeof *buf);
  memcpy(buf + 6, mc->d, 3 * sizeof *buf);
  memcpy(buf + 9, mc->pads, 6 * sizeof *buf);
  tn_ints(t, "kernel_shape", buf, mc->nsp);
  tn_ints(t, "strides", buf + 3, mc->nsp);
  tn_ints(t, "dilations", buf + 6, mc->nsp);
  if (mc->ceil) tn_int(t, "ceil_mode", 1);
  if (mc->order) tn_int(t, "storage_order", 1);
  if (mc->auto_pad) {
    nn_attr *a = &t->attrs[t->node.n_attr++];
    memset(a, 0, sizeof *a);
    a->name = (char *)"auto_pad";
    a->type = NN_ATTR_STRING;
    a->s = (char *)mc->auto_pad;
  } else {
    tn_ints(t, "pads", buf + 9, 2 * mc->nsp);
  }
}

/* prepare, shape, allocate, run with one or two outputs. */
static int run_pool(test_node *t, nn_tensor *x, nn_tensor **out, int n_out, nn_err *err) {
  const nn_op *op = t->node.op;
  t->node.n_out = n_out;
  out[0] = calloc(1, sizeof *out[0]);
  out[1] = n_out > 1 ? calloc(1, sizeof *out[1]) : NULL;
  nn_tensor *in[1] = {x};
  int rc = op->prepare(&t->node, err);
  if (!rc) rc = op->shape(&t->node, in, 1, out, n_out, err);
  for (int i = 0; i < n_out && !rc; i++) rc = nn_tensor_alloc(out[i], err);
  if (!rc) rc = op->run(&t->node, in, 1, out, n_out, err);
  op->release(&t->node);
  return rc;
}

static void fill(nn_tensor *x) {
  int64_t n = nn_numel(x);
  for (int64_t i = 0; i < n; i++) {
    uint32_t r = rnd_u32();
    switch (x->dtype) {
      case NN_U8: nn_set(x, i, r % 256); break;
      case NN_I8: nn_set(x, i, (double)(r % 256) - 128); break;
      case NN_F16: nn_set(x, i, nn_round_half((float)(r % 100000) / 1000.0f - 50.0f)); break;
      default: nn_set(x, i, (double)(r % 1000000) / 1000.0 - 500.0); break;
    }
  }
}

static void check_case(const mp_case *mc) {
  int64_t xd[5] = {mc->n, mc->c};
  for (int i = 0; i < mc->nsp; i++) xd[2 + i] = mc->in[i];
  nn_tensor *x = tensor_of(mc->dt, mc->nsp + 2, xd, NULL);
  fill(x);
  test_node t;
  tn_init(&t, &nn_op_MaxPool, 1);
  int64_t buf[15];
  set_attrs(&t, mc, buf);
  nn_tensor *out[2];
  nn_err err = {0};
  int rc = run_pool(&t, x, out, mc->indices ? 2 : 1, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "MaxPool case: %s\n", err.msg);
  } else {
    int64_t od[5] = {mc->n, mc->c}, ny = mc->n * mc->c;
    for (int i = 0; i < mc->nsp; i++) {
      int64_t o, pl;
      ref_axis(mc, i, &o, &pl);
      ny *= o;
    }
    double *want = malloc((size_t)ny * sizeof *want);
    int64_t *widx = malloc((size_t)ny * sizeof *widx);
    CHECK(ref_pool(mc, x, want, widx, od + 2) == ny);
    CHECK(out[0]->dtype == mc->dt);
    CHECK(has_dims(out[0], mc->nsp + 2, od));
    if (mc->indices) {
      CHECK(out[1]->dtype == NN_I64);
      CHECK(has_dims(out[1], mc->nsp + 2, od));
    }
    int bad = 0, bad_idx = 0;
    for (int64_t i = 0; i < ny && out[0]->ndim == mc->nsp + 2; i++) {
      if (nn_get(out[0], i) != want[i]) bad++;
      if (mc->indices && ((int64_t *)out[1]->data)[i] != widx[i]) bad_idx++;
    }
    CHECK(bad == 0);
    CHECK(bad_idx == 0);
    free(want);
    free(widx);
  }
  nn_tensor_free(out[0]);
  nn_tensor_free(out[1]);
  nn_tensor_free(x);
}

static void test_cases(void) {
  const mp_case cases[] = {
      {2, 1, 2, {5, 6}, {2, 2}, {1, 1}, {1, 1}, {0}, NULL, 0, 0, NN_F32, 1},
      {2, 2, 3, {7, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 0, 0, NN_F32, 0},
      {2, 2, 3, {7, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 0, 0, NN_F32, 1},
      /* ceil_mode */
      {2, 1, 1, {4, 4}, {3, 3}, {2, 2}, {1, 1}, {0}, NULL, 1, 0, NN_F32, 1},
      {2, 1, 3, {9, 11}, {2, 2}, {2, 2}, {1, 1}, {0}, NULL, 1, 0, NN_F32, 0},
      {2, 1, 3, {9, 11}, {2, 2}, {2, 2}, {1, 1}, {0}, NULL, 1, 0, NN_F32, 1},
      {2, 1, 2, {4, 5}, {2, 2}, {2, 2}, {1, 1}, {0, 0, 1, 1}, NULL, 1, 0, NN_F32, 1},
      {2, 1, 2, {8, 7}, {3, 2}, {3, 2}, {1, 1}, {1, 0, 2, 1}, NULL, 1, 1, NN_F32, 1},
      /* dilations */
      {2, 1, 2, {9, 10}, {3, 2}, {1, 2}, {2, 3}, {2, 1, 2, 1}, NULL, 0, 0, NN_F32, 1},
      {2, 1, 2, {9, 10}, {3, 2}, {2, 2}, {2, 2}, {1, 1, 1, 1}, NULL, 1, 0, NN_F32, 0},
      /* auto_pad */
      {2, 1, 2, {7, 8}, {3, 2}, {2, 2}, {1, 1}, {0}, "SAME_UPPER", 0, 0, NN_F32, 1},
      {2, 1, 2, {7, 8}, {3, 2}, {2, 2}, {1, 1}, {0}, "SAME_LOWER", 0, 0, NN_F32, 1},
      {2, 1, 2, {7, 8}, {3, 3}, {1, 1}, {1, 1}, {0}, "SAME_LOWER", 0, 0, NN_F32, 0},
      {2, 1, 2, {10, 11}, {3, 2}, {3, 3}, {1, 1}, {0}, "VALID", 1, 0, NN_F32, 1},
      /* storage_order 1 */
      {2, 2, 2, {5, 6}, {2, 3}, {2, 2}, {1, 1}, {1, 0, 0, 1}, NULL, 0, 1, NN_F32, 1},
      /* 1-D and 3-D */
      {1, 2, 3, {13}, {3}, {2}, {2}, {1, 2}, NULL, 1, 0, NN_F32, 1},
      {3,
       1,
       2,
       {4, 5, 6},
       {2, 3, 2},
       {2, 1, 2},
       {1, 1, 2},
       {1, 0, 1, 0, 1, 1},
       NULL,
       0,
       0,
       NN_F32,
       1},
      {3,
       1,
       2,
       {4, 5, 6},
       {2, 3, 2},
       {2, 1, 2},
       {1, 1, 1},
       {1, 0, 1, 0, 1, 1},
       NULL,
       1,
       1,
       NN_F32,
       1},
      /* other element types */
      {2, 1, 3, {6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 1, 0, NN_U8, 1},
      {2, 1, 3, {6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 0, 0, NN_I8, 1},
      {2, 1, 3, {6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, NULL, 0, 0, NN_F64, 1},
      {2, 1, 3, {6, 7}, {2, 2}, {2, 2}, {1, 1}, {0}, NULL, 1, 0, NN_F16, 0},
      {3, 1, 2, {3, 4, 5}, {2, 2, 2}, {1, 2, 2}, {1, 1, 1}, {0}, NULL, 1, 1, NN_U8, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i]);
}

/* Output sizes worked out by hand from the ONNX definition. */
static void test_sizes(void) {
  struct {
    mp_case mc;
    int64_t out[2];
  } sizes[] = {
      /* ceil_mode: 4 -> 2 with a 3-wide window of stride 2 */
      {{2, 1, 1, {4, 4}, {3, 3}, {2, 2}, {1, 1}, {0}, NULL, 1, 0, NN_F32, 0}, {2, 2}},
      /* ceil_mode 9 -> 5 and 11 -> 6 with 2x2 windows of stride 2 */
      {{2, 1, 1, {9, 11}, {2, 2}, {2, 2}, {1, 1}, {0}, NULL, 1, 0, NN_F32, 0}, {5, 6}},
      /* the third window would start in the right padding: dropped */
      {{2, 1, 1, {4, 4}, {2, 2}, {2, 2}, {1, 1}, {0, 0, 1, 1}, NULL, 1, 0, NN_F32, 0}, {2, 2}},
      /* floor mode keeps 2 */
      {{2, 1, 1, {5, 5}, {2, 2}, {2, 2}, {1, 1}, {0}, NULL, 0, 0, NN_F32, 0}, {2, 2}},
      /* SAME: ceil(in / stride) */
      {{2, 1, 1, {7, 8}, {3, 3}, {2, 3}, {1, 1}, {0}, "SAME_UPPER", 0, 0, NN_F32, 0}, {4, 3}},
      /* dilation 2 makes a 3-wide kernel 5 wide */
      {{2, 1, 1, {9, 9}, {3, 3}, {1, 1}, {2, 2}, {0}, NULL, 0, 0, NN_F32, 0}, {5, 5}},
  };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    const mp_case *mc = &sizes[i].mc;
    int64_t xd[4] = {1, 1, mc->in[0], mc->in[1]};
    nn_tensor *x = tensor_of(NN_F32, 4, xd, NULL);
    test_node t;
    tn_init(&t, &nn_op_MaxPool, 1);
    int64_t buf[15];
    set_attrs(&t, mc, buf);
    nn_tensor *out[2];
    nn_err err = {0};
    CHECK(run_pool(&t, x, out, 1, &err) == NN_OK);
    int64_t od[4] = {1, 1, sizes[i].out[0], sizes[i].out[1]};
    CHECK(has_dims(out[0], 4, od));
    nn_tensor_free(out[0]);
    nn_tensor_free(x);
  }
}

/* Windows whose values are all -inf still report a position inside the input. */
static void test_minus_infinity(void) {
  int64_t xd[4] = {1, 1, 3, 3};
  nn_tensor *x = tensor_of(NN_F32, 4, xd, NULL);
  for (int i = 0; i < 9; i++) ((float *)x->data)[i] = -INFINITY;
  ((float *)x->data)[8] = 1.0f;
  mp_case mc = {2, 1, 1, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1, 0, 0}, NULL, 0, 0, NN_F32, 1};
  test_node t;
  tn_init(&t, &nn_op_MaxPool, 1);
  int64_t buf[15];
  set_attrs(&t, &mc, buf);
  nn_tensor *out[2];
  nn_err err = {0};
  CHECK(run_pool(&t, x, out, 2, &err) == NN_OK);
  const float *y = out[0]->data;
  const int64_t *ix = out[1]->data;
  CHECK(isinf(y[0]) && y[0] < 0);
  CHECK(ix[0] == 0);                 /* window at (-1,-1): its only inside tap is (0,0) */
  CHECK(ix[4] == 0 && y[8] == 1.0f); /* window at (0,0) covers 4 taps, all -inf */
  CHECK(ix[8] == 8);
  nn_tensor_free(out[0]);
  nn_tensor_free(out[1]);
  nn_tensor_free(x);
}

/* Padding and dilation can leave a window with no tap inside X: lowest value, index -1.
 * 1-D, size 1, kernel 2 with dilation 3, SAME_UPPER: one output, taps at -1 and 2. */
static void test_empty_window(void) {
  int64_t xd[3] = {1, 2, 1};
  nn_tensor *x = tensor_of(NN_F32, 3, xd, NULL);
  ((float *)x->data)[0] = 5.0f;
  ((float *)x->data)[1] = -7.0f;
  mp_case mc = {1, 1, 2, {1}, {2}, {1}, {3}, {0}, "SAME_UPPER", 0, 0, NN_F32, 1};
  test_node t;
  tn_init(&t, &nn_op_MaxPool, 1);
  int64_t buf[15];
  set_attrs(&t, &mc, buf);
  nn_tensor *out[2];
  nn_err err = {0};
  CHECK(run_pool(&t, x, out, 2, &err) == NN_OK);
  int64_t od[3] = {1, 2, 1};
  CHECK(has_dims(out[0], 3, od));
  const float *y = out[0]->data;
  const int64_t *ix = out[1]->data;
  CHECK(isinf(y[0]) && y[0] < 0 && isinf(y[1]) && y[1] < 0);
  CHECK(ix[0] == -1 && ix[1] == -1);
  nn_tensor_free(out[0]);
  nn_tensor_free(out[1]);
  nn_tensor_free(x);
}

static void test_errors(void) {
  int64_t xd[4] = {1, 1, 4, 4}, k2[2] = {2, 2}, k3[3] = {2, 2, 2};
  nn_tensor *x = tensor_of(NN_F32, 4, xd, NULL), *xi = tensor_of(NN_I32, 4, xd, NULL);
  nn_tensor *in[1] = {x}, *o = NULL;
  nn_err err = {0};
  test_node t;
  tn_init(&t, &nn_op_MaxPool, 1);
  CHECK(run_node(&t, in, 1, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "MaxPool node 'test'") && strstr(err.msg, "kernel_shape"));
  tn_init(&t, &nn_op_MaxPool, 1);
  tn_ints(&t, "kernel_shape", k2, 2);
  tn_int(&t, "storage_order", 2);
  CHECK(run_node(&t, in, 1, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "storage_order") != NULL);
  tn_init(&t, &nn_op_MaxPool, 1);
  tn_ints(&t, "kernel_shape", k2, 2);
  tn_int(&t, "ceil_mode", 3);
  CHECK(run_node(&t, in, 1, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "ceil_mode") != NULL);
  tn_init(&t, &nn_op_MaxPool, 1);
  tn_ints(&t, "kernel_shape", k3, 3);
  CHECK(run_node(&t, in, 1, &o, &err) == NN_EINVAL);
  CHECK(strstr(err.msg, "rank") != NULL);
  nn_tensor *in2[1] = {xi};
  tn_init(&t, &nn_op_MaxPool, 1);
  tn_ints(&t, "kernel_shape", k2, 2);
  CHECK(run_node(&t, in2, 1, &o, &err) == NN_EUNSUPPORTED);
  CHECK(strstr(err.msg, "int32") != NULL);
  nn_tensor_free(x);
  nn_tensor_free(xi);
}

int main(void) {
  test_cases();
  test_sizes();
  test_minus_infinity();
  test_empty_window();
  test_errors();
  return CHECK_DONE();
}
