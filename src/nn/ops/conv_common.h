/* What Conv and ConvInteger share: attribute parsing, shape checks, and the f32 oneDNN
 * convolution whose primitive is created once per input shape and cached on the node. */
#ifndef CUTOUT_NN_OPS_CONV_COMMON_H
#define CUTOUT_NN_OPS_CONV_COMMON_H
#include <pthread.h>
#include <stdint.h>

#include "nn/graph.h"
#include "nn/op.h"
#include "nn/ops/window.h"
#include "nn/tensor.h"

struct nn_conv_prim;
struct nn_conv_wino;

/* node->params of a Conv or ConvInteger node. */
typedef struct nn_conv_params {
  nn_win_attrs win;
  int64_t group;
  int relu;                  /* a Relu fused in as a post-op (nn_pass_fuse) */
  int sum;                   /* then an Add fused in: y += input 3 (nn_pass_fuse) */
  pthread_mutex_t lock;      /* serialises runs of the node: they share prim */
  struct nn_conv_prim *prim; /* cached oneDNN primitive, NULL until the first run */
  struct nn_conv_wino *wino; /* our Winograd kernel's weights (conv_wino.c), or NULL */
} nn_conv_params;

/* The fused Relu of a Conv node (see nn_pass_fuse); recorded in its attribute
 * "cutout.relu" (and a fused Add in "cutout.sum"). Fails on no memory. */
int nn_conv_fuse_relu(nn_node *node, nn_err *err);
int nn_conv_fused_relu(const nn_node *node);
/* Fuses y = conv(...) + s: s becomes the node's input 3, and the output may share its
 * buffer (nn_pass_plan). Fails on no memory. */
int nn_conv_fuse_sum(nn_node *node, int s, nn_err *err);
int nn_conv_fused_sum(const nn_node *node);

/* The full geometry of one convolution. */
typedef struct nn_conv_geom {
  int64_t n, c, m, group; /* batch, input channels, output channels, groups */
  nn_win win;
} nn_conv_geom;

/* prepare / release for both ops: parse the attributes into node->params. */
int nn_conv_prepare(nn_node *node, nn_err *err);
void nn_conv_release(nn_node *node);

/* Checks x (N x C x spatial) against w (M x C/group x kernel) and the attributes, fills g
 * and the output dims (N x M x out spatial, rank of x) into out_dims.
 * NN_EUNKNOWN when the rank of x or w is not known. */
int nn_conv_geometry(const nn_node *node, const nn_tensor *x, const nn_tensor *w, nn_conv_geom *g,
                     int64_t *out_dims, nn_err *err);

/* y = conv(x, w) (+ b when b is not NULL), then max(0, y) when a Relu is fused, then y plus
 * its previous content when an Add is fused (the caller puts the addend in y first), on f32
 * data: x (N C spatial) and y (N M out) plain or channel-blocked (x_block, y_block: 0 or the
 * block of nn/layout.h, 2-D only), w plain (M C/group kernel). Uses the node's cached
 * primitive, recreating it when the geometry changed; weights are reordered into the
 * primitive's layout once per weights buffer. */
int nn_conv_f32(const nn_node *node, const nn_conv_geom *g, const float *x, int x_block,
                const float *w, const float *b, float *y, int y_block, nn_err *err);

/* nn_op.pack of Conv: the primitive for this geometry and layouts made now, and the
 * weights w (plain) in its layout: prev's when they fit (the same oneDNN weights layout),
 * else reordered. Sets node->scratch. */
int nn_conv_pack(nn_node *node, const nn_conv_geom *g, int x_block, const float *w, int has_bias,
                 int y_block, const nn_packed *prev, nn_err *err);
/* nn_op.packed of Conv: the prepared weights (meta: their oneDNN memory descriptor). */
int nn_conv_packed(const nn_node *node, nn_packed *out);

/* The gradients of y = conv(x, w) + b (conv_grad.c): from dy (N M out), adds dL/dx into dx,
 * dL/dw into dw and dL/db into db (each may be NULL: not wanted), all plain f32. */
int nn_conv_backward_f32(const nn_node *node, const nn_conv_geom *g, const float *x,
                         const float *w, const float *dy, float *dx, float *dw, float *db,
                         nn_err *err);

/* 1 when oneDNN has a fast (not reference) kernel for this 2-D convolution with input and
 * output in the channel-blocked layout `block`. */
int nn_conv_blocked_ok(const nn_node *node, const nn_tensor *x, const nn_tensor *w, int block);

/* Our Winograd kernels (conv_wino.c, nn/ops/winograd.h), in place of oneDNN's direct ones
 * where the effective ISA has AVX2 but no AVX-512, unless the environment sets
 * CUTOUT_CONV=onednn (oneDNN everywhere, for comparison). */
int nn_conv_wino_on(void);
/* 1 when a Conv of geometry g with these layouts runs on them (3x3, stride 1, no groups,
 * blocked layout 8 in and out, and a shape where they win). */
int nn_conv_wino_ok(const nn_node *node, const nn_conv_geom *g, int x_block, int y_block);
/* nn_conv_f32 and nn_conv_pack / nn_conv_packed for those; called with the node's lock
 * held but nn_conv_wino_packed. */
int nn_conv_wino_run(const nn_node *node, const nn_conv_geom *g, const float *x, const float *w,
                     const float *b, float *y, nn_err *err);
int nn_conv_wino_pack(nn_node *node, const nn_conv_geom *g, const float *w,
                      const nn_packed *prev, nn_err *err);
int nn_conv_wino_packed(const nn_node *node, nn_packed *out);
/* The scratch bytes a run takes, and the weights' release. */
size_t nn_conv_wino_scratch(const nn_conv_geom *g);
void nn_conv_wino_free(struct nn_conv_wino *w);

#endif
