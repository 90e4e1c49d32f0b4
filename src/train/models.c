/* The trainable architectures as engine graphs. */
#include "train/models.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/build.h"

static const char *const arch_names[] = {"encdec", "unet", "dlocal", "dglobal"};

int tr_arch_from_name(const char *name) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(name, arch_names[i])) return i;
  return -1;
}

int tr_arch_inputs(tr_arch arch) { return arch == TR_ENCDEC ? 3 : arch == TR_UNET ? 5 : 4; }

typedef struct ctx {
  tr_builder b;
  tr_model *m;
  uint64_t rng;
  int training;
  int failed;
} ctx;

static double gauss(uint64_t *s) { /* Box-Muller on splitmix64 */
  double u[2];
  for (int k = 0; k < 2; k++) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    u[k] = ((double)((z ^ (z >> 31)) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
  }
  return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

static int push(int **list, int *n, int v) {
  int *l = realloc(*list, sizeof(int) * (size_t)(*n + 1));
  if (!l) return -1;
  l[(*n)++] = v;
  *list = l;
  return 0;
}

/* a parameter: He-normal with fan_in when fan_in > 0, else the constant fill */
static int param(ctx *c, const char *prefix, const char *name, int nd, const int64_t *dims,
                 int64_t fan_in, float fill, int trainable) {
  int64_t n = 1;
  for (int i = 0; i < nd; i++) n *= dims[i];
  float *v = malloc(sizeof(float) * (size_t)n);
  if (!v) {
    c->failed = 1;
    return -1;
  }
  double sd = fan_in > 0 ? sqrt(2.0 / (double)fan_in) : 0;
  for (int64_t i = 0; i < n; i++) v[i] = fan_in > 0 ? (float)(sd * gauss(&c->rng)) : fill;
  char full[128];
  snprintf(full, sizeof full, "%s.%s", prefix, name);
  int id = tr_param(&c->b, full, nd, dims, v);
  free(v);
  if (id >= 0 && trainable && push(&c->m->params, &c->m->n_params, id)) c->failed = 1;
  return id;
}

static int conv(ctx *c, const char *name, int x, int64_t cin, int64_t cout, int64_t k,
                int64_t stride, int64_t pad, int bias) {
  int64_t wd[4] = {cout, cin, k, k}, bd[1] = {cout};
  int w = param(c, name, "weight", 4, wd, cin * k * k, 0, 1);
  int b = bias ? param(c, name, "bias", 1, bd, 0, 0, 1) : -1;
  tr_attr a[3] = {TR_INTS("kernel_shape", 2, k, k), TR_INTS("strides", 2, stride, stride),
                  TR_INTS("pads", 4, pad, pad, pad, pad)};
  return tr_op(&c->b, "Conv", (int[]){x, w, b}, bias ? 3 : 2, a, 3);
}

static int deconv(ctx *c, const char *name, int x, int64_t cin, int64_t cout) {
  int64_t wd[4] = {cin, cout, 4, 4}, bd[1] = {cout};
  int w = param(c, name, "weight", 4, wd, cin * 4, 0, 1); /* each output sees cin * 4 taps */
  int b = param(c, name, "bias", 1, bd, 0, 0, 1);
  tr_attr a[3] = {TR_INTS("kernel_shape", 2, 4, 4), TR_INTS("strides", 2, 2, 2),
                  TR_INTS("pads", 4, 1, 1, 1, 1)};
  return tr_op(&c->b, "ConvTranspose", (int[]){x, w, b}, 3, a, 3);
}

/* running statistic output out is copied into initialiser to after each training step */
static int add_stat(tr_model *m, int out, int to) {
  int n = m->n_stats;
  if (push(&m->stats_out, &n, out)) return -1;
  n = m->n_stats;
  if (push(&m->stats_to, &n, to)) return -1;
  m->n_stats = n;
  return 0;
}

static int bn(ctx *c, const char *name, int x, int64_t ch) {
  int64_t d[1] = {ch};
  int s = param(c, name, "scale", 1, d, 0, 1, 1), b = param(c, name, "bias", 1, d, 0, 0, 1);
  int mean = param(c, name, "running_mean", 1, d, 0, 0, 0);
  int var = param(c, name, "running_var", 1, d, 0, 1, 0);
  tr_attr a[2] = {TR_INT("training_mode", c->training), TR_FLOAT("momentum", 0.9f)};
  int outs[3];
  int y = tr_node(&c->b, "BatchNormalization", (int[]){x, s, b, mean, var}, 5, a, 2,
                  c->training ? 3 : 1, outs);
  if (y >= 0 && c->training && (add_stat(c->m, outs[1], mean) || add_stat(c->m, outs[2], var)))
    c->failed = 1;
  return y;
}

static int act(ctx *c, const char *op, int x) {
  if (!strcmp(op, "LeakyRelu")) return tr_op(&c->b, op, &x, 1, &TR_FLOAT("alpha", 0.2f), 1);
  return tr_op(&c->b, op, &x, 1, NULL, 0);
}

static int dropout(ctx *c, const char *name, int x) {
  int r = param(c, name, "ratio", 0, NULL, 0, 0.5f, 0); /* scalars, as ONNX asks */
  int mode = param(c, name, "training", 0, NULL, 0, 0, 0);
  if (mode < 0) return -1;
  nn_tensor *t = &c->b.g->values[mode].t;
  t->dtype = NN_BOOL;
  *(uint8_t *)t->data = (uint8_t)c->training;
  int outs[2];
  return tr_node(&c->b, "Dropout", (int[]){x, r, mode}, 3,
                 &TR_INT("seed", (int64_t)(c->rng & 0x7fffffff)), 1, 2, outs);
}

static int upsample2(ctx *c, const char *name, int x) {
  int64_t four[1] = {4};
  int s = param(c, name, "scales", 1, four, 0, 1, 0);
  if (s < 0) return -1;
  ((float *)c->b.g->values[s].t.data)[2] = 2;
  ((float *)c->b.g->values[s].t.data)[3] = 2;
  tr_attr a[2] = {TR_STR("mode", "linear"), TR_STR("coordinate_transformation_mode", "half_pixel")};
  return tr_op(&c->b, "Resize", (int[]){x, -1, s}, 3, a, 2);
}

static int encdec(ctx *c, int x, const tr_arch_cfg *cfg) {
  char nm[64];
  int64_t ch = 3;
  for (int l = 0; l < cfg->levels; l++) {
    int64_t out = (int64_t)cfg->base << l;
    for (int k = 0; k < 2; k++) {
      snprintf(nm, sizeof nm, "enc%d.conv%d", l, k);
      x = conv(c, nm, x, ch, out, 3, 1, 1, 0);
      snprintf(nm, sizeof nm, "enc%d.bn%d", l, k);
      x = act(c, "Relu", bn(c, nm, x, out));
      ch = out;
    }
    if (l + 1 < cfg->levels)
      x = tr_op(&c->b, "MaxPool", &x, 1,
                (tr_attr[]){TR_INTS("kernel_shape", 2, 2, 2), TR_INTS("strides", 2, 2, 2)}, 2);
  }
  for (int l = cfg->levels - 2; l >= 0; l--) {
    int64_t out = (int64_t)cfg->base << l;
    snprintf(nm, sizeof nm, "dec%d.up", l);
    x = upsample2(c, nm, x);
    snprintf(nm, sizeof nm, "dec%d.conv", l);
    x = conv(c, nm, x, ch, out, 3, 1, 1, 0);
    snprintf(nm, sizeof nm, "dec%d.bn", l);
    x = act(c, "Relu", bn(c, nm, x, out));
    ch = out;
  }
  return act(c, "Sigmoid", conv(c, "head", x, ch, 1, 1, 1, 0, 1));
}

static int unet(ctx *c, int x, const tr_arch_cfg *cfg) {
  char nm[64];
  int skip[16];
  int64_t ch = 5, sch[16];
  x = act(c, "LeakyRelu", conv(c, "enc0.conv", x, ch, cfg->base, 3, 1, 1, 1));
  ch = cfg->base;
  for (int l = 1; l <= cfg->levels; l++) {
    skip[l - 1] = x, sch[l - 1] = ch;
    int64_t out = (int64_t)cfg->base << l;
    snprintf(nm, sizeof nm, "enc%d.conv", l);
    x = conv(c, nm, x, ch, out, 4, 2, 1, 0);
    snprintf(nm, sizeof nm, "enc%d.bn", l);
    x = act(c, "LeakyRelu", bn(c, nm, x, out));
    ch = out;
  }
  for (int l = cfg->levels; l >= 1; l--) {
    int64_t out = sch[l - 1];
    snprintf(nm, sizeof nm, "dec%d.deconv", l);
    x = deconv(c, nm, x, ch, out);
    snprintf(nm, sizeof nm, "dec%d.bn", l);
    x = act(c, "Relu", bn(c, nm, x, out));
    if (l == cfg->levels) {
      snprintf(nm, sizeof nm, "dec%d.dropout", l);
      x = dropout(c, nm, x);
    }
    x = tr_op(&c->b, "Concat", (int[]){x, skip[l - 1]}, 2, &TR_INT("axis", 1), 1);
    snprintf(nm, sizeof nm, "dec%d.conv", l);
    x = act(c, "Relu", conv(c, nm, x, 2 * out, out, 3, 1, 1, 1));
    ch = out;
  }
  return act(c, "Sigmoid", conv(c, "head", x, ch, 1, 1, 1, 0, 1));
}

static int dlocal(ctx *c, int x, const tr_arch_cfg *cfg) {
  int64_t b = cfg->base;
  x = act(c, "LeakyRelu", conv(c, "d0.conv", x, 4, b, 4, 2, 1, 1));
  x = act(c, "LeakyRelu", bn(c, "d1.bn", conv(c, "d1.conv", x, b, 2 * b, 4, 2, 1, 0), 2 * b));
  x = act(c, "LeakyRelu", bn(c, "d2.bn", conv(c, "d2.conv", x, 2 * b, 4 * b, 3, 1, 1, 0), 4 * b));
  return conv(c, "d3.conv", x, 4 * b, 1, 3, 1, 1, 1);
}

static int dglobal(ctx *c, int x, const tr_arch_cfg *cfg) {
  char nm[64];
  int64_t ch = 4, h = cfg->height, w = cfg->width;
  for (int l = 0; h > 4 || w > 4; l++) {
    int64_t out = (int64_t)cfg->base << (l < 3 ? l : 3);
    snprintf(nm, sizeof nm, "g%d.conv", l);
    x = conv(c, nm, x, ch, out, 5, 2, 2, l == 0);
    if (l > 0) {
      snprintf(nm, sizeof nm, "g%d.bn", l);
      x = bn(c, nm, x, out);
    }
    x = act(c, "LeakyRelu", x);
    ch = out, h = (h + 1) / 2, w = (w + 1) / 2;
  }
  /* one convolution over the whole remaining map: a fully connected layer */
  int64_t wd[4] = {1, ch, h, w}, bd[1] = {1};
  int wt = param(c, "fc", "weight", 4, wd, ch * h * w, 0, 1);
  int bi = param(c, "fc", "bias", 1, bd, 0, 0, 1);
  return tr_op(&c->b, "Conv", (int[]){x, wt, bi}, 3, &TR_INTS("kernel_shape", 2, h, w), 1);
}

void tr_model_free(tr_model *m) {
  if (!m) return;
  nn_graph_free(m->g);
  free(m->params);
  free(m->stats_out);
  free(m->stats_to);
  memset(m, 0, sizeof *m);
}

int tr_model_build(const tr_arch_cfg *cfg, tr_model *m, nn_err *err) {
  memset(m, 0, sizeof *m);
  int down = cfg->arch == TR_ENCDEC ? cfg->levels - 1 : cfg->arch == TR_UNET ? cfg->levels : 0;
  if (cfg->base < 1 || cfg->levels < 1 || cfg->levels > 8 || cfg->batch < 1 ||
      cfg->height < 8 || cfg->width < 8 || cfg->height % (1 << down) || cfg->width % (1 << down))
    return nn_fail(err, NN_EINVAL, "the model needs base >= 1, 1-8 levels, a batch, and a "
                   "crop of at least 8 pixels divisible by %d", 1 << down);
  ctx c = {.m = m, .rng = cfg->seed ^ 0x5DEECE66Dull, .training = cfg->training};
  tr_build_begin(&c.b);
  m->in_ch = tr_arch_inputs(cfg->arch);
  int64_t d[4] = {cfg->batch, m->in_ch, cfg->height, cfg->width};
  int x = tr_input(&c.b, "input", 4, d), y = -1;
  switch (cfg->arch) {
    case TR_ENCDEC: y = encdec(&c, x, cfg); break;
    case TR_UNET: y = unet(&c, x, cfg); break;
    case TR_DLOCAL: y = dlocal(&c, x, cfg); break;
    case TR_DGLOBAL: y = dglobal(&c, x, cfg); break;
  }
  tr_output(&c.b, y);
  m->g = tr_build_end(&c.b, err);
  if (!m->g || c.failed) {
    if (m->g && err) nn_fail(err, NN_ENOMEM, "out of memory building the model");
    tr_model_free(m);
    return err ? (err->code ? err->code : NN_ENOMEM) : NN_ENOMEM;
  }
  return NN_OK;
}

void tr_model_update_stats(tr_model *m, const nn_tensor *values) {
  for (int i = 0; i < m->n_stats; i++) {
    const nn_tensor *s = &values[m->stats_out[i]];
    nn_tensor *d = &m->g->values[m->stats_to[i]].t;
    if (s->data && d->data && nn_nbytes(s) == nn_nbytes(d)) memcpy(d->data, s->data, nn_nbytes(d));
  }
}

int tr_model_copy_weights(const nn_graph *src, nn_graph *dst, nn_err *err) {
  for (int v = 0; v < dst->n_values; v++) {
    nn_value *dv = &dst->values[v];
    if (!dv->is_const || !dv->t.data || dv->t.dtype == NN_BOOL) continue; /* mode flags stay */
    int s = nn_graph_find(src, dv->name);
    if (s < 0 || !src->values[s].t.data || nn_nbytes(&src->values[s].t) != nn_nbytes(&dv->t))
      return nn_fail(err, NN_EINVAL, "the weights have no '%s' of %zu bytes", dv->name,
                     nn_nbytes(&dv->t));
    memcpy(dv->t.data, src->values[s].t.data, nn_nbytes(&dv->t));
  }
  return NN_OK;
}
