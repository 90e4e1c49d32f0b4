/* Matting at the photo's own resolution: an automatic trimap from a mask, an alpha solver
 * over the trimap's unknown band, and the foreground colour of semi-transparent pixels.
 *
 * Images here are plain interleaved 8-bit buffers: rgb is width*height*3 bytes, masks,
 * trimaps and alphas width*height bytes. Trimaps hold 0 (sure background), 255 (sure
 * foreground) and anything else (unknown; 128 when written by mt_trimap). Every function
 * returns 0, or -1 with a one-line reason in err (errlen bytes). */
#ifndef CUTOUT_MATTE_MATTE_H
#define CUTOUT_MATTE_MATTE_H

#include <stddef.h>
#include <stdint.h>

#define MT_UNKNOWN 128

/* ---- Trimap (trimap.c, and trimap_slic.c for the superpixel snap). ---- */
typedef struct mt_trimap_opts {
  int fg_threshold; /* mask >= this is foreground before erosion (default 240) */
  int bg_threshold; /* mask <= this is background before erosion (default 10) */
  int erode;        /* pixels each sure region is eroded by; 0: chosen from the mask's
                       uncertainty and the image size */
  int slic;         /* 1: snap the unknown band to SLIC superpixels */
} mt_trimap_opts;

void mt_trimap_opts_init(mt_trimap_opts *o);
/* rgb is needed only with o->slic (may be NULL otherwise). */
int mt_trimap(const uint8_t *mask, const uint8_t *rgb, int width, int height,
              const mt_trimap_opts *o, uint8_t *trimap, char *err, size_t errlen);

/* ---- Alpha solvers (closed_form.c: matting Laplacian + PCG; fast mode in guided.c). ---- */
typedef enum mt_mode { MT_MATTING_OFF = 0, MT_MATTING_FAST = 1, MT_MATTING_FULL = 2 } mt_mode;

typedef struct mt_solve_opts {
  double eps;     /* regulariser of the local colour models (default 1e-7 .. 1e-5) */
  double tol;     /* relative residual at which the solver stops */
  int max_iter;   /* per tile */
  int tile;       /* tile side for tile-parallel solving (0: default) */
  int threads;    /* 0: all cores */
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

#endif
