/* Non-local colour flow for the full solver (knn_flow.c): each unknown pixel of a tile's
 * region is tied to the k pixels nearest to it in colour and position among a sampled
 * neighbourhood (a dense inner window and a sparse outer one, so the flow reaches across
 * the unknown band to known pixels: KNN matting's colour-mixture flow, and information-flow
 * matting's known-to-unknown and intra-unknown flows in one graph). The graph's Laplacian
 *   x^T L_f x = sum over edges (i, j) of w_ij (x_i - x_j)^2
 * is added to the local matting Laplacian; it is symmetric positive semi-definite, so the
 * sum stays a valid system for conjugate gradient. Memory: k edges an unknown (12 bytes
 * each). */
#ifndef CUTOUT_MATTE_KNN_FLOW_H
#define CUTOUT_MATTE_KNN_FLOW_H

#include <stddef.h>
#include <stdint.h>

typedef struct mt_flow {
  long n;      /* edges */
  int *from;   /* an unknown pixel (index into the grid) */
  int *to;     /* its neighbour (any pixel of the grid but itself) */
  float *w;    /* weight in (0, 1] */
} mt_flow;

typedef struct mt_flow_opts {
  int k;          /* neighbours per unknown (default 10) */
  int inner;      /* radius of the dense window (default 6, every pixel) */
  int outer;      /* radius of the sparse window (default 30) */
  int step;       /* its sampling step (default 4) */
  double spatial; /* weight of position against colour: feature (r, g, b, s x / outer,
                     s y / outer) with colours in 0..1 (default 1) */
  int known_only; /* 1: neighbours among the known pixels only (the known-to-unknown flow) */
} mt_flow_opts;

void mt_flow_opts_init(mt_flow_opts *o);

/* Builds the flow over a w x h grid of colours col (3 floats a pixel, 0..1), for the pixels
 * with var[i] != 0. Returns 0, or -1 when out of memory (f is then empty). */
int mt_flow_build(int w, int h, const float *col, const uint8_t *var, const mt_flow_opts *o,
                  mt_flow *f);
void mt_flow_free(mt_flow *f);

/* y += weight * L_f x (over the whole grid; entries at known pixels collect sums nobody
 * needs to read). */
void mt_flow_apply(const mt_flow *f, double weight, const double *x, double *y);

/* d[i] += weight * (L_f)_ii for every grid pixel i (d: the whole grid). */
void mt_flow_diagonal(const mt_flow *f, double weight, double *d);

#endif
