/* TensorFlow ops -> the engine's ONNX-semantics ops, NCHW inside (see nn/tfjs.h).
 * A TensorFlow node's result is the IR value named as the node; the loader's own values
 * are named "<node>:<what>", which no TensorFlow tensor is (theirs end in a digit). */
#include "nn/tfjs_convert.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"
#include "nn/tfjs_attr.h"

/* NHWC axis -> NCHW axis, and back. */
static const int to_nchw[4] = {0, 2, 3, 1};
static const int64_t perm_to_nchw[4] = {0, 3, 1, 2}, perm_to_nhwc[4] = {0, 2, 3, 1};

static int fail_node(const tfjs_node *n, nn_err *err, nn_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_node(const tfjs_node *n, nn_err *err, nn_code code, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return nn_fail(err, code, "%s node '%s': %s", n->op, n->name, msg);
}

int tfjs_find(const tfjs_ctx *c, const char *name) {
  size_t len = strcspn(name, ":");
  if (name[len] && strcmp(name + len, ":0") != 0) return -1; /* a node's other outputs */
  for (int k = 0; k < c->n_nodes; k++)
    if (strlen(c->nodes[k].name) == len && !strncmp(c->nodes[k].name, name, len)) return k;
  return -1;
}

/* The TensorFlow node of node k's data input i. */
static int input_node(tfjs_ctx *c, int k, int i, nn_err *err) {
  const tfjs_node *n = &c->nodes[k];
  const char *s = tfjs_input(n->j, i);
  int j = s ? tfjs_find(c, s) : -1;
  if (j < 0)
    return fail_node(n, err, NN_EUNSUPPORTED, "input %d ('%s') is not the first output of a "
                     "node in the graph", i, s ? s : ""), -1;
  return j;
}

static int is_const(const tfjs_ctx *c, int j) { return !strcmp(c->nodes[j].op, "Const"); }

/* The value of Const node j. */
static const tfjs_weight *const_of(const tfjs_ctx *c, int j) {
  const tfjs_node *n = &c->nodes[j];
  return n->inline_w ? n->inline_w : tfjs_weights_find(&c->ws, n->name);
}

/* Node k's input i, which must be a Const; NULL (err set) when it is not. */
static const tfjs_weight *const_input(tfjs_ctx *c, int k, int i, nn_err *err) {
  int j = input_node(c, k, i, err);
  if (j < 0) return NULL;
  const tfjs_weight *w = is_const(c, j) ? const_of(c, j) : NULL;
  if (!w)
    fail_node(&c->nodes[k], err, NN_EUNSUPPORTED, "input %d ('%s') must be a constant", i,
              c->nodes[j].name);
  return w;
}

/* An integer Const input of node k as a list into v (at most max): its count, -1 on error. */
static int const_ints(tfjs_ctx *c, int k, int i, int64_t *v, int max, nn_err *err) {
  const tfjs_weight *w = const_input(c, k, i, err);
  if (!w) return -1;
  if (!w->is_int || w->rank > 1 || w->count > (size_t)max)
    return fail_node(&c->nodes[k], err, NN_EUNSUPPORTED, "input %d must be a short list of "
                     "int32", i), -1;
  for (size_t e = 0; e < w->count; e++) v[e] = w->i[e];
  return (int)w->count;
}

/* A new IR constant named NAME (float32, or int64 when i64 is given). */
static int new_const(tfjs_ctx *c, const char *name, int ndim, const int64_t *dims,
                     const float *f, const int64_t *i64, nn_err *err) {
  if (nn_graph_find(c->g, name) >= 0)
    return nn_fail(err, NN_EFORMAT, "two values are named '%s'", name), -1;
  int id = nn_graph_value(c->g, name);
  nn_tensor *t = id < 0 ? NULL : nn_tensor_new_unset(i64 ? NN_I64 : NN_F32, ndim, dims, err);
  if (!t) {
    if (id < 0) nn_fail(err, NN_ENOMEM, "out of memory");
    return -1;
  }
  memcpy(t->data, i64 ? (const void *)i64 : (const void *)f, nn_nbytes(t));
  nn_value *v = &c->g->values[id];
  nn_tensor_release(&v->t);
  v->t = *t;
  free(t);
  v->is_const = 1;
  return id;
}

static void value_name(char *buf, size_t len, const tfjs_node *n, const char *what) {
  snprintf(buf, len, "%s%s%s", n->name, what ? ":" : "", what ? what : "");
}

/* The IR value of Const node j as TensorFlow holds it (layout 0), or as a 4-D NHWC operand
 * of an NCHW activation (layout 1: padded to rank 4 by leading 1s and transposed). */
static int const_value(tfjs_ctx *c, int j, int layout, nn_err *err) {
  tfjs_node *n = &c->nodes[j];
  const tfjs_weight *w = const_of(c, j);
  if (!w) return nn_fail(err, NN_EFORMAT, "Const node '%s' has no value", n->name), -1;
  if (layout && w->rank == 0) layout = 0; /* a scalar fits any layout */
  char name[1024];
  value_name(name, sizeof name, n, layout ? "nchw" : NULL);
  int id = nn_graph_find(c->g, name);
  if (id >= 0) return id;
  if (layout && w->rank > 4)
    return fail_node(n, err, NN_EUNSUPPORTED, "a constant of rank %d cannot meet a 4-D "
                     "activation", w->rank), -1;
  size_t count = w->count;
  float *f = malloc((count ? count : 1) * sizeof *f);
  int64_t *i64 = w->is_int ? malloc((count ? count : 1) * sizeof *i64) : NULL;
  if (!f || (w->is_int && !i64)) {
    free(f);
    return nn_fail(err, NN_ENOMEM, "out of memory"), -1;
  }
  int64_t dims[TFJS_MAX_DIMS];
  int ndim = w->rank;
  memcpy(dims, w->dims, sizeof dims);
  if (!layout) {
    for (size_t e = 0; e < count; e++) {
      if (w->is_int) i64[e] = w->i[e];
      else f[e] = w->f[e];
    }
  } else {
    int64_t d4[4] = {1, 1, 1, 1};
    for (int a = 0; a < w->rank; a++) d4[4 - w->rank + a] = w->dims[a];
    ndim = 4;
    for (int a = 0; a < 4; a++) dims[a] = d4[perm_to_nchw[a]];
    size_t e = 0;
    for (int64_t a = 0; a < d4[0]; a++)
      for (int64_t ch = 0; ch < d4[3]; ch++)
        for (int64_t y = 0; y < d4[1]; y++)
          for (int64_t x = 0; x < d4[2]; x++, e++) {
            size_t s = (size_t)(((a * d4[1] + y) * d4[2] + x) * d4[3] + ch);
            if (w->is_int) i64[e] = w->i[s];
            else f[e] = w->f[s];
          }
  }
  id = new_const(c, name, ndim, dims, f, i64, err);
  free(f);
  free(i64);
  return id;
}

/* Attributes of the IR node being made. */
typedef struct attrs {
  nn_attr a[8];
  int n;
} attrs;

static nn_attr *add_attr(attrs *as, const char *name, nn_attr_type type) {
  nn_attr *a = &as->a[as->n++];
  memset(a, 0, sizeof *a);
  a->name = strdup(name);
  a->type = type;
  return a;
}

static void attrs_free(attrs *as) {
  for (int i = 0; i < as->n; i++) {
    free(as->a[i].name);
    free(as->a[i].s);
    free(as->a[i].ints);
  }
  as->n = 0;
}

static void attr_int(attrs *as, const char *name, int64_t v) {
  add_attr(as, name, NN_ATTR_INT)->i = v;
}

static void attr_float(attrs *as, const char *name, float v) {
  add_attr(as, name, NN_ATTR_FLOAT)->f = v;
}

static void attr_str(attrs *as, const char *name, const char *v) {
  add_attr(as, name, NN_ATTR_STRING)->s = strdup(v);
}

static void attr_ints(attrs *as, const char *name, const int64_t *v, int n) {
  nn_attr *a = add_attr(as, name, NN_ATTR_INTS);
  a->ints = malloc(sizeof *v * (size_t)(n + 1));
  if (a->ints) memcpy(a->ints, v, sizeof *v * (size_t)n);
  a->n = n;
}

/* Adds an IR node OP (default domain) reading ins and writing the value named OUT (created
 * here), with the attributes as (taken over, even on failure); prepared as the ONNX loader
 * prepares its nodes. The new value's id, -1 on failure. */
static int emit(tfjs_ctx *c, const char *op_type, const int *ins, int n_in, const char *out,
                attrs *as, nn_err *err) {
  attrs none = {.n = 0};
  if (!as) as = &none;
  const nn_op *op = nn_op_find("", op_type);
  int idx = op ? nn_graph_add_node(c->g) : -1;
  nn_node *n = idx >= 0 ? &c->g->nodes[idx] : NULL;
  if (n) {
    n->attrs = calloc((size_t)as->n + 1, sizeof(nn_attr));
    if (n->attrs) {
      memcpy(n->attrs, as->a, sizeof(nn_attr) * (size_t)as->n);
      n->n_attr = as->n;
      as->n = 0;
    }
  }
  attrs_free(as); /* what was not taken over */
  if (!op) return nn_fail(err, NN_EUNSUPPORTED, "the engine has no op %s", op_type), -1;
  if (!n || !n->attrs) return nn_fail(err, NN_ENOMEM, "out of memory"), -1;
  int exists = nn_graph_find(c->g, out) >= 0;
  int id = exists ? -1 : nn_graph_value(c->g, out);
  n = &c->g->nodes[idx];
  n->name = strdup(out);
  n->op_type = strdup(op_type);
  n->domain = strdup("");
  n->in = malloc(sizeof(int) * (size_t)(n_in + 1));
  n->out = malloc(sizeof(int));
  if (exists) return nn_fail(err, NN_EFORMAT, "two values are named '%s'", out), -1;
  if (id < 0 || !n->name || !n->op_type || !n->domain || !n->in || !n->out)
    return nn_fail(err, NN_ENOMEM, "out of memory"), -1;
  for (int i = 0; i < n->n_attr; i++)
    if (!n->attrs[i].name || (n->attrs[i].type == NN_ATTR_STRING && !n->attrs[i].s) ||
        (n->attrs[i].type == NN_ATTR_INTS && !n->attrs[i].ints))
      return nn_fail(err, NN_ENOMEM, "out of memory"), -1;
  n->n_in = n_in;
  memcpy(n->in, ins, sizeof(int) * (size_t)n_in);
  n->n_out = 1;
  n->out[0] = id;
  if (op->prepare && op->prepare(n, err)) return -1;
  n->op = op;
  return id;
}

/* The name of node k's result: its own, or "<name>:nchw" when it is a requested output held
 * NCHW, which the loader then transposes into the value of its own name. */
static void result_name(char *buf, size_t len, const tfjs_node *n, int nchw) {
  value_name(buf, len, n, n->is_out && nchw ? "nchw" : NULL);
}

/* An activation after a convolution or alone: Relu, Relu6 (Clip 0..6), Sigmoid, Tanh,
 * LeakyRelu; id -1 (err set) for others. */
static int activation(tfjs_ctx *c, const tfjs_node *n, const char *act, float alpha, int x,
                      const char *out, nn_err *err) {
  if (!strcmp(act, "Relu") || !strcmp(act, "Sigmoid") || !strcmp(act, "Tanh"))
    return emit(c, act, &x, 1, out, NULL, err);
  if (!strcmp(act, "LeakyRelu")) {
    attrs as = {.n = 0};
    attr_float(&as, "alpha", alpha);
    return emit(c, "LeakyRelu", &x, 1, out, &as, err);
  }
  if (!strcmp(act, "Relu6")) {
    char name[1024];
    const float lo = 0, hi = 6;
    int in[3] = {x, -1, -1};
    snprintf(name, sizeof name, "%s:min", out);
    in[1] = new_const(c, name, 0, NULL, &lo, NULL, err);
    snprintf(name, sizeof name, "%s:max", out);
    in[2] = in[1] < 0 ? -1 : new_const(c, name, 0, NULL, &hi, NULL, err);
    return in[2] < 0 ? -1 : emit(c, "Clip", in, 3, out, NULL, err);
  }
  return fail_node(n, err, NN_EUNSUPPORTED, "activation %s is not supported", act), -1;
}

/* data_format must be NHWC (the default). */
static int check_nhwc(const tfjs_node *n, nn_err *err) {
  char buf[16];
  const char *f = tfjs_attr_str(n->j, "data_format", "NHWC", buf, sizeof buf);
  if (!f || strcmp(f, "NHWC"))
    return fail_node(n, err, NN_EUNSUPPORTED, "data_format %s is not supported (NHWC only)",
                     f ? f : "?");
  return NN_OK;
}

/* Node k's activation input i, which must be held NCHW (a 4-D NHWC tensor in TensorFlow). */
static int nchw_input(tfjs_ctx *c, int k, int i, nn_err *err) {
  int j = input_node(c, k, i, err);
  if (j < 0) return -1;
  if (!c->nodes[j].nchw || c->nodes[j].id < 0)
    return fail_node(&c->nodes[k], err, NN_EUNSUPPORTED,
                     "input %d ('%s') must be a 4-D activation", i, c->nodes[j].name), -1;
  return c->nodes[j].id;
}

/* strides or dilations (NHWC order, batch and channel 1) as 2 spatial values; ksize too. */
static int spatial_pair(const tfjs_node *n, const char *name, int64_t *v, nn_err *err) {
  int64_t a[4];
  int cnt = tfjs_attr_ints(n->j, name, a, 4);
  if (cnt == -1 && !tfjs_attr(n->j, name)) cnt = 0;
  if (cnt == 0) {
    v[0] = v[1] = 1;
    return NN_OK;
  }
  if (cnt != 4 || a[0] != 1 || a[3] != 1 || a[1] < 1 || a[2] < 1)
    return fail_node(n, err, NN_EUNSUPPORTED, "%s must be [1, h, w, 1]", name);
  v[0] = a[1];
  v[1] = a[2];
  return NN_OK;
}

/* padding SAME / VALID / EXPLICIT (explicit_paddings) as ONNX attributes. */
static int padding(const tfjs_node *n, attrs *as, nn_err *err) {
  char buf[16];
  const char *p = tfjs_attr_str(n->j, "padding", "VALID", buf, sizeof buf);
  if (p && !strcmp(p, "SAME")) {
    attr_str(as, "auto_pad", "SAME_UPPER"); /* TensorFlow pads the odd pixel at the end */
  } else if (p && !strcmp(p, "VALID")) {
    attr_str(as, "auto_pad", "VALID");
  } else if (p && !strcmp(p, "EXPLICIT")) {
    int64_t e[8];
    if (tfjs_attr_ints(n->j, "explicit_paddings", e, 8) != 8 || e[0] || e[1] || e[6] || e[7])
      return fail_node(n, err, NN_EUNSUPPORTED,
                       "explicit_paddings must pad height and width only (8 values)");
    for (int i = 2; i < 6; i++)
      if (e[i] < 0) return fail_node(n, err, NN_EINVAL, "explicit_paddings are negative");
    int64_t pads[4] = {e[2], e[4], e[3], e[5]};
    attr_ints(as, "pads", pads, 4);
  } else {
    return fail_node(n, err, NN_EUNSUPPORTED, "padding %s is not supported", p ? p : "?");
  }
  return NN_OK;
}

/* Conv2D, DepthwiseConv2dNative and their fused forms (_FusedConv2D,
 * FusedDepthwiseConv2dNative: BiasAdd or FusedBatchNorm, then an optional activation). */
static int conv(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  int depthwise = strstr(n->op, "Depthwise") != NULL;
  int rc = check_nhwc(n, err);
  int x = rc ? -1 : nchw_input(c, k, 0, err);
  const tfjs_weight *w = x < 0 ? NULL : const_input(c, k, 1, err);
  if (!w) return err->code;
  if (w->is_int || w->rank != 4)
    return fail_node(n, err, NN_EUNSUPPORTED, "the filter must be 4-D float");
  int64_t kh = w->dims[0], kw = w->dims[1], ci = w->dims[2], co = w->dims[3];
  int64_t oc = depthwise ? ci * co : co, ic = depthwise ? 1 : ci;
  /* the fused ops: none, or BiasAdd / FusedBatchNorm, then at most one activation */
  char op0[32] = "", act[32] = "";
  int n_fused = 0;
  const char *s = tfjs_attr_strs(n->j, "fused_ops", 0, &n_fused, op0, sizeof op0);
  if (n_fused > 0 && !s) return fail_node(n, err, NN_EFORMAT, "fused_ops is malformed");
  if (n_fused == 2 && !tfjs_attr_strs(n->j, "fused_ops", 1, &n_fused, act, sizeof act))
    return fail_node(n, err, NN_EFORMAT, "fused_ops is malformed");
  int bn = n_fused > 0 && !strcmp(op0, "FusedBatchNorm");
  if (n_fused > 2 || (n_fused > 0 && !bn && strcmp(op0, "BiasAdd")))
    return fail_node(n, err, NN_EUNSUPPORTED, "fused_ops %s%s%s (%d ops) are not supported",
                     op0, n_fused > 1 ? ", " : "", act, n_fused);
  int n_args = n_fused ? (bn ? 4 : 1) : 0;
  if (tfjs_attr_int(n->j, "num_args", n_args) != n_args || tfjs_n_inputs(n->j) != 2 + n_args)
    return fail_node(n, err, NN_EUNSUPPORTED, "%d inputs and num_args %lld for fused_ops %s",
                     tfjs_n_inputs(n->j), (long long)tfjs_attr_int(n->j, "num_args", -1),
                     n_fused ? op0 : "(none)");
  const tfjs_weight *arg[4] = {0};
  for (int i = 0; i < n_args; i++) {
    if (!(arg[i] = const_input(c, k, 2 + i, err))) return err->code;
    if (arg[i]->is_int || arg[i]->count != (size_t)oc)
      return fail_node(n, err, NN_EINVAL, "argument %d has %zu values for %lld channels", i,
                       arg[i]->count, (long long)oc);
  }
  attrs as = {.n = 0};
  int64_t st[2], dil[2];
  if (spatial_pair(n, "strides", st, err) || spatial_pair(n, "dilations", dil, err) ||
      padding(n, &as, err)) {
    attrs_free(&as);
    return err->code;
  }
  attr_ints(&as, "strides", st, 2);
  attr_ints(&as, "dilations", dil, 2);
  attr_int(&as, "group", depthwise ? ci : 1);
  /* weights HWIO (depthwise HWCM) -> OIHW; bias; a batch norm folded into both */
  size_t nw = (size_t)(oc * ic * kh * kw);
  float *wt = malloc(nw * sizeof *wt), *b = calloc((size_t)oc, sizeof *b);
  if (!wt || !b) {
    free(wt);
    free(b);
    attrs_free(&as);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  for (int64_t o = 0; o < oc; o++)
    for (int64_t i = 0; i < ic; i++)
      for (int64_t y = 0; y < kh; y++)
        for (int64_t xx = 0; xx < kw; xx++) {
          size_t src = depthwise ? (size_t)((y * kw + xx) * ci * co + o)
                                 : (size_t)(((y * kw + xx) * ci + i) * co + o);
          wt[((o * ic + i) * kh + y) * kw + xx] = w->f[src];
        }
  float eps = tfjs_attr_float(n->j, "epsilon", 0.0001f);
  for (int64_t o = 0; o < oc; o++) {
    if (!bn) {
      b[o] = n_args ? arg[0]->f[o] : 0;
      continue;
    }
    /* scale, offset, mean, variance */
    float sc = arg[0]->f[o] / sqrtf(arg[3]->f[o] + eps);
    for (int64_t e = 0; e < ic * kh * kw; e++) wt[o * ic * kh * kw + e] *= sc;
    b[o] = arg[1]->f[o] - arg[2]->f[o] * sc;
  }
  char wname[1024], bname[1024], out[1024];
  value_name(wname, sizeof wname, n, "weights");
  value_name(bname, sizeof bname, n, "bias");
  int64_t wd[4] = {oc, ic, kh, kw};
  int ins[3] = {x, new_const(c, wname, 4, wd, wt, NULL, err), -1};
  if (ins[1] >= 0) ins[2] = new_const(c, bname, 1, &oc, b, NULL, err);
  free(wt);
  free(b);
  if (ins[2] < 0) {
    attrs_free(&as);
    return err->code;
  }
  result_name(out, sizeof out, n, 1);
  if (act[0]) value_name(out, sizeof out, n, "conv");
  n->id = emit(c, "Conv", ins, 3, out, &as, err);
  if (n->id >= 0 && act[0]) {
    result_name(out, sizeof out, n, 1);
    n->id = activation(c, n, act, tfjs_attr_float(n->j, "leakyrelu_alpha", 0.2f), n->id, out,
                       err);
  }
  n->nchw = 1;
  return n->id < 0 ? err->code : NN_OK;
}

/* The IR value of node k's input i as an operand beside others: activations as they are,
 * constants in the layout (0 as TensorFlow has them, 1 NCHW) of the activations. */
static int operand(tfjs_ctx *c, int k, int i, int nchw, nn_err *err) {
  int j = input_node(c, k, i, err);
  if (j < 0) return -1;
  if (is_const(c, j)) return const_value(c, j, nchw, err);
  if (c->nodes[j].nchw != nchw)
    return fail_node(&c->nodes[k], err, NN_EUNSUPPORTED, "input '%s' is %s, others are not",
                     c->nodes[j].name, nchw ? "not a 4-D activation" : "a 4-D activation"),
           -1;
  return c->nodes[j].id;
}

/* 1 when any of node k's first n inputs is an activation held NCHW. */
static int any_nchw(tfjs_ctx *c, int k, int n, nn_err *err) {
  int r = 0;
  for (int i = 0; i < n; i++) {
    int j = input_node(c, k, i, err);
    if (j < 0) return -1;
    if (!is_const(c, j) && c->nodes[j].nchw) r = 1;
  }
  return r;
}

/* Add, AddV2, BiasAdd, Sub, Mul, RealDiv: numpy broadcasting, as the ONNX ops. */
static int binary(tfjs_ctx *c, int k, const char *op_type, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  if (tfjs_n_inputs(n->j) != 2) return fail_node(n, err, NN_EINVAL, "needs 2 inputs");
  if (!strcmp(n->op, "BiasAdd") && check_nhwc(n, err)) return err->code;
  int nchw = any_nchw(c, k, 2, err);
  if (nchw < 0) return err->code;
  int ins[2];
  for (int i = 0; i < 2; i++)
    if ((ins[i] = operand(c, k, i, nchw, err)) < 0) return err->code;
  char out[1024];
  result_name(out, sizeof out, n, nchw);
  n->id = emit(c, op_type, ins, 2, out, NULL, err);
  n->nchw = nchw;
  return n->id < 0 ? err->code : NN_OK;
}

/* Relu, Relu6, Sigmoid, Tanh, LeakyRelu, Identity: the input's layout kept. */
static int unary(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  if (tfjs_n_inputs(n->j) != 1) return fail_node(n, err, NN_EINVAL, "needs 1 input");
  int j = input_node(c, k, 0, err);
  if (j < 0) return err->code;
  int nchw = !is_const(c, j) && c->nodes[j].nchw;
  int x = operand(c, k, 0, nchw, err);
  if (x < 0) return err->code;
  char out[1024];
  result_name(out, sizeof out, n, nchw);
  if (!strcmp(n->op, "Identity") || !strcmp(n->op, "StopGradient"))
    n->id = emit(c, "Identity", &x, 1, out, NULL, err);
  else
    n->id = activation(c, n, n->op, tfjs_attr_float(n->j, "alpha", 0.2f), x, out, err);
  n->nchw = nchw;
  return n->id < 0 ? err->code : NN_OK;
}

/* Mean(x, reduction_indices) with keep_dims: ReduceMean over the axes. On an NCHW
 * activation without keep_dims, only reductions that leave the kept axes in TensorFlow's
 * order (all of H, W and C, or C kept alone with N) are taken. */
static int mean(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  int64_t ax[8];
  if (tfjs_n_inputs(n->j) != 2) return fail_node(n, err, NN_EINVAL, "needs 2 inputs");
  int na = const_ints(c, k, 1, ax, 8, err);
  if (na < 0) return err->code;
  int j = input_node(c, k, 0, err);
  if (j < 0) return err->code;
  int nchw = !is_const(c, j) && c->nodes[j].nchw;
  int keep = tfjs_attr_bool(n->j, "keep_dims", 0);
  if (nchw) {
    int red[4] = {0};
    for (int i = 0; i < na; i++) {
      int a = nn_axis(ax[i], 4);
      if (a < 0) return fail_node(n, err, NN_EINVAL, "axis %lld is out of range", (long long)ax[i]);
      red[a] = 1;
      ax[i] = to_nchw[a];
    }
    if (!keep && !red[3] && !(red[1] && red[2]))
      return fail_node(n, err, NN_EUNSUPPORTED, "a reduction that keeps the channels and "
                       "height or width needs keep_dims");
  }
  int x = operand(c, k, 0, nchw, err);
  if (x < 0) return err->code;
  attrs as = {.n = 0};
  attr_ints(&as, "axes", ax, na);
  attr_int(&as, "keepdims", keep);
  char out[1024];
  n->nchw = nchw && keep;
  result_name(out, sizeof out, n, n->nchw);
  n->id = na ? emit(c, "ReduceMean", &x, 1, out, &as, err)
             : emit(c, "Identity", &x, 1, out, NULL, err); /* (no axes: the input) */
  if (!na) attrs_free(&as);
  return n->id < 0 ? err->code : NN_OK;
}

/* ConcatV2(x..., axis): Concat. */
static int concat(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  int ni = tfjs_n_inputs(n->j) - 1;
  int64_t axis;
  if (ni < 1 || ni > 64) return fail_node(n, err, NN_EUNSUPPORTED, "%d inputs", ni + 1);
  int cnt = const_ints(c, k, ni, &axis, 1, err);
  if (cnt < 0) return err->code;
  if (cnt != 1) return fail_node(n, err, NN_EINVAL, "the axis must be one value");
  int nchw = any_nchw(c, k, ni, err), ins[64];
  if (nchw < 0) return err->code;
  if (nchw) {
    int a = nn_axis(axis, 4);
    if (a < 0) return fail_node(n, err, NN_EINVAL, "axis %lld is out of range", (long long)axis);
    axis = to_nchw[a];
  }
  for (int i = 0; i < ni; i++)
    if ((ins[i] = operand(c, k, i, nchw, err)) < 0) return err->code;
  attrs as = {.n = 0};
  attr_int(&as, "axis", axis);
  char out[1024];
  result_name(out, sizeof out, n, nchw);
  n->id = emit(c, "Concat", ins, ni, out, &as, err);
  n->nchw = nchw;
  return n->id < 0 ? err->code : NN_OK;
}

/* ResizeBilinear(x, size): Resize (linear) to sizes N, C, size, where N, C come from x's
 * shape (Shape, Slice, Concat: folded at prepare when the shape is known). */
static int resize(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  int ac = tfjs_attr_bool(n->j, "align_corners", 0), hp = tfjs_attr_bool(n->j, "half_pixel_centers", 0);
  if (ac && hp)
    return fail_node(n, err, NN_EINVAL, "align_corners and half_pixel_centers are both set");
  int64_t hw[2];
  if (tfjs_n_inputs(n->j) != 2) return fail_node(n, err, NN_EINVAL, "needs 2 inputs");
  int x = nchw_input(c, k, 0, err);
  int cnt = x < 0 ? -1 : const_ints(c, k, 1, hw, 2, err);
  if (cnt < 0) return err->code;
  if (cnt != 2) return fail_node(n, err, NN_EINVAL, "size must be 2 values");
  if (hw[0] < 1 || hw[1] < 1) return fail_node(n, err, NN_EINVAL, "size must be positive");
  char name[1024], nc[1024], sz[1024], out[1024];
  const int64_t zero = 0, two = 2, one = 1;
  value_name(name, sizeof name, n, "shape");
  int shape = emit(c, "Shape", &x, 1, name, NULL, err);
  int sl[4] = {shape, -1, -1, -1};
  value_name(name, sizeof name, n, "starts");
  if (shape >= 0) sl[1] = new_const(c, name, 1, &one, NULL, &zero, err);
  value_name(name, sizeof name, n, "ends");
  if (sl[1] >= 0) sl[2] = new_const(c, name, 1, &one, NULL, &two, err);
  value_name(nc, sizeof nc, n, "nc");
  int cat[2] = {sl[2] < 0 ? -1 : emit(c, "Slice", sl, 3, nc, NULL, err), -1};
  value_name(name, sizeof name, n, "hw");
  if (cat[0] >= 0) cat[1] = new_const(c, name, 1, &two, NULL, hw, err);
  attrs as = {.n = 0};
  attr_int(&as, "axis", 0);
  value_name(sz, sizeof sz, n, "sizes");
  int ins[4] = {x, -1, -1, cat[1] < 0 ? -1 : emit(c, "Concat", cat, 2, sz, &as, err)};
  attrs_free(&as); /* what Concat did not take */
  if (ins[3] < 0) return err->code;
  attr_str(&as, "mode", "linear");
  attr_str(&as, "coordinate_transformation_mode",
           ac ? "align_corners" : hp ? "half_pixel" : "asymmetric");
  result_name(out, sizeof out, n, 1);
  n->id = emit(c, "Resize", ins, 4, out, &as, err);
  n->nchw = 1;
  return n->id < 0 ? err->code : NN_OK;
}

/* MaxPool (ksize, strides, padding SAME / VALID). */
static int maxpool(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  int64_t ks[2], st[2];
  int rc = check_nhwc(n, err);
  int x = rc ? -1 : nchw_input(c, k, 0, err);
  if (x < 0 || spatial_pair(n, "ksize", ks, err) || spatial_pair(n, "strides", st, err))
    return err->code;
  attrs as = {.n = 0};
  if (padding(n, &as, err)) {
    attrs_free(&as);
    return err->code;
  }
  attr_ints(&as, "kernel_shape", ks, 2);
  attr_ints(&as, "strides", st, 2);
  char out[1024];
  result_name(out, sizeof out, n, 1);
  n->id = emit(c, "MaxPool", &x, 1, out, &as, err);
  n->nchw = 1;
  return n->id < 0 ? err->code : NN_OK;
}

/* Placeholder: a graph input, NHWC when 4-D, followed by its Transpose to NCHW. */
static int placeholder(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(tfjs_attr(n->j, "shape"), "shape");
  const cJSON *dims = cJSON_GetObjectItemCaseSensitive(shape, "dim"), *d;
  const char *dt = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(tfjs_attr(n->j, "dtype"), "type"));
  if (!shape || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(shape, "unknownRank")))
    return fail_node(n, err, NN_EUNSUPPORTED, "the input's rank is not given");
  if (!dt || (strcmp(dt, "DT_FLOAT") && strcmp(dt, "DT_INT32")))
    return fail_node(n, err, NN_EUNSUPPORTED, "input type %s is not supported", dt ? dt : "?");
  int id = nn_graph_value(c->g, n->name);
  if (id < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
  nn_tensor *t = &c->g->values[id].t;
  t->dtype = strcmp(dt, "DT_FLOAT") ? NN_I32 : NN_F32;
  t->ndim = 0;
  cJSON_ArrayForEach(d, dims) {
    int64_t v = -1;
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(d, "size");
    if (t->ndim == NN_MAX_DIMS || (size && (tfjs_json_int(size, &v) || v < -1 || v > (1 << 24))))
      return fail_node(n, err, NN_EUNSUPPORTED, "the input's shape is not supported");
    t->dims[t->ndim++] = v;
  }
  n->id = id;
  if (t->ndim != 4) return NN_OK;
  if (n->is_out) return fail_node(n, err, NN_EUNSUPPORTED, "an input cannot be an output");
  attrs as = {.n = 0};
  attr_ints(&as, "perm", perm_to_nchw, 4);
  char out[1024];
  value_name(out, sizeof out, n, "nchw");
  n->id = emit(c, "Transpose", &id, 1, out, &as, err);
  n->nchw = 1;
  return n->id < 0 ? err->code : NN_OK;
}

int tfjs_convert_node(tfjs_ctx *c, int k, nn_err *err) {
  tfjs_node *n = &c->nodes[k];
  const char *op = n->op;
  int rc;
  if (!strcmp(op, "Const")) {
    if (!const_of(c, k)) return fail_node(n, err, NN_EFORMAT, "no value in the weights");
    if (!n->is_out) return NN_OK; /* made by its readers, in the layout they need */
    n->id = const_value(c, k, 0, err);
    return n->id < 0 ? err->code : NN_OK;
  }
  if (!strcmp(op, "Placeholder")) rc = placeholder(c, k, err);
  else if (!strcmp(op, "Conv2D") || !strcmp(op, "_FusedConv2D") ||
           !strcmp(op, "DepthwiseConv2dNative") || !strcmp(op, "FusedDepthwiseConv2dNative"))
    rc = conv(c, k, err);
  else if (!strcmp(op, "Add") || !strcmp(op, "AddV2") || !strcmp(op, "BiasAdd"))
    rc = binary(c, k, "Add", err);
  else if (!strcmp(op, "Sub")) rc = binary(c, k, "Sub", err);
  else if (!strcmp(op, "Mul")) rc = binary(c, k, "Mul", err);
  else if (!strcmp(op, "RealDiv")) rc = binary(c, k, "Div", err);
  else if (!strcmp(op, "Relu") || !strcmp(op, "Relu6") || !strcmp(op, "Sigmoid") ||
           !strcmp(op, "Tanh") || !strcmp(op, "LeakyRelu") || !strcmp(op, "Identity") ||
           !strcmp(op, "StopGradient"))
    rc = unary(c, k, err);
  else if (!strcmp(op, "Mean")) rc = mean(c, k, err);
  else if (!strcmp(op, "ConcatV2")) rc = concat(c, k, err);
  else if (!strcmp(op, "ResizeBilinear")) rc = resize(c, k, err);
  else if (!strcmp(op, "MaxPool")) rc = maxpool(c, k, err);
  else return nn_fail(err, NN_EUNSUPPORTED, "unsupported op %s (node '%s')", op, n->name);
  if (rc || !n->is_out || !n->nchw) return rc;
  /* a requested output held NCHW: back to TensorFlow's NHWC under its own name */
  attrs as = {.n = 0};
  attr_ints(&as, "perm", perm_to_nhwc, 4);
  int x = n->id;
  n->id = emit(c, "Transpose", &x, 1, n->name, &as, err);
  n->nchw = 0;
  return n->id < 0 ? err->code : NN_OK;
}
