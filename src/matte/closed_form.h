/* Closed-form matting on one tile with every knob exposed: the preconditioner and the start
 * are chosen here so that they can be measured against each other (closed_form.c holds the
 * figures); mt_closed_form_tile (solve_tile.h) is this with the defaults. */
#ifndef CUTOUT_MATTE_CLOSED_FORM_H
#define CUTOUT_MATTE_CLOSED_FORM_H

#include "matte/solve_tile.h"

typedef enum mt_cf_precond {
  MT_CF_PLAIN = 0,  /* plain conjugate gradient */
  MT_CF_JACOBI = 1, /* the diagonal of the Laplacian restricted to the unknowns */
  MT_CF_ICHOL = 2,  /* incomplete Cholesky, no fill, of the Laplacian over the unknowns */
} mt_cf_precond;

typedef struct mt_cf_opts {
  double eps, tol;
  int max_iter;
  int precond;    /* mt_cf_precond */
  int coarse;     /* levels of coarse-to-fine start: the tile is first solved at half (and
                     quarter, ...) resolution and that solution, upsampled, is the start */
  int flat_start; /* 1: start the unknowns from 0.5 instead of the guess */
  double prior;   /* weight of a pull toward the guess, scaled by (2 guess - 1)^2: none
                     where the guess is unsure */
} mt_cf_opts;

/* The defaults of mt_closed_form_tile with the given eps, tol and max_iter. */
void mt_cf_opts_init(mt_cf_opts *o, double eps, double tol, int max_iter);

/* As mt_closed_form_tile; res->iterations counts the full-resolution iterations only.
 * Returns -1 when out of memory. */
int mt_closed_form_tile_opts(const mt_tile *t, const mt_cf_opts *o, uint8_t *alpha,
                             mt_tile_result *res);

#endif
