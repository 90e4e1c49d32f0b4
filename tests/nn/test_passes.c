/* The optimising passes (nn_optimize: fuse, layout, plan) on a small U-Net-like
 * graph built here: the optimised graph must compute what the plain one
 * computes, with its Relus and fusable Add folded into convolutions, Reorders
 * at the layout borders, and an arena plan in which no two values alive at the
 * same time overlap. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/layout.h"
#include "nn/nn.h"
#include "nn/op.h"
#include "nn/precision.h"

static unsigned rng = 12345;
static float frand(void) {
  rng = rng * 1103515245u + 12345u;
  return ((rng >> 8) & 0xffff) / 65536.0f - 0.5f;
}

static int value(nn_graph *g, const char *name, nn_dtype t, int ndim, const int64_t *dims,
                 int random) {
  int v = nn_graph_value(g, name);
  if (dims) {
    nn_set_shape(&g->values[v].t, t, ndim, dims);
    if (random) {
      nn_tensor_alloc(&g->values[v].t, NULL);
      for (int64_t i = 0; i < nn_numel(&g->values[v].t); i++)
        ((float *)g->values[v].t.data)[i] = frand();
      g->values[v].is_const = 1;
    }
  }
  return v;
}

static void attr_ints(nn_attr *a, const char *name, int n, const int64_t *v) {
  a->name = strdup(name);
  a->type = NN_ATTR_INTS;
  a->n = n;
  a->ints = malloc(sizeof(int64_t) * (size_t)n);
  memcpy(a->ints, v, sizeof(int64_t) * (size_t)n);
}

static void attr_str(nn_attr *a, const char *name, const char *s) {
  a->name = strdup(name);
  a->type = NN_ATTR_STRING;
  a->s = strdup(s);
}

/* Appends a node; attrs filled by the caller through the returned pointer. */
static nn_node *node(nn_graph *g, const char *op, int n_in, const int *in, int out, int n_attr) {
  int i = nn_graph_add_node(g);
  nn_node *n = &g->nodes[i];
  n->name = strdup(op);
  n->op_type = strdup(op);
  n->domain = strdup("");
  n->n_in = n_in;
  n->in = malloc(sizeof(int) * 4);
  memcpy(n->in, in, sizeof(int) * (size_t)n_in);
  n->n_out = 1;
  n->out = malloc(sizeof(int));
  n->out[0] = out;
  n->n_attr = n_attr;
  n->attrs = calloc((size_t)n_attr + 1, sizeof(nn_attr));
  n->op = nn_op_find("", op);
  return n;
}

static nn_node *conv(nn_graph *g, int x, int cin, int cout, int y, const char *wname) {
  static const int64_t pads[4] = {1, 1, 1, 1};
  int64_t wd[4] = {cout, cin, 3, 3}, bd[1] = {cout};
  char bname[64];
  snprintf(bname, sizeof bname, "%s.b", wname);
  int in[3] = {x, value(g, wname, NN_F32, 4, wd, 1), value(g, bname, NN_F32, 1, bd, 1)};
  nn_node *n = node(g, "Conv", 3, in, y, 1);
  attr_ints(&n->attrs[0], "pads", 4, pads);
  return n;
}

/* x -> conv1 -> relu -> a ; a -> conv2 -> relu -> b ; b + a -> c ; maxpool(c)
 * -> d ; resize(d, x2) -> e ; concat(e, c) -> f ; conv3(f) -> sigmoid -> out */
static nn_graph *build(void) {
  nn_graph *g = nn_graph_new();
  rng = 12345; /* the same weights each time */
  int64_t xd[4] = {1, 3, 20, 18};
  int x = value(g, "x", NN_F32, 4, xd, 0);
  g->inputs = malloc(sizeof(int));
  g->inputs[0] = x;
  g->n_inputs = 1;
  int c1 = value(g, "c1", NN_F32, 0, NULL, 0), a = value(g, "a", NN_F32, 0, NULL, 0);
  int c2 = value(g, "c2", NN_F32, 0, NULL, 0), b = value(g, "b", NN_F32, 0, NULL, 0);
  int c = value(g, "c", NN_F32, 0, NULL, 0), d = value(g, "d", NN_F32, 0, NULL, 0);
  int e = value(g, "e", NN_F32, 0, NULL, 0), f = value(g, "f", NN_F32, 0, NULL, 0);
  int h = value(g, "h", NN_F32, 0, NULL, 0), out = value(g, "out", NN_F32, 0, NULL, 0);
  int64_t sd[1] = {4};
  int sizes = value(g, "sizes", NN_I64, 1, sd, 0);
  nn_tensor_alloc(&g->values[sizes].t, NULL);
  int64_t sz[4] = {1, 32, 20, 18};
  memcpy(g->values[sizes].t.data, sz, sizeof sz);
  g->values[sizes].is_const = 1;
  conv(g, x, 3, 32, c1, "w1");
  node(g, "Relu", 1, &c1, a, 0);
  conv(g, a, 32, 32, c2, "w2");
  node(g, "Relu", 1, &c2, b, 0);
  node(g, "Add", 2, (int[]){b, a}, c, 0);
  static const int64_t k2[2] = {2, 2};
  nn_node *mp = node(g, "MaxPool", 1, &c, d, 3);
  attr_ints(&mp->attrs[0], "kernel_shape", 2, k2);
  attr_ints(&mp->attrs[1], "strides", 2, k2);
  mp->attrs[2].name = strdup("ceil_mode");
  mp->attrs[2].type = NN_ATTR_INT;
  mp->attrs[2].i = 1;
  nn_node *rs = node(g, "Resize", 4, (int[]){d, -1, -1, sizes}, e, 1);
  attr_str(&rs->attrs[0], "mode", "linear");
  nn_node *cc = node(g, "Concat", 2, (int[]){e, c}, f, 1);
  cc->attrs[0].name = strdup("axis");
  cc->attrs[0].type = NN_ATTR_INT;
  cc->attrs[0].i = 1;
  conv(g, f, 64, 5, h, "w3");
  node(g, "Sigmoid", 1, &h, out, 0);
  g->outputs = malloc(sizeof(int));
  g->outputs[0] = out;
  g->n_outputs = 1;
  g->opset = 13;
  for (int i = 0; i < g->n_nodes; i++)
    if (g->nodes[i].op->prepare) g->nodes[i].op->prepare(&g->nodes[i], NULL);
  nn_graph_link(g);
  return g;
}

static int count(const nn_graph *g, const char *op) {
  int n = 0;
  for (int i = 0; i < g->n_nodes; i++) n += strcmp(g->nodes[i].op_type, op) == 0;
  return n;
}

/* The whole check with convolutions in the given precision; bfloat16 keeps
 * about 3 significant digits, so its results are compared with a looser bound.
 */
static void check_optimised(nn_precision prec) {
  nn_err err = {0};
  nn_set_precision(prec);
  /* (below AVX-512 there are no bfloat16 convolutions: BF16 is float32 there) */
  int bf16 = prec == NN_PREC_BF16 && nn_bf16_available();
  double bound = bf16 ? 0.1 : 1e-5, mean_bound = bf16 ? 5e-3 : 1e-6;
  printf("-- convolutions in %s%s\n", bf16 ? "bfloat16" : "float32",
         prec == NN_PREC_BF16 && !bf16 ? " (bfloat16 asked for: none at this ISA)" : "");
  nn_graph *plain = build(), *fast = build();
  nn_set_precision(NN_PREC_F32); /* the reference */
  CHECK(nn_prepare(plain, &err) == NN_OK);
  nn_set_precision(prec);
  CHECK(nn_prepare(fast, &err) == NN_OK);
  CHECK(nn_optimize(fast, &err) == NN_OK);
  if (err.code) fprintf(stderr, "%s\n", err.msg);

  /* fusion: both Relus into their convolutions; the Add into conv2 where oneDNN
   * can */
  CHECK(count(plain, "Relu") == 2 && count(fast, "Relu") == 0);
  CHECK(count(fast, "Conv") == 3);
  /* layout: activations blocked, so Reorders at the borders (Sigmoid and the
   * output) */
  if (nn_layout_block()) {
    CHECK(count(fast, "Reorder") >= 1);
    /* in float32 channel-blocked, in bfloat16 channels-last */
    int want = bf16 ? NN_BLOCK_CL : nn_layout_block(), blocked = 0;
    CHECK(fast->layout == want);
    for (int v = 0; v < fast->n_values; v++) blocked += fast->values[v].t.block == want;
    CHECK(blocked >= 4);
  }
  /* plan: values alive at once never share bytes */
  CHECK(fast->plan_offset != NULL && fast->plan_size > 0);
  int nv = fast->n_values;
  int *first = malloc(sizeof(int) * (size_t)nv), *last = malloc(sizeof(int) * (size_t)nv);
  for (int v = 0; v < nv; v++) first[v] = last[v] = -1;
  for (int i = 0; i < fast->n_nodes; i++) {
    const nn_node *n = &fast->nodes[i];
    if (n->out[0] >= 0 && first[n->out[0]] < 0) first[n->out[0]] = last[n->out[0]] = i;
    for (int k = 0; k < n->n_in; k++)
      if (n->in[k] >= 0 && first[n->in[k]] >= 0) last[n->in[k]] = i;
  }
  int concat_slices = 0;
  for (int u = 0; u < nv; u++)
    for (int v = u + 1; v < nv; v++) {
      int64_t ou = fast->plan_offset[u], ov = fast->plan_offset[v];
      if (ou < 0 || ov < 0 || first[u] < 0 || first[v] < 0) continue;
      int alive_together = !(last[u] < first[v] || last[v] < first[u]);
      int64_t su = (int64_t)nn_nbytes(&fast->values[u].t),
              sv = (int64_t)nn_nbytes(&fast->values[v].t);
      int overlap = ou < ov + sv && ov < ou + su;
      /* a convolution with a fused Add writes over its addend on purpose, and a
       * Concat's inputs may be written straight into their slices of its output
       */
      int fused_pair = 0;
      for (int i = 0; i < fast->n_nodes; i++) {
        const nn_node *n = &fast->nodes[i];
        if (n->n_in > 3 &&
            ((n->in[3] == u && n->out[0] == v) || (n->in[3] == v && n->out[0] == u)))
          fused_pair = 1;
        if (strcmp(n->op_type, "Concat")) continue;
        for (int k = 0; k < n->n_in; k++) {
          int in = n->in[k], o = n->out[0];
          if (!((in == u && o == v) || (in == v && o == u))) continue;
          const nn_node *pn = &fast->nodes[fast->values[in].producer];
          /* a convolution's output that lives in its addend's buffer is copied
           * instead, and so is every input of a channels-last Concat */
          if (!strcmp(pn->op_type, "Conv") && pn->n_in > 3) continue;
          if (fast->values[o].t.block < 0) continue;
          int64_t at = 0; /* the input's slice must be exactly where the copy
                             would put it */
          for (int j = 0; j < k; j++) at += (int64_t)nn_nbytes(&fast->values[n->in[j]].t);
          CHECK(fast->plan_offset[in] == fast->plan_offset[o] + at);
          fused_pair = 1;
          concat_slices++;
        }
      }
      if (alive_together && overlap && !fused_pair) {
        fprintf(stderr, "values %s and %s overlap in the arena\n", fast->values[u].name,
                fast->values[v].name);
        CHECK(0);
      }
    }
  printf("concat inputs written in place: %d\n", concat_slices);
  /* the same results, twice (the second run reuses the arena) */
  int64_t xd[4] = {1, 3, 20, 18};
  nn_tensor *x = nn_tensor_new(NN_F32, 4, xd, &err);
  for (int64_t i = 0; i < nn_numel(x); i++) ((float *)x->data)[i] = frand() * 4;
  nn_tensor *want = NULL, *got = NULL;
  nn_set_precision(NN_PREC_F32);
  CHECK(nn_run(plain, &x, 1, &want, 1, &err) == NN_OK);
  nn_set_precision(prec);
  for (int r = 0; r < 2; r++) {
    nn_tensor_free(got);
    got = NULL;
    CHECK(nn_run(fast, &x, 1, &got, 1, &err) == NN_OK);
    if (!got || !want) break;
    CHECK(got->block == 0 && nn_same_shape(got, want));
    double worst = 0, total = 0;
    for (int64_t i = 0; i < nn_numel(want); i++) {
      double dd = ((float *)got->data)[i] - ((float *)want->data)[i];
      if (dd < 0) dd = -dd;
      if (dd > worst) worst = dd;
      total += dd;
    }
    double mean = total / (double)nn_numel(want);
    printf("run %d: |optimised - plain| max %.3g, mean %.3g over %lld values\n", r + 1, worst,
           mean, (long long)nn_numel(want));
    CHECK(worst < bound);
    CHECK(mean < mean_bound);
  }
  /* each node's scratch in the arena clears every value living while the node runs */
  int scratched = 0;
  CHECK(fast->scratch_offset != NULL);
  for (int i = 0; fast->scratch_offset && i < fast->n_nodes; i++) {
    int64_t so = fast->scratch_offset[i];
    size_t ss = fast->nodes[i].scratch;
    if (so < 0) {
      CHECK(ss == 0);
      continue;
    }
    scratched++;
    CHECK((size_t)so + ss <= fast->arena_size);
    for (int v = 0; v < nv; v++) {
      int64_t ov = fast->plan_offset[v], sv = (int64_t)nn_nbytes(&fast->values[v].t);
      if (ov < 0 || first[v] < 0 || first[v] > i || last[v] < i) continue;
      if (ov < so + (int64_t)ss && so < ov + sv) {
        fprintf(stderr, "node %s's scratch overlaps value %s\n", fast->nodes[i].name,
                fast->values[v].name);
        CHECK(0);
      }
    }
  }
  printf("nodes with their scratch in the arena: %d\n", scratched);
  nn_tensor_free(got);
  nn_tensor_free(want);
  nn_tensor_free(x);
  free(first);
  free(last);
  nn_graph_free(plain);
  nn_graph_free(fast);
}

int main(void) {
  nn_set_threads(2);
  check_optimised(NN_PREC_F32);
  check_optimised(NN_PREC_BF16);
  return CHECK_DONE();
}
