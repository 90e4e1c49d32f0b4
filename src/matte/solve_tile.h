/* One tile of the alpha solvers (solve.c runs them over the tiles that hold unknown pixels).
 * A tile is a region of the photo, rx..rx+rw-1 x ry..ry+rh-1, whose core (cx, cy, cw, ch)
 * the solver writes; the rest of the region is context. guess holds the starting alpha of
 * the whole photo (sure pixels already 0/255); the solver reads only the region of it and
 * writes the core's unknown pixels into alpha. */
#ifndef CUTOUT_MATTE_SOLVE_TILE_H
#define CUTOUT_MATTE_SOLVE_TILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mt_tile {
  const uint8_t *rgb, *trimap, *guess; /* the whole photo's planes */
  int width, height;
  int rx, ry, rw, rh; /* region */
  int cx, cy, cw, ch; /* core */
} mt_tile;

typedef struct mt_tile_result {
  long unknown;    /* unknown pixels of the core */
  int iterations;
  double residual; /* final ||r|| / ||b|| */
} mt_tile_result;

/* Closed-form matting (closed_form.c): the matting Laplacian of 3x3 windows with
 * regulariser eps, solved for the region's unknown pixels (those on the region's edges
 * inside the photo stay at guess) by conjugate gradient from guess (closed_form.c says why
 * without a preconditioner), with the non-local flow of knn_flow.h weighted by flow (0:
 * none), until ||r|| <= tol ||b|| or max_iter. Returns -1 when out of
 * memory. */
int mt_closed_form_tile(const mt_tile *t, double eps, double tol, int max_iter, double flow,
                        uint8_t *alpha, mt_tile_result *res);

/* Colour guided filter (guided.c) of guess with the photo as guide, radius r, regulariser
 * eps; the region must reach 2r beyond the core where the photo allows. Returns -1 when out
 * of memory. */
int mt_guided_tile(const mt_tile *t, int r, double eps, uint8_t *alpha, mt_tile_result *res);

#endif
