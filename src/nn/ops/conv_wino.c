/* Conv on our Winograd kernels (nn/ops/winograd.h) where oneDNN has only direct ones:
 * the choice per layer, the transformed weights (made at load, kept in the prepared-model
 * cache through nn_op.pack / packed) and the run. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "nn/isa.h"
#include "nn/mem.h"
#include "nn/ops/conv_common.h"
#include "nn/ops/winograd.h"
#include "nn/precision.h"

/* What the cache keeps beside the weights, to check they fit (nn_packed.meta). */
typedef struct wino_meta {
  char tag[8]; /* "WF43v1" */
  int64_t m, c;
} wino_meta;

typedef struct nn_conv_wino {
  wino_meta meta;
  float *u;          /* the transformed weights */
  size_t bytes;      /* their size */
  int owned;         /* 1: allocated here; 0: in a mapped cache file */
  int packed;        /* 1: made at load from the node's constant weights */
  const float *from; /* the weights buffer u was made from (runs without a pack) */
} nn_conv_wino;

int nn_conv_wino_on(void) {
  const char *e = getenv("CUTOUT_CONV");
  return nn_cpu_isa() == NN_ISA_AVX2 && !(e && !strcmp(e, "onednn"));
}

int nn_conv_wino_ok(const nn_node *node, const nn_conv_geom *g, int x_block, int y_block) {
  const nn_win *w = &g->win;
  if (!nn_conv_wino_on() || strcmp(node->op_type, "Conv") || w->nsp != 2 || x_block != 8 ||
      y_block != 8 || g->group != 1 || w->kernel[0] != 3 || w->kernel[1] != 3 ||
      w->stride[0] != 1 || w->stride[1] != 1)
    return 0;
  /* Where it was measured to win (per layer on ISNet under the AVX2 cap, 2 threads, against
   * oneDNN 2.6's direct kernels): 2-2.9x on planes of 64 x 64 and up, 1.6-2x on 32 x 32 with
   * 64 channels in or more, a loss on 16 x 16 (the transformed weights, 4x the plain ones,
   * stream from memory for few tiles) and on 32 x 32 with fewer channels; with dilation 4
   * or 8, where oneDNN has only its slow gemm and reference kernels, on any plane whose
   * sub-grids hold a whole 4 x 4 tile (256 -> 256 at 32 x 32, dilation 8: 3.5 ms against
   * 8.4). Output channels come in whole pairs of 8-channel blocks. */
  if (g->c < 8 || g->m < 16 || g->m % 16) return 0;
  int64_t dil = w->dilation[0] > w->dilation[1] ? w->dilation[0] : w->dilation[1];
  int64_t out = w->out[0] < w->out[1] ? w->out[0] : w->out[1];
  if (w->out[0] < 4 * w->dilation[0] || w->out[1] < 4 * w->dilation[1]) return 0;
  return dil >= 4 || out >= 64 || (out >= 32 && g->c >= 64);
}

static void geom_of(const nn_conv_geom *g, nn_wino_geom *o) {
  *o = (nn_wino_geom){.n = g->n,
                      .c = g->c,
                      .h = g->win.in[0],
                      .w = g->win.in[1],
                      .m = g->m,
                      .oh = g->win.out[0],
                      .ow = g->win.out[1],
                      .pad_t = g->win.pad_l[0],
                      .pad_l = g->win.pad_l[1],
                      .dy = g->win.dilation[0],
                      .dx = g->win.dilation[1]};
}

size_t nn_conv_wino_scratch(const nn_conv_geom *g) {
  nn_wino_geom wg;
  geom_of(g, &wg);
  return nn_wino_scratch_bytes(&wg, omp_get_max_threads());
}

void nn_conv_wino_free(nn_conv_wino *w) {
  if (!w) return;
  if (w->owned) nn_mem_free(w->u, w->bytes);
  free(w);
}

static void meta_of(const nn_conv_geom *g, wino_meta *m) {
  memset(m, 0, sizeof *m);
  memcpy(m->tag, "WF43v1", 6);
  m->m = g->m;
  m->c = g->c;
}

/* The node's transformed weights for g: prev's (the cache's) when they fit, those made
 * before from the same buffer, else made from w now. Called with the node's lock held. */
static int weights(const nn_node *node, const nn_conv_geom *g, const float *w, const nn_packed *prev,
                   int packing, nn_err *err) {
  nn_conv_params *p = node->params;
  wino_meta meta;
  meta_of(g, &meta);
  nn_conv_wino *cw = p->wino;
  if (cw && !memcmp(&cw->meta, &meta, sizeof meta) && (cw->packed || cw->from == w))
    return NN_OK;
  size_t bytes = nn_wino_weights_floats(g->m, g->c) * sizeof(float);
  if (!cw) {
    cw = p->wino = calloc(1, sizeof *cw);
    if (!cw) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  }
  if (cw->owned) nn_mem_free(cw->u, cw->bytes);
  memset(cw, 0, sizeof *cw);
  cw->meta = meta;
  if (prev && prev->meta_bytes == sizeof meta && !memcmp(prev->meta, &meta, sizeof meta) &&
      prev->data_bytes == bytes) {
    cw->u = (float *)prev->data;
    cw->bytes = bytes;
    cw->packed = 1;
    return NN_OK;
  }
  if (!w)
    return nn_node_fail(node, err, NN_EINVAL,
                        "the weights were prepared for other shapes; load the model again");
  cw->u = nn_mem_alloc(bytes);
  if (!cw->u) return nn_node_fail(node, err, NN_ENOMEM, "out of memory for weights");
  cw->bytes = bytes;
  cw->owned = 1;
  nn_wino_weights(w, g->m, g->c, cw->u);
  cw->packed = packing;
  cw->from = w;
  return NN_OK;
}

int nn_conv_wino_pack(nn_node *node, const nn_conv_geom *g, const float *w,
                      const nn_packed *prev, nn_err *err) {
  return weights(node, g, w, prev, 1, err);
}

int nn_conv_wino_packed(const nn_node *node, nn_packed *out) {
  const nn_conv_params *p = node->params;
  const nn_conv_wino *cw = p ? p->wino : NULL;
  if (!cw || !cw->packed) return 0;
  out->meta = &cw->meta;
  out->meta_bytes = sizeof cw->meta;
  out->data = cw->u;
  out->data_bytes = cw->bytes;
  out->replaces = 1u << 1; /* the weights, input 1 */
  return 1;
}

int nn_conv_wino_run(const nn_node *node, const nn_conv_geom *g, const float *x, const float *w,
                     const float *b, float *y, nn_err *err) {
  nn_conv_params *p = node->params;
  int rc = weights(node, g, w, NULL, 0, err);
  if (rc) return rc;
  nn_wino_geom wg;
  geom_of(g, &wg);
  size_t need = nn_wino_scratch_bytes(&wg, omp_get_max_threads());
  void *scratch = nn_node_scratch(node, need);
  if (!scratch) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  nn_wino_conv_avx2(&wg, x, p->wino->u, b, p->relu, p->sum, y, scratch);
  return NN_OK;
}
