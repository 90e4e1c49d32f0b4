/* The gradients of a convolution (training), by oneDNN's backward-data and backward-weights
 * primitives on plain f32 layouts: made for each call (training shapes change little and a
 * call's arithmetic dwarfs their creation), results added into the caller's gradients. */
#include <stdlib.h>
#include <string.h>

#include "nn/dnnl_ctx.h"
#include "nn/op.h"
#include "nn/ops/conv_common.h"


static void add_into(float *dst, const float *src, size_t n) {
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

static int run(dnnl_primitive_t prim, dnnl_stream_t stream, int nargs, const dnnl_exec_arg_t *a) {
  dnnl_status_t st = dnnl_primitive_execute(prim, stream, nargs, a);
  return st == dnnl_success ? (int)dnnl_stream_wait(stream) : (int)st;
}

int nn_conv_backward_f32(const nn_node *node, const nn_conv_geom *g, const float *x,
                         const float *w, const float *dy, float *dx, float *dw, float *db,
                         nn_err *err) {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  int rc = nn_dnnl_ctx(&engine, &stream, err);
  if (rc) return rc;
  int nsp = g->win.nsp, wn = 0;
  dnnl_dims_t sd, wd, bd, dd, strides, dil, pl, pr;
  sd[0] = dd[0] = g->n;
  sd[1] = g->c;
  dd[1] = g->m;
  if (g->group > 1) wd[wn++] = g->group;
  wd[wn++] = g->m / g->group;
  wd[wn++] = g->c / g->group;
  bd[0] = g->m;
  size_t xn = (size_t)(g->n * g->c), wsz = (size_t)(g->m * g->c / g->group);
  for (int i = 0; i < nsp; i++) {
    sd[2 + i] = g->win.in[i];
    dd[2 + i] = g->win.out[i];
    wd[wn++] = g->win.kernel[i];
    xn *= (size_t)g->win.in[i];
    wsz *= (size_t)g->win.kernel[i];
    strides[i] = g->win.stride[i];
    dil[i] = g->win.dilation[i] - 1;
    pl[i] = g->win.pad_l[i];
    pr[i] = g->win.pad_r[i];
  }
  dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md;
  dnnl_convolution_desc_t fd, bdd, bwd;
  dnnl_primitive_desc_t fpd = NULL, dpd = NULL, wpd = NULL;
  dnnl_primitive_t dprim = NULL, wprim = NULL;
  dnnl_memory_t mem[5] = {0};
  float *tdx = NULL, *tdw = NULL, *tdb = NULL;
  dnnl_format_tag_t data_tag = nn_dnnl_data_tags[nsp - 1];
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&src_md, nsp + 2, sd, dnnl_f32, data_tag), "source");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst_md, nsp + 2, dd, dnnl_f32, data_tag), "dest");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&wei_md, wn, wd, dnnl_f32,
                                   g->group > 1 ? nn_dnnl_gwei_tags[nsp - 1]
                                                : nn_dnnl_wei_tags[nsp - 1]),
      "weights");
  DNNL_TRY(dnnl_memory_desc_init_by_tag(&bias_md, 1, bd, dnnl_f32, dnnl_a), "bias");
  DNNL_TRY(dnnl_dilated_convolution_forward_desc_init(&fd, dnnl_forward_training,
                                                 dnnl_convolution_direct, &src_md, &wei_md,
                                                 &bias_md, &dst_md, strides, dil, pl, pr),
      "convolution descriptor");
  DNNL_TRY(dnnl_primitive_desc_create(&fpd, &fd, NULL, engine, NULL), "convolution");
  if (dx) {
    tdx = malloc(xn * sizeof *tdx);
    if (!tdx) {
      rc = nn_node_fail(node, err, NN_ENOMEM, "out of memory");
      goto done;
    }
    DNNL_TRY(dnnl_dilated_convolution_backward_data_desc_init(
                 &bdd, dnnl_convolution_direct, &src_md, &wei_md, &dst_md, strides, dil, pl, pr),
        "backward-data descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&dpd, &bdd, NULL, engine, fpd), "backward data");
    DNNL_TRY(dnnl_primitive_create(&dprim, dpd), "backward data");
    DNNL_TRY(dnnl_memory_create(&mem[0], &src_md, engine, tdx), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[1], &wei_md, engine, (void *)w), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[2], &dst_md, engine, (void *)dy), "memory");
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_DIFF_SRC, mem[0]}, {DNNL_ARG_WEIGHTS, mem[1]},
                            {DNNL_ARG_DIFF_DST, mem[2]}};
    DNNL_TRY((dnnl_status_t)run(dprim, stream, 3, a), "backward data");
    add_into(dx, tdx, xn);
  }
  if (dw || db) {
    tdw = malloc(wsz * sizeof *tdw);
    tdb = malloc((size_t)g->m * sizeof *tdb);
    if (!tdw || !tdb) {
      rc = nn_node_fail(node, err, NN_ENOMEM, "out of memory");
      goto done;
    }
    DNNL_TRY(dnnl_dilated_convolution_backward_weights_desc_init(
            &bwd, dnnl_convolution_direct, &src_md, &wei_md, &bias_md, &dst_md, strides, dil,
            pl, pr),
        "backward-weights descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&wpd, &bwd, NULL, engine, fpd), "backward weights");
    DNNL_TRY(dnnl_primitive_create(&wprim, wpd), "backward weights");
    for (int i = 0; i < 5; i++)
      if (mem[i]) dnnl_memory_destroy(mem[i]), mem[i] = NULL;
    DNNL_TRY(dnnl_memory_create(&mem[0], &src_md, engine, (void *)x), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[1], &dst_md, engine, (void *)dy), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[2], &wei_md, engine, tdw), "memory");
    DNNL_TRY(dnnl_memory_create(&mem[3], &bias_md, engine, tdb), "memory");
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, mem[0]}, {DNNL_ARG_DIFF_DST, mem[1]},
                            {DNNL_ARG_DIFF_WEIGHTS, mem[2]}, {DNNL_ARG_DIFF_BIAS, mem[3]}};
    DNNL_TRY((dnnl_status_t)run(wprim, stream, 4, a), "backward weights");
    if (dw) add_into(dw, tdw, wsz);
    if (db) add_into(db, tdb, (size_t)g->m);
  }
done:
  for (int i = 0; i < 5; i++)
    if (mem[i]) dnnl_memory_destroy(mem[i]);
  if (dprim) dnnl_primitive_destroy(dprim);
  if (wprim) dnnl_primitive_destroy(wprim);
  if (dpd) dnnl_primitive_desc_destroy(dpd);
  if (wpd) dnnl_primitive_desc_destroy(wpd);
  if (fpd) dnnl_primitive_desc_destroy(fpd);
  free(tdx);
  free(tdw);
  free(tdb);
  return rc;
}
