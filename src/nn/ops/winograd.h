/* Winograd F(4x4, 3x3) convolutions of our own, for CPUs with AVX2 + FMA but no AVX-512
 * (where oneDNN 2.6 has only direct kernels): 3x3, stride 1, any padding, any dilation (a
 * dilated 3x3 convolution is a 3x3 convolution on each of the interleaved sub-grids of
 * residues (y mod dy, x mod dx)), input and output in the engine's 8-channel blocked layout
 * (nChw8c, nn/layout.h), bias, fused Relu and fused Add.
 *
 * Each 4x4 output tile t of a sub-grid reads a 6x6 input patch d; with the transformed
 * weights U = G g G^T (done once, at load) the 36 products M = sum over channels of
 * U * (B^T d B) are 36 matrix products [tiles x C] x [C x M], and the tile's output is
 * A^T M A. Tiles go in chunks sized for the L2 cache, chunks over the threads (and, where a
 * layer has few tiles, the output channels in groups too). */
#ifndef CUTOUT_NN_OPS_WINOGRAD_H
#define CUTOUT_NN_OPS_WINOGRAD_H
#include <stddef.h>
#include <stdint.h>

/* One convolution: N images of C channels H x W to M channels OH x OW; input row
 * oy - pad_t + dy * k feeds output row oy (k = 0, 1, 2), the same for columns. */
typedef struct nn_wino_geom {
  int64_t n, c, h, w, m, oh, ow;
  int64_t pad_t, pad_l, dy, dx;
} nn_wino_geom;

/* Floats of the transformed weights of an M x C x 3 x 3 filter: 36 x ceil(M/8) x
 * ceil(C/8)*8 x 8. */
size_t nn_wino_weights_floats(int64_t m, int64_t c);
/* u = the transformed w (plain M x C x 3 x 3), zero in the padded channels; computed in
 * double. */
void nn_wino_weights(const float *w, int64_t m, int64_t c, float *u);

/* How a run splits the work: tiles per chunk, and the groups the output-channel blocks go
 * in (so that a layer with few tiles still gives each thread work). */
typedef struct nn_wino_plan {
  int64_t tiles;           /* tiles of all images and sub-grids */
  int64_t ty, tx;          /* tiles down and across one sub-grid (the largest) */
  int64_t chunk;           /* tiles per chunk */
  int64_t chunks;          /* ceil(tiles / chunk) */
  int64_t mb_group;        /* 8-channel output blocks per group (even but maybe the last) */
  int64_t groups;          /* ceil(ceil(M/8) / mb_group) */
  size_t thread_bytes;     /* scratch of one thread */
} nn_wino_plan;
void nn_wino_plan_for(const nn_wino_geom *g, int threads, nn_wino_plan *p);

/* Bytes of scratch a run with `threads` OpenMP threads takes. */
size_t nn_wino_scratch_bytes(const nn_wino_geom *g, int threads);

/* y = conv(x, w) (+ b[m] when b is not NULL), then max(0, y) when relu, then plus y's
 * previous content when sum; x and y in blocked layout 8, u from nn_wino_weights, scratch
 * of nn_wino_scratch_bytes(g, omp_get_max_threads()) bytes, 32-byte aligned. Needs AVX2 and
 * FMA (winograd_avx2.c, the only file compiled for them). */
void nn_wino_conv_avx2(const nn_wino_geom *g, const float *x, const float *u, const float *b,
                       int relu, int sum, float *y, void *scratch);

#endif
