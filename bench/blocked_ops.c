/* Ops on plain against channel-blocked float32 activations (nn/layout.h), one op at a time.
 *
 *   bench_blocked_ops [--threads T] [--runs N] [--block B]
 *
 * On 1x64x512x512 data (Resize: from 1x64x256x256): Relu, MaxPool 2x2 stride 2 ceil_mode,
 * Resize x2 linear half_pixel, Concat of two 64-channel tensors along C, and the reorders
 * between the layouts. Each op runs on the same values in both layouts; printed is the
 * median of N timed runs after one warm-up run. B defaults to nn_layout_block() (16 with
 * AVX-512, 8 otherwise). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn/layout.h"
#include "nn/op.h"

extern const nn_op nn_op_Relu, nn_op_MaxPool, nn_op_Resize, nn_op_Concat;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void die(const char *what, const nn_err *err) {
  fprintf(stderr, "bench_blocked_ops: %s: %s\n", what, err ? err->msg : "failed");
  exit(1);
}

static nn_tensor *new_tensor(int ndim, const int64_t *dims, int block) {
  nn_err err;
  nn_tensor *t = calloc(1, sizeof *t);
  if (!t) die("out of memory", NULL);
  nn_set_shape(t, NN_F32, ndim, dims);
  t->block = block;
  if (nn_tensor_alloc(t, &err)) die("allocating", &err);
  return t;
}

static nn_tensor *random_plain(int64_t n, int64_t c, int64_t h, int64_t w) {
  int64_t d[4] = {n, c, h, w};
  nn_tensor *t = new_tensor(4, d, 0);
  float *p = t->data;
  uint32_t s = 12345u;
  for (int64_t i = 0; i < nn_numel(t); i++) {
    s = s * 1664525u + 1013904223u;
    p[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
  }
  return t;
}

static nn_tensor *to_layout(const nn_tensor *x, int block) {
  nn_err err;
  nn_tensor *t = new_tensor(x->ndim, x->dims, block);
  if (nn_reorder(x, t, &err)) die("reorder", &err);
  return t;
}

/* A node of op with the given inputs' ids and attributes (not owned). */
static nn_node make_node(const nn_op *op, int n_in, nn_attr *attrs, int n_attr) {
  static int ids[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  static int resize_ids[4] = {0, -1, 2, -1};
  nn_node n;
  memset(&n, 0, sizeof n);
  n.name = (char *)"bench";
  n.op_type = (char *)op->name;
  n.domain = (char *)"";
  n.op = op;
  n.n_in = n_in;
  n.in = op == &nn_op_Resize ? resize_ids : ids;
  n.n_out = 1;
  n.out = ids;
  n.attrs = attrs;
  n.n_attr = n_attr;
  nn_err err;
  if (op->prepare && op->prepare(&n, &err)) die("prepare", &err);
  return n;
}

/* Median time of `runs` runs of node on in (output allocated once, in in[0]'s layout). */
static double time_op(nn_node *node, nn_tensor **in, int n_in, int runs) {
  nn_err err;
  nn_tensor out;
  memset(&out, 0, sizeof out);
  nn_tensor *outs[1] = {&out};
  if (in[0]->block && (!node->op->blocked || !node->op->blocked(node, in, n_in, in[0]->block)))
    die("the op refuses blocked data", NULL);
  if (node->op->shape(node, in, n_in, outs, 1, &err)) die("shape", &err);
  out.block = in[0]->block;
  if (nn_tensor_alloc(&out, &err)) die("allocating", &err);
  double t[64];
  if (runs > 64) runs = 64;
  for (int r = -1; r < runs; r++) {
    double t0 = now();
    if (node->op->run(node, in, n_in, outs, 1, &err)) die("run", &err);
    if (r >= 0) t[r] = now() - t0;
  }
  nn_tensor_release(&out);
  qsort(t, (size_t)runs, sizeof t[0], cmp_double);
  return t[runs / 2];
}

static double time_reorder(const nn_tensor *src, int block, int runs) {
  nn_err err;
  nn_tensor *dst = new_tensor(src->ndim, src->dims, block);
  double t[64];
  if (runs > 64) runs = 64;
  for (int r = -1; r < runs; r++) {
    double t0 = now();
    if (nn_reorder(src, dst, &err)) die("reorder", &err);
    if (r >= 0) t[r] = now() - t0;
  }
  nn_tensor_free(dst);
  qsort(t, (size_t)runs, sizeof t[0], cmp_double);
  return t[runs / 2];
}

static void report(const char *name, double plain, double blocked) {
  printf("%-40s plain %8.2f ms   blocked %8.2f ms   blocked/plain %.2f\n", name, plain * 1e3,
         blocked * 1e3, blocked / plain);
}

int main(int argc, char **argv) {
  int threads = 2, runs = 7, B = nn_layout_block();
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--block") && i + 1 < argc)
      B = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--threads T] [--runs N] [--block B]\n", argv[0]);
      return 2;
    }
  }
  if (B <= 0) B = 16;
  if (runs < 1) runs = 1;
  omp_set_num_threads(threads);
  printf("block %d, %d threads, median of %d runs\n", B, threads, runs);

  nn_tensor *x = random_plain(1, 64, 512, 512), *xb = to_layout(x, B);
  nn_tensor *x2 = random_plain(1, 64, 512, 512), *x2b = to_layout(x2, B);
  nn_tensor *s = random_plain(1, 64, 256, 256), *sb = to_layout(s, B);

  report("Copy / reorder to blocked 1x64x512x512", time_reorder(x, 0, runs),
         time_reorder(x, B, runs));

  nn_node relu = make_node(&nn_op_Relu, 1, NULL, 0);
  report("Relu 1x64x512x512", time_op(&relu, &x, 1, runs), time_op(&relu, &xb, 1, runs));

  int64_t k2[2] = {2, 2};
  nn_attr pool_attrs[3];
  memset(pool_attrs, 0, sizeof pool_attrs);
  pool_attrs[0] = (nn_attr){.name = "kernel_shape", .type = NN_ATTR_INTS, .n = 2, .ints = k2};
  pool_attrs[1] = (nn_attr){.name = "strides", .type = NN_ATTR_INTS, .n = 2, .ints = k2};
  pool_attrs[2] = (nn_attr){.name = "ceil_mode", .type = NN_ATTR_INT, .i = 1};
  nn_node pool = make_node(&nn_op_MaxPool, 1, pool_attrs, 3);
  report("MaxPool 2x2 s2 ceil 1x64x512x512", time_op(&pool, &x, 1, runs),
         time_op(&pool, &xb, 1, runs));
  nn_op_MaxPool.release(&pool);

  nn_attr rs_attrs[2] = {
      {.name = "mode", .type = NN_ATTR_STRING, .s = "linear"},
      {.name = "coordinate_transformation_mode", .type = NN_ATTR_STRING, .s = "half_pixel"}};
  int64_t one = 4;
  nn_tensor *scales = new_tensor(1, &one, 0);
  const float sv[4] = {1, 1, 2, 2};
  memcpy(scales->data, sv, sizeof sv);
  nn_node rs = make_node(&nn_op_Resize, 3, rs_attrs, 2);
  nn_tensor *rin[3] = {s, NULL, scales}, *rinb[3] = {sb, NULL, scales};
  report("Resize x2 linear 1x64x256x256 -> 512", time_op(&rs, rin, 3, runs),
         time_op(&rs, rinb, 3, runs));
  nn_op_Resize.release(&rs);

  nn_attr cat_attr = {.name = "axis", .type = NN_ATTR_INT, .i = 1};
  nn_node cat = make_node(&nn_op_Concat, 2, &cat_attr, 1);
  nn_tensor *cin[2] = {x, x2}, *cinb[2] = {xb, x2b};
  report("Concat 2 x 1x64x512x512 along C", time_op(&cat, cin, 2, runs),
         time_op(&cat, cinb, 2, runs));

  nn_tensor_free(x);
  nn_tensor_free(xb);
  nn_tensor_free(x2);
  nn_tensor_free(x2b);
  nn_tensor_free(s);
  nn_tensor_free(sb);
  nn_tensor_free(scales);
  return 0;
}
