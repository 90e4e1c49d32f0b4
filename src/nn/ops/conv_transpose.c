/* ConvTranspose: the transposed (fractionally strided) convolution of 1-D to 3-D data with
 * groups, dilations, pads, output_padding, output_shape and auto_pad, and optional bias; and
 * its gradients. oneDNN's deconvolution on plain f32 layouts (W is C x M/group x kernel,
 * oneDNN's "iohw"), forward and backward side by side. */
#include <stdlib.h>
#include <string.h>

#include "nn/dnnl_ctx.h"
#include "nn/op.h"

#define MAX_SP 3

typedef struct ct_geom {
  int nsp;
  int64_t n, c, m, group;
  int64_t in[MAX_SP], out[MAX_SP], k[MAX_SP], s[MAX_SP], d[MAX_SP], pl[MAX_SP], pr[MAX_SP];
} ct_geom;

/* one attribute's values for nsp axes, def when absent; -1 when its length is wrong */
static int axis_attr(const nn_node *node, const char *name, int nsp, int64_t def, int64_t *v,
                     int per_axis) {
  int n;
  const int64_t *a = nn_attr_ints(node, name, &n);
  for (int i = 0; i < per_axis * nsp; i++) v[i] = def;
  if (!a) return 0;
  if (n != per_axis * nsp) return -1;
  memcpy(v, a, sizeof(int64_t) * (size_t)n);
  return 0;
}

static int geometry(const nn_node *node, const nn_tensor *x, const nn_tensor *w, ct_geom *g,
                    nn_err *err) {
  if (x->ndim < 0 || w->ndim < 0) return NN_EUNKNOWN;
  int nsp = x->ndim - 2;
  if (nsp < 1 || nsp > MAX_SP || w->ndim != x->ndim)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input and weights must be 3-D to 5-D");
  memset(g, 0, sizeof *g);
  g->nsp = nsp;
  g->n = x->dims[0];
  g->c = x->dims[1];
  g->group = nn_attr_int(node, "group", 1);
  if (g->group < 1 || (g->c >= 0 && g->c % g->group))
    return nn_node_fail(node, err, NN_EINVAL, "group must divide the input channels");
  g->m = w->dims[1] * g->group;
  if (w->dims[0] >= 0 && g->c >= 0 && w->dims[0] != g->c)
    return nn_node_fail(node, err, NN_EINVAL, "weights have %lld input channels, X has %lld",
                        (long long)w->dims[0], (long long)g->c);
  int64_t pads[2 * MAX_SP], op[MAX_SP], os[MAX_SP], ker[MAX_SP];
  int nos;
  const int64_t *oshape = nn_attr_ints(node, "output_shape", &nos);
  if (axis_attr(node, "strides", nsp, 1, g->s, 1) ||
      axis_attr(node, "dilations", nsp, 1, g->d, 1) ||
      axis_attr(node, "pads", nsp, 0, pads, 2) ||
      axis_attr(node, "output_padding", nsp, 0, op, 1) ||
      axis_attr(node, "kernel_shape", nsp, 0, ker, 1))
    return nn_node_fail(node, err, NN_EINVAL, "an attribute has the wrong number of values");
  if (oshape && nos != nsp && nos != nsp + 2)
    return nn_node_fail(node, err, NN_EINVAL, "output_shape has the wrong number of values");
  for (int i = 0; oshape && i < nsp; i++) os[i] = oshape[nos == nsp ? i : i + 2];
  const char *ap = nn_attr_str(node, "auto_pad", "NOTSET");
  int same = !strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER");
  int upper = !strcmp(ap, "SAME_UPPER");
  if (!same && strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
    return nn_node_fail(node, err, NN_EINVAL, "auto_pad '%s' is not known", ap);
  for (int i = 0; i < nsp; i++) {
    g->in[i] = x->dims[2 + i];
    g->k[i] = w->dims[2 + i];
    if (ker[i] && g->k[i] >= 0 && ker[i] != g->k[i])
      return nn_node_fail(node, err, NN_EINVAL, "kernel_shape differs from the weights");
    if (g->s[i] < 1 || g->d[i] < 1 || op[i] < 0 || pads[i] < 0 || pads[nsp + i] < 0)
      return nn_node_fail(node, err, NN_EINVAL, "strides, dilations and pads must be positive");
    if (g->in[i] < 0 || g->k[i] < 0) return NN_EUNKNOWN;
    int64_t full = g->s[i] * (g->in[i] - 1) + op[i] + (g->k[i] - 1) * g->d[i] + 1;
    if (oshape || same) {
      int64_t want = oshape ? os[i] : g->in[i] * g->s[i], total = full - want;
      if (total < 0) total = 0; /* grown by output_padding-like zeros below */
      g->pl[i] = upper ? total / 2 : total - total / 2;
      g->pr[i] = total - g->pl[i];
      g->out[i] = want;
    } else {
      g->pl[i] = pads[i];
      g->pr[i] = pads[nsp + i];
      g->out[i] = full - g->pl[i] - g->pr[i];
    }
    g->pr[i] -= op[i] + (g->out[i] - (full - g->pl[i] - g->pr[i])); /* oneDNN's right pad */
    if (g->out[i] < 1) return nn_node_fail(node, err, NN_EINVAL, "the output would be empty");
  }
  return NN_OK;
}

static int ct_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                    nn_err *err) {
  (void)n_out;
  const nn_tensor *x = in[0], *w = in[1];
  if (x->dtype != NN_F32 && x->dtype != NN_F16)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(x->dtype));
  if (w->dtype != x->dtype || (n_in > 2 && in[2] && in[2]->dtype != x->dtype))
    return nn_node_fail(node, err, NN_EINVAL, "weights and bias must have X's type");
  ct_geom g;
  int rc = geometry(node, x, w, &g, err);
  if (rc) return rc;
  int64_t dims[NN_MAX_DIMS] = {g.n, g.m};
  for (int i = 0; i < g.nsp; i++) dims[2 + i] = g.out[i];
  nn_set_shape(out[0], x->dtype, x->ndim, dims);
  return NN_OK;
}

static const dnnl_format_tag_t wei_tags[] = {dnnl_bac, dnnl_iohw, dnnl_iodhw};
static const dnnl_format_tag_t gwei_tags[] = {dnnl_acbd, dnnl_giohw, dnnl_giodhw};

enum { FWD, BWD_DATA, BWD_WEIGHTS };

/* One deconvolution pass: FWD y = deconv(x, w) + b; BWD_DATA dx = d/dx; BWD_WEIGHTS dw, db.
 * p[0..3] are x (or dx), w (or dw), b (or db), y (or dy), plain f32. */
static int deconv(const nn_node *node, const ct_geom *g, int pass, void *const *p, nn_err *err) {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  int rc = nn_dnnl_ctx(&engine, &stream, err);
  if (rc) return rc;
  int nsp = g->nsp, wn = 0;
  dnnl_dims_t sd, wd, bd, dd, st, dl, pl, pr;
  sd[0] = dd[0] = g->n;
  sd[1] = g->c;
  dd[1] = g->m;
  if (g->group > 1) wd[wn++] = g->group;
  wd[wn++] = g->m / g->group; /* oneDNN's o, i order; the iohw tag says where they are */
  wd[wn++] = g->c / g->group;
  bd[0] = g->m;
  for (int i = 0; i < nsp; i++) {
    sd[2 + i] = g->in[i];
    dd[2 + i] = g->out[i];
    wd[wn++] = g->k[i];
    st[i] = g->s[i];
    dl[i] = g->d[i] - 1;
    pl[i] = g->pl[i];
    pr[i] = g->pr[i];
  }
  dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
  dnnl_deconvolution_desc_t fd, bdsc;
  dnnl_primitive_desc_t fpd = NULL, pd = NULL;
  dnnl_primitive_t prim = NULL;
  dnnl_memory_t mem[4] = {0};
  dnnl_format_tag_t data_tag = nn_dnnl_data_tags[nsp - 1];
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_md, nsp + 2, sd, dnnl_f32, data_tag), "source");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst_md, nsp + 2, dd, dnnl_f32, data_tag), "dest");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&wei_md, wn, wd, dnnl_f32,
                                   g->group > 1 ? gwei_tags[nsp - 1] : wei_tags[nsp - 1]),
      "weights");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&bias_md, 1, bd, dnnl_f32, dnnl_a), "bias");
  DNNL_TRY(dnnl_dilated_deconvolution_forward_desc_init(
          &fd, pass == FWD ? dnnl_forward_inference : dnnl_forward_training,
          dnnl_deconvolution_direct, &src_md, &wei_md, p[2] || pass != FWD ? &bias_md : NULL,
          &dst_md, st, dl, pl, pr),
      "deconvolution descriptor");
  DNNL_TRY(dnnl_primitive_desc_create(&fpd, &fd, NULL, engine, NULL), "deconvolution");
  int nargs = 0;
  dnnl_exec_arg_t a[4];
  if (pass == FWD) {
    pd = fpd, fpd = NULL;
    DNNL_TRY(dnnl_memory_create(&mem[0], &src_md, engine, p[0]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[1], &wei_md, engine, p[1]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[3], &dst_md, engine, p[3]), "memory");
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SRC, mem[0]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, mem[1]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DST, mem[3]};
    if (p[2]) {
      DNNL_TRY(dnnl_memory_create(&mem[2], &bias_md, engine, p[2]), "memory");
      a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, mem[2]};
    }
  } else if (pass == BWD_DATA) {
    DNNL_TRY(dnnl_dilated_deconvolution_backward_data_desc_init(&bdsc, dnnl_deconvolution_direct,
                                                           &src_md, &wei_md, &dst_md, st, dl,
                                                           pl, pr),
        "backward-data descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &bdsc, NULL, engine, fpd), "backward data");
    DNNL_TRY(dnnl_memory_create(&mem[0], &src_md, engine, p[0]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[1], &wei_md, engine, p[1]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[3], &dst_md, engine, p[3]), "memory");
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_SRC, mem[0]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, mem[1]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, mem[3]};
  } else {
    DNNL_TRY(dnnl_dilated_deconvolution_backward_weights_desc_init(
            &bdsc, dnnl_deconvolution_direct, &src_md, &wei_md, &bias_md, &dst_md, st, dl, pl,
            pr),
        "backward-weights descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &bdsc, NULL, engine, fpd), "backward weights");
    DNNL_TRY(dnnl_memory_create(&mem[0], &src_md, engine, p[0]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[1], &wei_md, engine, p[1]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[2], &bias_md, engine, p[2]), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[3], &dst_md, engine, p[3]), "memory");
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SRC, mem[0]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_WEIGHTS, mem[1]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_BIAS, mem[2]};
    a[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, mem[3]};
  }
  DNNL_TRY(dnnl_primitive_create(&prim, pd), "deconvolution primitive");
  DNNL_TRY(dnnl_primitive_execute(prim, stream, nargs, a), "deconvolution");
  DNNL_TRY(dnnl_stream_wait(stream), "stream wait");
done:
  for (int i = 0; i < 4; i++)
    if (mem[i]) dnnl_memory_destroy(mem[i]);
  if (prim) dnnl_primitive_destroy(prim);
  if (pd) dnnl_primitive_desc_destroy(pd);
  if (fpd) dnnl_primitive_desc_destroy(fpd);
  return rc;
}

static int ct_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                  nn_err *err) {
  (void)n_out;
  ct_geom g;
  int rc = geometry(node, in[0], in[1], &g, err);
  if (rc) return rc == NN_EUNKNOWN ? nn_node_fail(node, err, NN_EINVAL, "shapes not known") : rc;
  void *p[4] = {in[0]->data, in[1]->data, n_in > 2 && in[2] ? in[2]->data : NULL, out[0]->data};
  rc = deconv(node, &g, FWD, p, err);
  if (rc || out[0]->dtype != NN_F16) return rc;
  float *y = out[0]->data;
  for (int64_t i = 0, n = nn_numel(out[0]); i < n; i++) y[i] = nn_round_half(y[i]);
  return NN_OK;
}

static int add_pass(const nn_node *node, const ct_geom *g, int pass, void **p, int slot,
                    float *dst, size_t count, nn_err *err) {
  float *tmp = malloc(sizeof(float) * (count ? count : 1));
  float *tb = pass == BWD_WEIGHTS ? malloc(sizeof(float) * (size_t)g->m) : NULL;
  if (!tmp || (pass == BWD_WEIGHTS && !tb)) {
    free(tmp);
    free(tb);
    return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  }
  void *keep = p[slot], *keepb = p[2];
  p[slot] = tmp;
  if (tb) p[2] = tb;
  int rc = deconv(node, g, pass, p, err);
  p[slot] = keep;
  p[2] = keepb;
  for (size_t i = 0; !rc && i < count; i++) dst[i] += tmp[i];
  if (!rc && tb && keepb)
    for (int64_t i = 0; i < g->m; i++) ((float *)keepb)[i] += tb[i];
  free(tmp);
  free(tb);
  return rc;
}

static int ct_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                       int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, n_in, out, n_out, dout, din, err);
  if (rc || !dout[0]) return rc;
  ct_geom g;
  rc = geometry(node, in[0], in[1], &g, err);
  if (rc) return rc;
  float *db = n_in > 2 && din[2] ? din[2]->data : NULL;
  if (din[0]) {
    void *p[4] = {NULL, in[1]->data, NULL, dout[0]->data};
    rc = add_pass(node, &g, BWD_DATA, p, 0, din[0]->data, (size_t)nn_numel(in[0]), err);
  }
  if (!rc && (din[1] || db)) {
    float *dw = din[1] ? din[1]->data : NULL;
    size_t wcount = (size_t)nn_numel(in[1]);
    float *scratch = dw ? NULL : calloc(wcount ? wcount : 1, sizeof *scratch);
    if (!dw && !scratch) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
    void *p[4] = {in[0]->data, NULL, db, dout[0]->data};
    rc = add_pass(node, &g, BWD_WEIGHTS, p, 1, dw ? dw : scratch, wcount, err);
    free(scratch);
  }
  return rc;
}

const nn_op nn_op_ConvTranspose = {.name = "ConvTranspose",
                                   .min_inputs = 2,
                                   .max_inputs = 3,
                                   .min_outputs = 1,
                                   .max_outputs = 1,
                                   .shape = ct_shape,
                                   .run = ct_run,
                                   .backward = ct_backward};
