/* Error measures of a predicted alpha matte against the ground truth.
 *
 * SAD, MSE, gradient and connectivity errors follow the alphamatting.com benchmark
 * (Rhemann et al., "A Perceptually Motivated Online Benchmark for Image Matting", CVPR 2009)
 * as computed by its reference MATLAB code (as published with Xu et al.'s Deep Image Matting
 * evaluation): alphas in [0, 1] (8-bit values / 255), errors summed over a region (the
 * trimap's unknown pixels, or the whole image), SAD, gradient and connectivity errors
 * reported divided by 1000, MSE as the mean over the region.
 *
 * Where the reference is ambiguous we chose, and say so:
 * - gradient: the alphas are used as they are (value / 255), not min-max stretched as
 *   MATLAB's mat2gray does in the reference; the two agree whenever both mattes reach 0 and 1;
 * - connectivity: thresholds are i / 10 for step 0.1 (exact decimal, as MATLAB's 0:0.1:1);
 *   of two equally large components the one whose first pixel comes first in column-major
 *   order wins, as in MATLAB's bwconncomp + max;
 * - IoU and F-measure binarise both mattes at 0.5 (alpha >= 0.5 is foreground) and are
 *   computed over the whole image whatever the region; F uses beta^2 = 0.3 as in salient
 *   object detection. Two empty masks agree perfectly (IoU = F = 1); otherwise an undefined
 *   precision or recall counts as 0. */
#ifndef CUTOUT_EVAL_METRICS_H
#define CUTOUT_EVAL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define EVAL_GRAD_SIGMA 1.4
#define EVAL_CONN_STEP 0.1
#define EVAL_CONN_THETA 0.15
#define EVAL_F_BETA2 0.3

typedef struct eval_scores {
  double sad, mse, grad, conn; /* over the region */
  double iou, fmeasure;        /* over the whole image */
  size_t region;               /* pixels in the region */
} eval_scores;

/* pred and gt hold n alphas in [0, 1]; region holds n flags (nonzero: scored) or is NULL
 * for every pixel. */
double eval_sad(const double *pred, const double *gt, const uint8_t *region, size_t n);
double eval_mse(const double *pred, const double *gt, const uint8_t *region, size_t n);

/* Magnitude of the Gaussian gradient (first-derivative-of-Gaussian filters of the given sigma,
 * kernel half size ceil(sigma * sqrt(-2 ln(sqrt(2 pi) sigma 0.01))), each normalised to unit
 * L2 norm, borders replicated) of a w x h image into mag. Returns 0, or -1 when out of memory. */
int eval_gradient_magnitude(const double *im, int w, int h, double sigma, double *mag);
/* Gradient error: sum over the region of (|grad pred| - |grad gt|)^2, / 1000. Returns 0, or
 * -1 when out of memory. */
int eval_gradient(const double *pred, const double *gt, const uint8_t *region, int w, int h,
                  double sigma, double *out);

/* Connectivity error with threshold step and theta (0.1 and 0.15 in the benchmark), / 1000.
 * Returns 0, or -1 when out of memory. */
int eval_connectivity(const double *pred, const double *gt, const uint8_t *region, int w,
                      int h, double step, double theta, double *out);

/* IoU and F-measure (with beta2) of the masks alpha >= 0.5. */
void eval_mask_scores(const double *pred, const double *gt, size_t n, double beta2,
                      double *iou, double *fmeasure);

/* All of the above for 8-bit mattes (w x h, one byte per pixel) and an optional 8-bit trimap
 * whose unknown region is 0 < t < 255 (128 in cutout's trimaps). Returns 0, or -1 when out
 * of memory. */
int eval_score_u8(const uint8_t *pred, const uint8_t *gt, const uint8_t *trimap, int w, int h,
                  eval_scores *out);

#endif
