/* Matting at the photo's own resolution: an automatic trimap from a mask, an alpha solver
 * over the trimap's unknown band, and the foreground colour of semi-transparent pixels.
 *
 * Images here are plain interleaved 8-bit buffers: rgb is width*height*3 bytes, masks,
 * trimaps and alphas width*height bytes. Trimaps hold 0 (sure background), 255 (sure
 * foreground) and anything else (unknown; 128 when written by mt_trimap). Every function
 * returns 0, or -1 with a one-line reason in err (errlen bytes); the trimap and solver
 * functions return MT_ENOMEM instead when memory ran out. */
#ifndef CUTOUT_MATTE_MATTE_H
#define CUTOUT_MATTE_MATTE_H

#include <stddef.h>
#include <stdint.h>

#define MT_UNKNOWN 128
#define MT_ENOMEM (-2)

/* For the functions below: writes msg into err, returns -1; mt_nomem: "out of memory",
 * returns MT_ENOMEM (errors.c). */
int mt_fail(char *err, size_t errlen, const char *msg);
int mt_nomem(char *err, size_t errlen);

/* ---- Trimap (trimap.c, and trimap_slic.c for the superpixel snap). ---- */
/* Pixels where the mask is at least MT_FAR_LEVEL and farther than MT_FAR_BAND * erode
 * inside its 50% edge are sure foreground, though below the foreground threshold. */
#define MT_FAR_BAND 4
#define MT_FAR_LEVEL 192

typedef struct mt_trimap_opts {
  int fg_threshold; /* mask >= this is foreground before erosion (default 240) */
  int bg_threshold; /* mask <= this is background before erosion (default 10) */
  int erode;        /* pixels each sure region is eroded by; 0: chosen from the image size
                       (the mask's uncertain pixels are unknown whatever the erosion) */
  int slic;         /* 1: snap the unknown band to SLIC superpixels */
} mt_trimap_opts;

void mt_trimap_opts_init(mt_trimap_opts *o);
/* rgb is needed only with o->slic (may be NULL otherwise). */
int mt_trimap(const uint8_t *mask, const uint8_t *rgb, int width, int height,
              const mt_trimap_opts *o, uint8_t *trimap, char *err, size_t errlen);

/* The erosion mt_trimap chooses when o->erode is 0 (trimap.c explains the rule; the mask is
 * not used by it at present). */
int mt_trimap_auto_erode(const uint8_t *mask, int width, int height, int fg_threshold,
                         int bg_threshold);

/* Snaps trimap's unknown band to the SLIC superpixels of rgb (trimap_slic.c): a superpixel
 * that straddles the mask's 50% boundary becomes unknown, one whose mask is all >=
 * fg_threshold (all <= bg_threshold) sure foreground (background). */
int mt_trimap_slic(const uint8_t *mask, const uint8_t *rgb, int width, int height,
                   int fg_threshold, int bg_threshold, uint8_t *trimap, char *err,
                   size_t errlen);

/* ---- Alpha solvers: solve.c runs them tile by tile over the unknown band; closed_form.c
 * (full: matting Laplacian + preconditioned conjugate gradient), guided.c (fast: colour
 * guided filter). ---- */
typedef enum mt_mode { MT_MATTING_OFF = 0, MT_MATTING_FAST = 1, MT_MATTING_FULL = 2 } mt_mode;

typedef struct mt_solve_opts {
  double eps;     /* regulariser of the local colour models (default 1e-7 .. 1e-5) */
  double tol;     /* relative residual at which the solver stops */
  int max_iter;   /* per tile */
  int tile;       /* tile side for tile-parallel solving (0: by the photo's size, solve.c) */
  int threads;    /* 0: all cores */
  double flow;    /* full mode: weight of the non-local colour flow (knn_flow.c) added to the
                     3x3 Laplacian; 0: the local Laplacian alone */
} mt_solve_opts;

typedef struct mt_solve_stats {
  long unknown;       /* unknown pixels solved */
  int tiles;          /* tiles solved */
  int iterations;     /* most iterations any tile needed */
  double residual;    /* largest final relative residual of any tile */
  double seconds;
} mt_solve_stats;

void mt_solve_opts_init(mt_solve_opts *o);
/* alpha (in/out): on entry the initial guess (e.g. the fused mask; sure pixels of the trimap
 * are overwritten with 0/255), on return the solved matte. stats may be NULL. */
int mt_solve(mt_mode mode, const uint8_t *rgb, int width, int height, const uint8_t *trimap,
             const mt_solve_opts *o, uint8_t *alpha, mt_solve_stats *stats, char *err,
             size_t errlen);

/* ---- Foreground colour (foreground.c). ---- */
/* fg (width*height*3): the estimated foreground colour, so that rgb ~ a*fg + (1-a)*B with a
 * smooth B; equal to rgb where alpha is 255, and meaningful wherever alpha > 0. */
int mt_foreground(const uint8_t *rgb, const uint8_t *alpha, int width, int height, uint8_t *fg,
                  char *err, size_t errlen);

/* Multi-level estimation (Germer et al. 2020): F and B solved together on a pyramid from 1x1
 * to the photo's size, a few red-black Gauss-Seidel sweeps per level, smoothness weighted by
 * regularization + gradient_weight * |alpha gradient|. Levels up to dense_max pixels are solved whole; finer
 * levels only in tiles (tile x tile) that hold soft or changing alpha; elsewhere F = rgb
 * where alpha is 255 and B = rgb where alpha is 0, the other taken from the last whole level.
 * Where alpha is 0, fg is that smooth extension of the foreground's colours. */
typedef struct mt_fg_opts {
  double regularization;  /* smoothness everywhere (default 1e-5) */
  double gradient_weight; /* smoothness across alpha edges (default 0.3: less error than the
                             paper's 1 on re-composited synthesised hair; bench/foreground) */
  int iterations;         /* sweeps per level (default 3; 10 on levels whose shorter side <= 32) */
  long dense_max;         /* pixels of the largest level solved whole (default 1 << 20) */
  int tile;               /* tile side on the finer levels (default 64) */
} mt_fg_opts;

void mt_fg_opts_init(mt_fg_opts *o);
int mt_foreground_opts(const uint8_t *rgb, const uint8_t *alpha, int width, int height,
                       const mt_fg_opts *o, uint8_t *fg, char *err, size_t errlen);

/* ---- Compositing (compose.c): straight (unpremultiplied) colours, 8-bit, n pixels. ---- */
/* rgba (n*4): fg's colour with alpha as the 4th channel. */
void mt_rgba(const uint8_t *fg, const uint8_t *alpha, size_t n, uint8_t *rgba);

/* fg with alpha over the colour (r, g, b, a). out_channels 3: round(a*F + (1-a)*C), the
 * colour taken as opaque; 4: the "over" operator, alpha a + (1-a)*A and the colour that
 * gives back a*F + (1-a)*A*C when that is premultiplied. */
void mt_over_colour(const uint8_t *fg, const uint8_t *alpha, size_t n, const uint8_t colour[4],
                    uint8_t *out, int out_channels);

/* fg with alpha over the image bg (bw x bh, bch 3 or 4 channels) scaled to cover width x
 * height (the smallest scale at which it covers), centred and cropped, resampled with a
 * triangle filter that antialiases when shrinking (a 4-channel bg is resampled
 * premultiplied). out_channels 3: over the background flattened onto black; 4: the "over"
 * operator. */
int mt_over_image(const uint8_t *fg, const uint8_t *alpha, int width, int height,
                  const uint8_t *bg, int bw, int bh, int bch, uint8_t *out, int out_channels,
                  char *err, size_t errlen);

#endif
