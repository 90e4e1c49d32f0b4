/* Every op's backward() against central finite differences: a one-node graph (or a small
 * chain) on random data, the loss sum(output * R) with a fixed random R; the gradient of
 * each input and parameter from the tape is compared with (L(v + e) - L(v - e)) / 2e at up to
 * 24 elements of each. Inputs stay away from the kinks of Relu-like ops. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/nn.h"
#include "train/build.h"
#include "train/tape.h"

static uint64_t rng = 88172645463325252ull;
static float urand(void) { /* uniform in [-1, 1) */
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}
static float away(void) { /* |v| in [0.1, 1] */
  float u = urand();
  return u < 0 ? -0.1f + 0.9f * u : 0.1f + 0.9f * u;
}
static void fill(float *v, int64_t n, int positive) {
  for (int64_t i = 0; i < n; i++) v[i] = positive ? 0.5f + fabsf(urand()) : away();
}

static double loss(tr_tape *t, nn_tensor *const *in, float *const *r) {
  nn_err err;
  if (tr_forward(t, in, &err)) {
    fprintf(stderr, "forward: %s\n", err.msg);
    check_failures++;
    return NAN;
  }
  double s = 0;
  for (int o = 0; o < t->g->n_outputs; o++) {
    const nn_tensor *y = &t->val[t->g->outputs[o]];
    const float *v = y->data;
    for (int64_t i = 0, n = nn_numel(y); i < n; i++) s += (double)v[i] * r[o][i];
  }
  return s;
}

/* Checks the gradients of the graph's inputs (given data) and of the listed parameters. */
static void gradcheck(const char *name, nn_graph *g, nn_tensor *const *in, const int *params,
                      int n_params) {
  if (!g) {
    fprintf(stderr, "%s: the graph was not built\n", name);
    check_failures++;
    return;
  }
  int ids[16], n = 0;
  for (int i = 0; i < g->n_inputs; i++) ids[n++] = g->inputs[i];
  for (int i = 0; i < n_params; i++) ids[n++] = params[i];
  tr_tape t;
  nn_err err;
  CHECK(tr_tape_init(&t, g, ids, n, &err) == NN_OK);
  float *r[4] = {0};
  nn_tensor *dout[4] = {0};
  CHECK(tr_forward(&t, in, &err) == NN_OK);
  for (int o = 0; o < g->n_outputs; o++) {
    const nn_tensor *y = &t.val[g->outputs[o]];
    dout[o] = nn_tensor_new(NN_F32, y->ndim, y->dims, &err);
    r[o] = dout[o]->data;
    fill(r[o], nn_numel(y), 0);
  }
  if (tr_backward(&t, dout, &err)) {
    fprintf(stderr, "%s: backward: %s\n", name, err.msg);
    check_failures++;
  }
  double worst = 0;
  for (int k = 0; k < n; k++) {
    int v = ids[k];
    const nn_tensor *gt = &t.grad[v];
    float *p = k < g->n_inputs ? in[k]->data : g->values[v].t.data;
    int64_t count = nn_numel(&t.val[v]);
    if (!gt->data) {
      fprintf(stderr, "%s: no gradient for '%s'\n", name, g->values[v].name);
      check_failures++;
      continue;
    }
    float *analytic = malloc(sizeof(float) * (size_t)count);
    memcpy(analytic, gt->data, sizeof(float) * (size_t)count);
    int64_t step = count > 24 ? count / 24 : 1;
    for (int64_t i = 0; i < count; i += step) {
      const float e = 1e-2f;
      float keep = p[i];
      p[i] = keep + e;
      double up = loss(&t, in, r);
      p[i] = keep - e;
      double down = loss(&t, in, r);
      p[i] = keep;
      double num = (up - down) / (2.0 * e), a = analytic[i];
      double rel = fabs(a - num) / fmax(1.0, fmax(fabs(a), fabs(num)));
      if (rel > worst) worst = rel;
      if (rel > 5e-3) {
        fprintf(stderr, "%s: d/d%s[%lld]: tape %.6f, finite differences %.6f\n", name,
                g->values[v].name, (long long)i, a, num);
        check_failures++;
      }
    }
    free(analytic);
  }
  printf("%-28s largest relative difference %.2e\n", name, worst);
  for (int o = 0; o < g->n_outputs; o++) nn_tensor_free(dout[o]);
  tr_tape_free(&t);
  nn_graph_free(g);
}

static nn_tensor *random_tensor(int nd, const int64_t *dims, int positive) {
  nn_err err;
  nn_tensor *t = nn_tensor_new(NN_F32, nd, dims, &err);
  fill(t->data, nn_numel(t), positive);
  return t;
}

static int param(tr_builder *b, const char *name, int nd, const int64_t *dims, int positive) {
  nn_tensor *t = random_tensor(nd, dims, positive);
  int id = tr_param(b, name, nd, dims, t->data);
  nn_tensor_free(t);
  return id;
}

/* x -> op -> y */
static void unary(const char *op, const tr_attr *attrs, int n_attrs) {
  const int64_t d[4] = {2, 3, 4, 5};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  tr_output(&b, tr_op(&b, op, &x, 1, attrs, n_attrs));
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  nn_tensor *in = random_tensor(4, d, 0);
  gradcheck(op, g, &in, NULL, 0);
  nn_tensor_free(in);
}

/* x (2x3x4x5) op p, with p a parameter of dims pd (broadcast), and x op x */
static void binary(const char *op, int pn, const int64_t *pd) {
  const int64_t d[4] = {2, 3, 4, 5};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  int p = param(&b, "p", pn, pd, !strcmp(op, "Div"));
  int y = tr_op(&b, op, (int[]){x, p}, 2, NULL, 0);
  tr_output(&b, tr_op(&b, op, (int[]){y, x}, 2, NULL, 0)); /* x used twice */
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  nn_tensor *in = random_tensor(4, d, !strcmp(op, "Div"));
  char name[64];
  snprintf(name, sizeof name, "%s (broadcast %d-D)", op, pn);
  gradcheck(name, g, &in, &p, 1);
  nn_tensor_free(in);
}

static void concat(void) {
  const int64_t da[4] = {2, 3, 4, 5}, db[4] = {2, 2, 4, 5};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "a", 4, da), y = tr_input(&b, "b", 4, db);
  tr_output(&b, tr_op(&b, "Concat", (int[]){x, y, x}, 3, &TR_INT("axis", 1), 1));
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  nn_tensor *in[2] = {random_tensor(4, da, 0), random_tensor(4, db, 0)};
  gradcheck("Concat", g, in, NULL, 0);
  nn_tensor_free(in[0]);
  nn_tensor_free(in[1]);
}

static void conv(const char *name, int64_t c, int64_t m, int64_t group, int64_t stride,
                 int64_t dil, int64_t pad, int bias) {
  const int64_t d[4] = {2, c, 9, 8}, wd[4] = {m, c / group, 3, 3}, bd[1] = {m};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  int w = param(&b, "w", 4, wd, 0), bi = bias ? param(&b, "b", 1, bd, 0) : -1;
  tr_attr a[4] = {TR_INTS("strides", 2, stride, stride), TR_INTS("dilations", 2, dil, dil),
                  TR_INTS("pads", 4, pad, pad, pad, pad), TR_INT("group", group)};
  tr_output(&b, tr_op(&b, "Conv", (int[]){x, w, bi}, bias ? 3 : 2, a, 4));
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  if (!g) fprintf(stderr, "%s: %s\n", name, err.msg);
  nn_tensor *in = random_tensor(4, d, 0);
  gradcheck(name, g, &in, (int[]){w, bi}, bias ? 2 : 1);
  nn_tensor_free(in);
}

/* distinct values at least 0.03 apart, so that a perturbation never changes the argmax */
static void maxpool(const char *name, const tr_attr *attrs, int n_attrs) {
  const int64_t d[4] = {2, 2, 7, 6};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  tr_output(&b, tr_op(&b, "MaxPool", &x, 1, attrs, n_attrs));
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  nn_tensor *in = random_tensor(4, d, 0);
  float *v = in->data;
  int64_t n = nn_numel(in);
  for (int64_t i = 0; i < n; i++) v[i] = (float)((i * 37) % n) * 0.03f - 2.0f;
  gradcheck(name, g, &in, NULL, 0);
  nn_tensor_free(in);
}

static void batchnorm(const char *name, int training) {
  const int64_t d[4] = {3, 4, 5, 3}, cd[1] = {4};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  int sc = param(&b, "scale", 1, cd, 0), bi = param(&b, "bias", 1, cd, 0);
  int mu = param(&b, "mean", 1, cd, 0), var = param(&b, "var", 1, cd, 1);
  tr_attr a[2] = {TR_INT("training_mode", training), TR_FLOAT("epsilon", 1e-3f)};
  int y = tr_op(&b, "BatchNormalization", (int[]){x, sc, bi, mu, var}, 5, a, 2);
  tr_output(&b, tr_op(&b, "Tanh", &y, 1, NULL, 0)); /* so that the loss is not linear in y */
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  nn_tensor *in = random_tensor(4, d, 0);
  gradcheck(name, g, &in, (int[]){sc, bi}, 2);
  nn_tensor_free(in);
}

static void conv_transpose(const char *name, int64_t c, int64_t m, int64_t group,
                           const tr_attr *attrs, int n_attrs) {
  const int64_t d[4] = {2, c, 5, 4}, wd[4] = {c, m / group, 3, 3}, bd[1] = {m};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  int w = param(&b, "w", 4, wd, 0), bi = param(&b, "b", 1, bd, 0);
  tr_attr a[6];
  memcpy(a, attrs, sizeof(tr_attr) * (size_t)n_attrs);
  a[n_attrs] = TR_INT("group", group);
  tr_output(&b, tr_op(&b, "ConvTranspose", (int[]){x, w, bi}, 3, a, n_attrs + 1));
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  if (!g) fprintf(stderr, "%s: %s\n", name, err.msg);
  nn_tensor *in = random_tensor(4, d, 0);
  gradcheck(name, g, &in, (int[]){w, bi}, 2);
  nn_tensor_free(in);
}

static void resize(const char *name, const char *mode, const char *coord, float sh, float sw) {
  const int64_t d[4] = {2, 2, 5, 4}, four[1] = {4};
  float sc[4] = {1, 1, sh, sw};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  int s = tr_param(&b, "scales", 1, four, sc);
  tr_attr a[2] = {TR_STR("mode", mode), TR_STR("coordinate_transformation_mode", coord)};
  tr_output(&b, tr_op(&b, "Resize", (int[]){x, -1, s}, 3, a, 2));
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  if (!g) fprintf(stderr, "%s: %s\n", name, err.msg);
  nn_tensor *in = random_tensor(4, d, 0);
  gradcheck(name, g, &in, NULL, 0);
  nn_tensor_free(in);
}

static void upsample(void) {
  const int64_t d[4] = {2, 2, 3, 4}, four[1] = {4};
  float sc[4] = {1, 1, 2, 3};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 4, d);
  int s = tr_param(&b, "scales", 1, four, sc);
  tr_output(&b, tr_op(&b, "Upsample", (int[]){x, s}, 2, &TR_STR("mode", "linear"), 1));
  b.g->opset = 9;
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  if (!g) fprintf(stderr, "Upsample: %s\n", err.msg);
  nn_tensor *in = random_tensor(4, d, 0);
  gradcheck("Upsample linear x2 x3", g, &in, NULL, 0);
  nn_tensor_free(in);
}

int main(void) {
  nn_set_threads(1);
  unary("Relu", NULL, 0);
  unary("LeakyRelu", &TR_FLOAT("alpha", 0.2f), 1);
  unary("Sigmoid", NULL, 0);
  unary("Tanh", NULL, 0);
  unary("Identity", NULL, 0);
  binary("Add", 3, (const int64_t[]){3, 1, 1});
  binary("Sub", 1, (const int64_t[]){5});
  binary("Mul", 4, (const int64_t[]){2, 3, 4, 5});
  binary("Div", 3, (const int64_t[]){3, 4, 1});
  concat();
  conv("Conv 3x3 pad 1 + bias", 3, 4, 1, 1, 1, 1, 1);
  conv("Conv stride 2 no bias", 3, 4, 1, 2, 1, 0, 0);
  conv("Conv groups 2 dilation 2", 4, 6, 2, 1, 2, 2, 1);
  maxpool("MaxPool 2x2 stride 2 ceil", (tr_attr[]){TR_INTS("kernel_shape", 2, 2, 2),
                                         TR_INTS("strides", 2, 2, 2), TR_INT("ceil_mode", 1)},
          3);
  maxpool("MaxPool 3x3 stride 1 pad 1", (tr_attr[]){TR_INTS("kernel_shape", 2, 3, 3),
                                         TR_INTS("pads", 4, 1, 1, 1, 1)},
          2);
  conv_transpose("ConvTranspose stride 2 pad 1", 3, 4, 1,
                 (tr_attr[]){TR_INTS("strides", 2, 2, 2), TR_INTS("pads", 4, 1, 1, 1, 1),
                             TR_INTS("output_padding", 2, 1, 1)},
                 3);
  conv_transpose("ConvTranspose groups 2 dilation 2", 4, 6, 2,
                 (tr_attr[]){TR_INTS("dilations", 2, 2, 2)}, 1);
  resize("Resize linear x2 half_pixel", "linear", "half_pixel", 2, 2);
  resize("Resize nearest x2", "nearest", "asymmetric", 2, 2);
  resize("Resize linear x0.6 align", "linear", "align_corners", 0.6f, 1.5f);
  resize("Resize cubic x1.5", "cubic", "half_pixel", 1.5f, 2);
  upsample();
  batchnorm("BatchNormalization training", 1);
  batchnorm("BatchNormalization inference", 0);
  return CHECK_DONE();
}
