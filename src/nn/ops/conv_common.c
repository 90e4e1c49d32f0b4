/* Shared parts of Conv and ConvInteger: attributes, geometry and the cached
 * oneDNN f32 convolution primitive. */
#include "nn/ops/conv_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/dnnl_ctx.h"
#include "nn/layout.h"
#include "nn/mem.h"
#include "nn/op.h"
#include "nn/precision.h"

/* The values a primitive depends on, in a fixed order (see geom_key). */
#define KEY_LEN (10 + 6 * NN_WIN_MAX_SP)

typedef struct nn_conv_prim {
  int64_t key[KEY_LEN];
  dnnl_primitive_t prim;
  dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
  dnnl_memory_desc_t wei_user_md; /* the weights as given (plain) */
  int wei_reorder;                /* the primitive wants another weights layout */
  const float *wei_from;          /* the weights buffer wei_buf was made from */
  void *wei_buf;                  /* the weights in the primitive's layout */
  size_t wei_bytes;               /* its size */
  int wei_owned;                  /* 1: allocated here (nn_mem_alloc); 0: in a mapped cache */
  int wei_packed;                 /* 1: made at load for the node's constant weights
                                     (nn_conv_pack), whether or not they are still there */
  /* bfloat16 (nn/precision.h): oneDNN's AMX kernels want channels-last data. With the
   * channels-last bfloat16 layout (nn/layout.h) x and y are in it and go to the primitive
   * as they are. Otherwise an f32 source is converted into a bfloat16 NHWC scratch
   * (src_reorder), and an f32 destination is written as f32 NHWC into scratch and
   * reordered into y's layout (dst_reorder), adding it to y's content when an Add is fused
   * (a sum post-op of the reorder rather than of the convolution). */
  int bf16;
  dnnl_memory_desc_t scratch_md; /* oneDNN's scratchpad, supplied by the caller's thread */
  dnnl_memory_desc_t src_user_md, dst_user_md; /* the source and destination as given */
  dnnl_primitive_t src_reorder, dst_reorder;   /* NULL: the primitive reads / writes them */
} nn_conv_prim;

static void prim_free(nn_conv_prim *p) {
  if (!p) return;
  if (p->prim) dnnl_primitive_destroy(p->prim);
  if (p->src_reorder) dnnl_primitive_destroy(p->src_reorder);
  if (p->dst_reorder) dnnl_primitive_destroy(p->dst_reorder);
  if (p->wei_owned) nn_mem_free(p->wei_buf, p->wei_bytes);
  free(p);
}

int nn_conv_fuse_relu(nn_node *node, nn_err *err) {
  if (nn_attr_set_int(node, "cutout.relu", 1))
    return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  ((nn_conv_params *)node->params)->relu = 1;
  return NN_OK;
}

int nn_conv_fused_relu(const nn_node *node) {
  return node->params ? ((const nn_conv_params *)node->params)->relu : 0;
}

int nn_conv_fuse_sum(nn_node *node, int s, nn_err *err) {
  int *in = realloc(node->in, sizeof(int) * 4);
  if (!in || nn_attr_set_int(node, "cutout.sum", 1)) {
    if (in) node->in = in;
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  node->in = in;
  for (int k = node->n_in; k < 3; k++) in[k] = -1; /* no bias */
  in[3] = s;
  node->n_in = 4;
  ((nn_conv_params *)node->params)->sum = 1;
  return NN_OK;
}

int nn_conv_fused_sum(const nn_node *node) {
  return node->params ? ((const nn_conv_params *)node->params)->sum : 0;
}

int nn_conv_prepare(nn_node *node, nn_err *err) {
  nn_conv_params *p = calloc(1, sizeof *p);
  if (!p) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  int rc = nn_win_parse(node, 0, &p->win, err);
  if (rc) {
    free(p);
    return rc;
  }
  p->group = nn_attr_int(node, "group", 1);
  if (p->group < 1) {
    free(p);
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'group' must be >= 1, not %lld",
                        (long long)nn_attr_int(node, "group", 1));
  }
  /* what nn_pass_fuse decided, when the graph comes back from the prepared-model cache */
  p->relu = nn_attr_int(node, "cutout.relu", 0) != 0;
  p->sum = nn_attr_int(node, "cutout.sum", 0) != 0;
  if (pthread_mutex_init(&p->lock, NULL)) {
    free(p);
    return nn_node_fail(node, err, NN_ENOMEM, "cannot create a mutex");
  }
  node->params = p;
  return NN_OK;
}

void nn_conv_release(nn_node *node) {
  nn_conv_params *p = node->params;
  if (!p) return;
  prim_free(p->prim);
  nn_conv_wino_free(p->wino);
  pthread_mutex_destroy(&p->lock);
  free(p);
  node->params = NULL;
}

int nn_conv_geometry(const nn_node *node, const nn_tensor *x, const nn_tensor *w,
                     nn_conv_geom *g, int64_t *out_dims, nn_err *err) {
  const nn_conv_params *p = node->params;
  if (x->ndim < 0 || w->ndim < 0) return NN_EUNKNOWN;
  if (x->ndim < 3)
    return nn_node_fail(node, err, NN_EINVAL, "input X has rank %d; expected N x C x spatial",
                        x->ndim);
  if (w->ndim != x->ndim)
    return nn_node_fail(node, err, NN_EINVAL, "weights W have rank %d but X has rank %d",
                        w->ndim, x->ndim);
  int nsp = x->ndim - 2;
  memset(g, 0, sizeof *g);
  g->n = x->dims[0];
  g->c = x->dims[1];
  g->m = w->dims[0];
  g->group = p->group;
  if (g->m >= 0 && g->m % p->group)
    return nn_node_fail(node, err, NN_EINVAL,
                        "%lld output channels do not split into %lld groups", (long long)g->m,
                        (long long)p->group);
  if (g->c >= 0 && w->dims[1] >= 0 && g->c != w->dims[1] * p->group)
    return nn_node_fail(node, err, NN_EINVAL,
                        "X has %lld channels but W expects %lld x %lld groups", (long long)g->c,
                        (long long)w->dims[1], (long long)p->group);
  const int64_t *kernel = w->dims + 2;
  for (int i = 0; i < nsp && p->win.n_kernel == nsp; i++)
    if (kernel[i] >= 0 && kernel[i] != p->win.kernel[i])
      return nn_node_fail(node, err, NN_EINVAL,
                          "attribute 'kernel_shape' does not match the weights' spatial dims");
  int64_t k[NN_WIN_MAX_SP];
  for (int i = 0; i < nsp && i < NN_WIN_MAX_SP; i++) {
    k[i] = kernel[i] >= 0 ? kernel[i] : (p->win.n_kernel == nsp ? p->win.kernel[i] : -1);
    if (k[i] < 0) return NN_EUNKNOWN;
  }
  int rc = nn_win_geometry(node, &p->win, nsp, x->dims + 2, k, &g->win, err);
  if (rc) return rc;
  out_dims[0] = g->n;
  out_dims[1] = g->m;
  for (int i = 0; i < nsp; i++) out_dims[2 + i] = g->win.out[i];
  return NN_OK;
}

static void geom_key(const nn_conv_geom *g, int has_bias, int x_block, int y_block, int relu,
                     int64_t *key) {
  int j = 0;
  key[j++] = x_block;
  key[j++] = y_block;
  key[j++] = relu; /* the post-ops: bit 0 relu, bit 1 sum; bit 2: bfloat16 */
  key[j++] = g->n;
  key[j++] = g->c;
  key[j++] = g->m;
  key[j++] = g->group;
  key[j++] = has_bias;
  key[j++] = g->win.nsp;
  key[j++] = 0;
  for (int i = 0; i < NN_WIN_MAX_SP; i++) {
    key[j++] = g->win.in[i];
    key[j++] = g->win.kernel[i];
    key[j++] = g->win.stride[i];
    key[j++] = g->win.dilation[i];
    key[j++] = g->win.pad_l[i];
    key[j++] = g->win.pad_r[i];
  }
}


/* 1 when the convolution runs on bfloat16: always with channels-last bfloat16 data;
 * for Conv (ConvInteger needs exact sums) in the blocked layout when convolutions run in
 * bfloat16 (nn_use_bf16). */
static int conv_bf16(const nn_node *node, int nsp, int x_block, int y_block) {
  if (x_block < 0 || y_block < 0) return 1;
  return (x_block || y_block) && nsp == 2 && x_block && nn_use_bf16() &&
         !strcmp(node->op_type, "Conv");
}

/* Creates the primitive for geometry g. */
static dnnl_format_tag_t blocked_tag(int block) {
  return block == 16 ? dnnl_nChw16c : block == 8 ? dnnl_nChw8c : dnnl_nchw;
}

static int prim_create(const nn_node *node, const nn_conv_geom *g, int has_bias, int x_block,
                       int y_block, int allow_bf16, nn_conv_prim **out, nn_err *err) {
  int relu = ((const nn_conv_params *)node->params)->relu;
  int sum = ((const nn_conv_params *)node->params)->sum;
  dnnl_post_ops_t post = NULL;
  dnnl_engine_t engine;
  int rc = nn_dnnl_ctx(&engine, NULL, err);
  if (rc) return rc;
  nn_conv_prim *p = calloc(1, sizeof *p);
  if (!p) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  int nsp = g->win.nsp;
  dnnl_dims_t sd, wd, bd, dd, strides, dil, pl, pr;
  sd[0] = dd[0] = g->n;
  sd[1] = g->c;
  dd[1] = g->m;
  int wn = 0;
  if (g->group > 1) wd[wn++] = g->group;
  wd[wn++] = g->m / g->group;
  wd[wn++] = g->c / g->group;
  bd[0] = g->m;
  for (int i = 0; i < nsp; i++) {
    sd[2 + i] = g->win.in[i];
    dd[2 + i] = g->win.out[i];
    wd[wn++] = g->win.kernel[i];
    strides[i] = g->win.stride[i];
    dil[i] = g->win.dilation[i] - 1; /* oneDNN counts the skipped elements */
    pl[i] = g->win.pad_l[i];
    pr[i] = g->win.pad_r[i];
  }
  dnnl_convolution_desc_t cd;
  int blocked = (x_block || y_block) && nsp == 2;
  /* (channels-last data is bfloat16 whatever allow_bf16 says) */
  p->bf16 = (x_block < 0 || y_block < 0) || (allow_bf16 && conv_bf16(node, nsp, x_block, y_block));
  dnnl_data_type_t in_type = p->bf16 ? dnnl_bf16 : dnnl_f32;
  /* the user's tensors: channels-last bfloat16, blocked or plain f32 */
  dnnl_format_tag_t src_tag = x_block < 0 ? dnnl_nhwc
                              : blocked   ? blocked_tag(x_block)
                                          : nn_dnnl_data_tags[nsp - 1];
  dnnl_format_tag_t dst_tag = y_block < 0 ? dnnl_nhwc
                              : blocked   ? blocked_tag(y_block)
                                          : nn_dnnl_data_tags[nsp - 1];
  /* a single channel is the same bytes in NHWC and NCHW: the primitive writes y itself */
  int dst_direct = !p->bf16 || y_block < 0 || (g->m == 1 && x_block < 0);
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->src_user_md, nsp + 2, sd,
                                        x_block < 0 ? dnnl_bf16 : dnnl_f32, src_tag),
           "source memory descriptor");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->dst_user_md, nsp + 2, dd,
                                        y_block < 0 ? dnnl_bf16 : dnnl_f32, dst_tag),
           "destination memory descriptor");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->src_md, nsp + 2, sd, in_type,
                                        p->bf16 ? dnnl_nhwc : src_tag),
           "source memory descriptor");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->dst_md, nsp + 2, dd,
                                        y_block < 0 ? dnnl_bf16 : dnnl_f32,
                                        p->bf16 ? dnnl_nhwc : dst_tag),
           "destination memory descriptor");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->wei_user_md, wn, wd, dnnl_f32,
                                        g->group > 1 ? nn_dnnl_gwei_tags[nsp - 1]
                                                     : nn_dnnl_wei_tags[nsp - 1]),
           "weights memory descriptor");
  p->wei_md = p->wei_user_md;
  if (blocked) /* let oneDNN choose the weights layout of its fastest kernel */
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->wei_md, wn, wd, in_type, dnnl_format_tag_any),
             "weights memory descriptor");
  if (has_bias)
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&p->bias_md, 1, bd, dnnl_f32, dnnl_a),
             "bias memory descriptor");
  /* Winograd where oneDNN has it (3x3, stride 1, blocked layouts) and where it
   * was measured to win on ISNet's convolutions: 1.5-2x over the direct kernels
   * with >= 64 channels in and out on planes of >= 64x64; far slower with few
   * output channels or small planes, whose transforms dominate (and its
   * transformed weights take 4x the memory). Its error
   * (~1e-6 relative) is far below the model's float16 precision. ConvInteger,
   * which needs exact sums, never gets here. */
  int wino = blocked && nsp == 2 && wd[wn - 1] == 3 && wd[wn - 2] == 3 && strides[0] == 1 &&
             strides[1] == 1 && dil[0] == 0 && dil[1] == 0 && g->group == 1 && g->c >= 64 &&
             g->m >= 64 && g->win.out[0] >= 64 && g->win.out[1] >= 64 && !p->bf16 &&
             !getenv("CUTOUT_NO_WINOGRAD");
  if (!wino ||
      dnnl_dilated_convolution_forward_desc_init(
          &cd, dnnl_forward_inference, dnnl_convolution_winograd, &p->src_md, &p->wei_md,
          has_bias ? &p->bias_md : NULL, &p->dst_md, strides, dil, pl, pr) != dnnl_success)
    wino = 0;
  if (!wino)
    DNNL_TRY(dnnl_dilated_convolution_forward_desc_init(
                 &cd, dnnl_forward_inference, dnnl_convolution_direct, &p->src_md, &p->wei_md,
                 has_bias ? &p->bias_md : NULL, &p->dst_md, strides, dil, pl, pr),
             "convolution descriptor");
  /* Plain f32 arithmetic whatever ONEDNN_DEFAULT_FPMATH_MODE says (bfloat16
   * only when asked for above): ConvInteger relies on sums of integers below
   * 2^24 being exact. */
  DNNL_TRY(dnnl_primitive_attr_create(&attr), "primitive attributes");
  DNNL_TRY(dnnl_primitive_attr_set_fpmath_mode(attr, dnnl_fpmath_mode_strict), "fpmath mode");
  /* The scratchpad comes with each run (nn_scratch of the running thread), so a primitive
   * made on one thread can run on another: oneDNN's own ("library") scratchpad is not. */
  DNNL_TRY(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
           "scratchpad mode");
  if (relu || (sum && dst_direct)) {
    DNNL_TRY(dnnl_post_ops_create(&post), "post-ops");
    if (relu)
      DNNL_TRY(dnnl_post_ops_append_eltwise(post, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f), "relu");
    if (sum && dst_direct) DNNL_TRY(dnnl_post_ops_append_sum(post, 1.0f), "sum");
    DNNL_TRY(dnnl_primitive_attr_set_post_ops(attr, post), "post-ops");
  }
  if (wino && dnnl_primitive_desc_create(&pd, &cd, attr, engine, NULL) == dnnl_success &&
      nn_few_runs() &&
      dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)) >
          NN_FEW_RUNS_WINO_MAX) {
    dnnl_primitive_desc_destroy(pd); /* (its scratch costs a fresh process more than it saves) */
    pd = NULL;
  }
  if (wino && !pd) { /* no Winograd kernel for this case, or too large: the direct one */
    DNNL_TRY(dnnl_dilated_convolution_forward_desc_init(
                 &cd, dnnl_forward_inference, dnnl_convolution_direct, &p->src_md, &p->wei_md,
                 has_bias ? &p->bias_md : NULL, &p->dst_md, strides, dil, pl, pr),
             "convolution descriptor");
  }
  if (!pd)
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &cd, attr, engine, NULL),
             "convolution primitive descriptor");
  if (getenv("CUTOUT_CONV_IMPL")) { /* diagnosis: each convolution's oneDNN kernel */
    const char *impl = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    fprintf(stderr, "%s %lldx%lld->%lld %lldx%lld k%lld d%lld: %s, scratchpad %zu KiB\n",
            node->name, (long long)g->c, (long long)g->win.in[0], (long long)g->m,
            (long long)g->win.out[0], (long long)g->win.out[1], (long long)g->win.kernel[0],
            (long long)g->win.dilation[0], impl,
            dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md,
                                                                   0)) >> 10);
  }
  p->wei_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  p->scratch_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  p->wei_reorder = !dnnl_memory_desc_equal(&p->wei_md, &p->wei_user_md);
  DNNL_TRY(dnnl_primitive_create(&p->prim, pd), "convolution primitive");
  if (p->bf16 && x_block >= 0) { /* f32 source -> bfloat16 NHWC */
    dnnl_primitive_desc_t rpd = NULL;
    DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &p->src_user_md, engine, &p->src_md,
                                                engine, NULL),
             "source reorder descriptor");
    dnnl_status_t made = dnnl_primitive_create(&p->src_reorder, rpd);
    dnnl_primitive_desc_destroy(rpd);
    DNNL_TRY(made, "source reorder");
  }
  if (!dst_direct) { /* f32 NHWC -> y's layout, adding onto y with a fused Add */
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_attr_t rattr = NULL;
    dnnl_post_ops_t rpost = NULL;
    if (sum) {
      DNNL_TRY(dnnl_primitive_attr_create(&rattr), "reorder attributes");
      if (dnnl_post_ops_create(&rpost) || dnnl_post_ops_append_sum(rpost, 1.0f) ||
          dnnl_primitive_attr_set_post_ops(rattr, rpost)) {
        if (rpost) dnnl_post_ops_destroy(rpost);
        dnnl_primitive_attr_destroy(rattr);
        rc = nn_node_fail(node, err, NN_EUNSUPPORTED, "oneDNN cannot add in a reorder");
        goto done;
      }
      dnnl_post_ops_destroy(rpost);
    }
    dnnl_status_t ok = dnnl_reorder_primitive_desc_create(&rpd, &p->dst_md, engine,
                                                          &p->dst_user_md, engine, rattr);
    if (rattr) dnnl_primitive_attr_destroy(rattr);
    DNNL_TRY(ok, "destination reorder descriptor");
    dnnl_status_t made = dnnl_primitive_create(&p->dst_reorder, rpd);
    dnnl_primitive_desc_destroy(rpd);
    DNNL_TRY(made, "destination reorder");
  }
  geom_key(g, has_bias, x_block, y_block, relu | sum << 1 | p->bf16 << 2, p->key);
  *out = p;
  p = NULL;
done:
  if (post) dnnl_post_ops_destroy(post);
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (pd) dnnl_primitive_desc_destroy(pd);
  prim_free(p);
  return rc;
}

/* The weights in the primitive's layout: reordered once per weights buffer. */
static int weights_for(const nn_node *node, nn_conv_prim *p, const float *w, const float **out,
                       nn_err *err) {
  *out = w;
  if (!p->wei_reorder && !w) /* (dropped after a pack for another kernel or layout) */
    return nn_node_fail(node, err, NN_EINVAL,
                        "the weights were prepared for other shapes; load the model again");
  if (!p->wei_reorder) return NN_OK;
  if (p->wei_buf && (p->wei_from == w || p->wei_packed)) {
    *out = p->wei_buf;
    return NN_OK;
  }
  if (!w) /* (the plain weights were dropped after nn_conv_pack) */
    return nn_node_fail(node, err, NN_EINVAL,
                        "the weights were prepared for other shapes; load the model again");
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  int rc = nn_dnnl_ctx(&engine, &stream, err);
  if (rc) return rc;
  dnnl_memory_t from = NULL, to = NULL;
  dnnl_primitive_desc_t rpd = NULL;
  dnnl_primitive_t r = NULL;
  if (p->wei_owned) nn_mem_free(p->wei_buf, p->wei_bytes);
  p->wei_from = NULL;
  p->wei_packed = 0;
  size_t bytes = dnnl_memory_desc_get_size(&p->wei_md);
  p->wei_buf = nn_mem_alloc(bytes);
  p->wei_bytes = bytes;
  p->wei_owned = p->wei_buf != NULL;
  if (!p->wei_buf) return nn_node_fail(node, err, NN_ENOMEM, "out of memory for weights");
  DNNL_TRY(dnnl_memory_create(&from, &p->wei_user_md, engine, (void *)w), "weights memory");
  DNNL_TRY(dnnl_memory_create(&to, &p->wei_md, engine, p->wei_buf), "weights memory");
  DNNL_TRY(dnnl_reorder_primitive_desc_create(&rpd, &p->wei_user_md, engine, &p->wei_md, engine,
                                              NULL),
           "weights reorder descriptor");
  DNNL_TRY(dnnl_primitive_create(&r, rpd), "weights reorder");
  dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
  DNNL_TRY(dnnl_primitive_execute(r, stream, 2, args), "weights reorder");
  DNNL_TRY(dnnl_stream_wait(stream), "stream wait");
  p->wei_from = w;
  *out = p->wei_buf;
done:
  if (r) dnnl_primitive_destroy(r);
  if (rpd) dnnl_primitive_desc_destroy(rpd);
  if (from) dnnl_memory_destroy(from);
  if (to) dnnl_memory_destroy(to);
  return rc;
}

/* 1 when the primitive for this geometry and these layouts is one of oneDNN's fast kernels
 * (not "ref"). */
static int fast_kernel(const nn_node *node, const nn_conv_geom *g, int x_block, int y_block,
                       int allow_bf16) {
  nn_err err;
  nn_conv_prim *p = NULL;
  if (prim_create(node, g, 1, x_block, y_block, allow_bf16, &p, &err) != NN_OK) return 0;
  const char *impl = "ref";
  const_dnnl_primitive_desc_t pd = NULL;
  if (dnnl_primitive_get_primitive_desc(p->prim, &pd) == dnnl_success)
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  int fast = strncmp(impl, "ref", 3) != 0;
  prim_free(p);
  return fast;
}

/* fast in float32 and, where it is used, in bfloat16: the precision may change later */
static int fast_f32_and_bf16(const nn_node *node, const nn_conv_geom *g, int x_block,
                             int y_block) {
  return fast_kernel(node, g, x_block, y_block, 0) &&
         (!nn_use_bf16() || fast_kernel(node, g, x_block, y_block, 1));
}

int nn_conv_blocked_ok(const nn_node *node, const nn_tensor *x, const nn_tensor *w, int block) {
  nn_conv_geom g;
  int64_t dims[NN_MAX_DIMS];
  nn_err err;
  if (x->ndim != 4 || nn_conv_geometry(node, x, w, &g, dims, &err) != NN_OK) return 0;
  if (nn_conv_wino_ok(node, &g, block, block)) return 1; /* our kernels take it */
  if (block < 0) /* channels-last: the output too, but for a mask (nn_pass_layout) */
    return strcmp(node->op_type, "Conv") == 0 &&
           fast_kernel(node, &g, block, g.m < NN_CL_MIN_CHANNELS ? 0 : block, 1);
  /* An image's few channels are read plain (nn_pass_layout): oneDNN's direct first-layer
   * kernels take plain input and write blocked output, where the plain layout would get its
   * gemm kernel (several times slower on its first run in a process). */
  if (g.c < NN_BLOCKED_MIN_IN_CHANNELS && fast_f32_and_bf16(node, &g, 0, block)) return 1;
  return fast_f32_and_bf16(node, &g, block, block);
}

/* Bytes of the running thread's scratch a run takes: oneDNN's scratchpad (*pad of them,
 * first), then the converted source and the f32 NHWC output where those go through
 * reorders (*sbytes: the source's). */
static size_t scratch_bytes(const nn_conv_prim *p, size_t *pad, size_t *sbytes) {
  *pad = (dnnl_memory_desc_get_size(&p->scratch_md) + 63) / 64 * 64;
  *sbytes = p->src_reorder ? (dnnl_memory_desc_get_size(&p->src_md) + 63) / 64 * 64 : 0;
  return *pad + *sbytes + (p->dst_reorder ? dnnl_memory_desc_get_size(&p->dst_md) : 0);
}

static int prim_run(const nn_node *node, nn_conv_prim *p, const float *x, const float *w,
                    const float *b, float *y, nn_err *err) {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  int rc = nn_dnnl_ctx(&engine, &stream, err);
  if (rc) return rc;
  rc = weights_for(node, p, w, &w, err);
  if (rc) return rc;
  dnnl_memory_t mem[5] = {NULL, NULL, NULL, NULL, NULL}, user_src = NULL, user_dst = NULL;
  dnnl_exec_arg_t args[5];
  size_t pad, sbytes, need = scratch_bytes(p, &pad, &sbytes);
  char *buf = need ? nn_node_scratch(node, need) : NULL;
  if (need && !buf) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  void *src = (void *)x, *dst = y;
  if (p->src_reorder) {
    src = buf + pad;
    DNNL_TRY(dnnl_memory_create(&user_src, &p->src_user_md, engine, (void *)x), "source memory");
  }
  if (p->dst_reorder) {
    dst = buf + pad + sbytes;
    DNNL_TRY(dnnl_memory_create(&user_dst, &p->dst_user_md, engine, y), "destination memory");
  }
  DNNL_TRY(dnnl_memory_create(&mem[0], &p->src_md, engine, src), "source memory");
  DNNL_TRY(dnnl_memory_create(&mem[1], &p->wei_md, engine, (void *)w), "weights memory");
  DNNL_TRY(dnnl_memory_create(&mem[2], &p->dst_md, engine, dst), "destination memory");
  if (p->src_reorder) {
    dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, user_src}, {DNNL_ARG_TO, mem[0]}};
    DNNL_TRY(dnnl_primitive_execute(p->src_reorder, stream, 2, r), "source reorder");
  }
  int nargs = 3;
  args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, mem[0]};
  args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, mem[1]};
  args[2] = (dnnl_exec_arg_t){DNNL_ARG_DST, mem[2]};
  if (b) {
    DNNL_TRY(dnnl_memory_create(&mem[3], &p->bias_md, engine, (void *)b), "bias memory");
    args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, mem[3]};
  }
  if (pad) {
    DNNL_TRY(dnnl_memory_create(&mem[4], &p->scratch_md, engine, buf), "scratchpad memory");
    args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, mem[4]};
  }
  DNNL_TRY(dnnl_primitive_execute(p->prim, stream, nargs, args), "convolution");
  if (p->dst_reorder) {
    dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, mem[2]}, {DNNL_ARG_TO, user_dst}};
    DNNL_TRY(dnnl_primitive_execute(p->dst_reorder, stream, 2, r), "destination reorder");
  }
  DNNL_TRY(dnnl_stream_wait(stream), "stream wait");
done:
  for (int i = 0; i < 5; i++)
    if (mem[i]) dnnl_memory_destroy(mem[i]);
  if (user_src) dnnl_memory_destroy(user_src);
  if (user_dst) dnnl_memory_destroy(user_dst);
  return rc;
}

/* The node's primitive for this geometry and these layouts, made (again) when the cached one
 * is for others. Called with the node's lock held. */
static int prim_for(const nn_node *node, const nn_conv_geom *g, int has_bias, int x_block,
                    int y_block, nn_err *err) {
  nn_conv_params *p = node->params;
  int64_t key[KEY_LEN];
  int bf16 = conv_bf16(node, g->win.nsp, x_block, y_block);
  geom_key(g, has_bias, x_block, y_block, p->relu | p->sum << 1 | bf16 << 2, key);
  if (p->prim && !memcmp(p->prim->key, key, sizeof key)) return NN_OK;
  prim_free(p->prim);
  p->prim = NULL;
  return prim_create(node, g, has_bias, x_block, y_block, 1, &p->prim, err);
}

int nn_conv_f32(const nn_node *node, const nn_conv_geom *g, const float *x, int x_block,
                const float *w, const float *b, float *y, int y_block, nn_err *err) {
  nn_conv_params *p = node->params;
  if (g->n == 0 || g->m == 0) return NN_OK;
  for (int i = 0; i < g->win.nsp; i++)
    if (g->win.out[i] == 0) return NN_OK;
  int wino = nn_conv_wino_ok(node, g, x_block, y_block);
  pthread_mutex_lock(&p->lock);
  int rc = wino ? nn_conv_wino_run(node, g, x, w, b, y, err)
                : prim_for(node, g, b != NULL, x_block, y_block, err);
  if (!rc && !wino) rc = prim_run(node, p->prim, x, w, b, y, err);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int nn_conv_pack(nn_node *node, const nn_conv_geom *g, int x_block, const float *w, int has_bias,
                 int y_block, const nn_packed *prev, nn_err *err) {
  nn_conv_params *cp = node->params;
  if (g->n == 0 || g->m == 0) return NN_OK; /* (runs do nothing) */
  for (int i = 0; i < g->win.nsp; i++)
    if (g->win.out[i] == 0) return NN_OK;
  if (nn_conv_wino_ok(node, g, x_block, y_block)) {
    pthread_mutex_lock(&cp->lock);
    int rc = nn_conv_wino_pack(node, g, w, prev, err);
    node->scratch = rc ? 0 : nn_conv_wino_scratch(g);
    pthread_mutex_unlock(&cp->lock);
    return rc;
  }
  pthread_mutex_lock(&cp->lock);
  int rc = prim_for(node, g, has_bias, x_block, y_block, err);
  nn_conv_prim *p = cp->prim;
  if (!rc && p->wei_reorder) {
    size_t bytes = dnnl_memory_desc_get_size(&p->wei_md);
    if (prev && prev->meta_bytes == sizeof p->wei_md && prev->data_bytes == bytes &&
        dnnl_memory_desc_equal(prev->meta, &p->wei_md)) { /* the cache's: as they are */
      if (p->wei_owned) nn_mem_free(p->wei_buf, p->wei_bytes);
      p->wei_buf = (void *)prev->data;
      p->wei_bytes = bytes;
      p->wei_owned = 0;
    } else {
      const float *out;
      rc = weights_for(node, p, w, &out, err);
    }
    p->wei_from = w;
    p->wei_packed = !rc;
  }
  size_t pad, sbytes;
  node->scratch = rc ? 0 : scratch_bytes(p, &pad, &sbytes);
  pthread_mutex_unlock(&cp->lock);
  return rc;
}

int nn_conv_packed(const nn_node *node, nn_packed *out) {
  const nn_conv_params *cp = node->params;
  if (nn_conv_wino_packed(node, out)) return 1;
  const nn_conv_prim *p = cp ? cp->prim : NULL;
  if (!p || !p->wei_packed || !p->wei_reorder) return 0;
  out->meta = &p->wei_md;
  out->meta_bytes = sizeof p->wei_md;
  out->data = p->wei_buf;
  out->data_bytes = p->wei_bytes;
  out->replaces = 1u << 1; /* the weights, input 1 */
  return 1;
}
