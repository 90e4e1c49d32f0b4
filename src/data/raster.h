/* Float images and the drawing blocks the synthesiser is built from (inside src/data only).
 *
 * Colours are floats in [0, 1], interleaved. Foreground layers are premultiplied RGBA
 * (r*a, g*a, b*a, a): resampling, blurring and compositing then never pull colour out of
 * transparent pixels. Coordinates are continuous with pixel edges at integers, so pixel
 * (x, y) has its centre at (x + 0.5, y + 0.5). */
#ifndef CUTOUT_DATA_RASTER_H
#define CUTOUT_DATA_RASTER_H

#include <stdint.h>

#include "data/rng.h"
#include "image/image.h"

typedef struct syn_fimg {
  int w, h, c;
  float *p; /* w * h * c floats */
} syn_fimg;

/* Zero-filled; NULL when out of memory. */
syn_fimg *syn_fimg_new(int w, int h, int c);
void syn_fimg_free(syn_fimg *f);

/* An 8-bit image as premultiplied RGBA floats. 4-channel input is straight alpha unless
 * premultiplied is set (then its colours are taken as already multiplied by alpha and clamped
 * to it); 1- and 3-channel input is opaque. */
syn_fimg *syn_fimg_from_img(const ct_img *im, int premultiplied);

/* An affine map between canvas and source coordinates:
 *   x_src = m[0] * x + m[1] * y + m[2],  y_src = m[3] * x + m[4] * y + m[5]. */
typedef struct syn_affine {
  double m[6];
} syn_affine;

/* The map of a placement: the source point (scx, scy) lands on the canvas point (ccx, ccy),
 * mirrored left-right first when flip, then scaled by scale and turned by angle_deg
 * (clockwise on screen, y pointing down). fwd maps source to canvas, inv canvas to source;
 * either may be NULL. */
void syn_placement(double scx, double scy, double ccx, double ccy, double scale,
                   double angle_deg, int flip, syn_affine *fwd, syn_affine *inv);
static inline void syn_affine_apply(const syn_affine *a, double x, double y, double *ox,
                                    double *oy) {
  *ox = a->m[0] * x + a->m[1] * y + a->m[2];
  *oy = a->m[3] * x + a->m[4] * y + a->m[5];
}

/* Averages k x k blocks (k >= 1); a partial block at the right or bottom edge counts the
 * missing pixels as zero (transparent for premultiplied layers). */
syn_fimg *syn_box_reduce(const syn_fimg *src, int k);

/* Fills out (any size; src's channel count, or fewer to keep only the first ones) by bilinear
 * sampling of src at inv(pixel centre). Outside src: zero when clamp is 0, the nearest edge pixel when clamp is 1.
 * Shrinking by more than 2x should go through syn_box_reduce first (see syn_resample). */
void syn_warp(const syn_fimg *src, const syn_affine *inv, int clamp, syn_fimg *out);

/* syn_warp after a box prefilter when inv shrinks src by 2x or more (scale is the canvas
 * size of one source pixel). Returns 0, or -1 when out of memory. */
int syn_resample(const syn_fimg *src, const syn_affine *inv, double scale, int clamp,
                 syn_fimg *out);

/* Gaussian blur of every channel in place (replicated borders); sigma <= 0 does nothing.
 * Returns 0, or -1 when out of memory. */
int syn_blur(syn_fimg *f, double sigma);

/* Colour changes, applied to straight colour: per-channel gain (white balance), then
 * brightness (multiplier), contrast (around 0.5) and saturation (around the Rec. 601 luma),
 * clamped to [0, 1]. */
typedef struct syn_jitter {
  double gain[3], brightness, contrast, saturation;
} syn_jitter;
void syn_jitter_identity(syn_jitter *j);
void syn_jitter_colour(const syn_jitter *j, float rgb[3]);
/* On a premultiplied RGBA layer (colours divided by alpha, changed, multiplied back) or on
 * an opaque layer of 3 or 4 channels. */
void syn_jitter_layer(const syn_jitter *j, syn_fimg *f);

/* Smooth value noise in [0, 1]: a hash of the integer lattice (seeded) interpolated with a
 * quintic fade. syn_fbm sums octaves (each half the size and half the weight of the one
 * before), normalised to [0, 1]. */
float syn_value_noise(uint64_t seed, double x, double y);
float syn_fbm(uint64_t seed, double x, double y, int octaves);

/* Antialiased strands (hair, fur): a polyline of n points in canvas coordinates whose width
 * tapers linearly from w0 at the first point to w1 at the last, composited "over" a
 * premultiplied RGBA layer with the colour rgb and opacity. cov is scratch space of the
 * layer's size, all zero, and is left all zero. */
void syn_draw_strand(syn_fimg *layer, float *cov, const double *xy, int n, double w0,
                     double w1, const float rgb[3], double opacity);

#endif
