/* Closed-form matting (Levin, Lischinski & Weiss 2008) on one tile. The matting Laplacian
 *   L_ij = sum over 3x3 windows k holding i and j of
 *          delta_ij - (1 + (I_i - mu_k)^T (Sigma_k + eps/9 I)^-1 (I_j - mu_k)) / 9
 * is never stored: each window keeps its mean and inverse covariance (9 doubles), and L x
 * is summed window by window: with s = sum x_j and v = sum (I_j - mu) x_j, every pixel i of
 * the window gains x_i - (s + (I_i - mu) . (M v)) / 9. Only windows touching an unknown
 * pixel are kept. Known pixels (sure ones, and the region's edges inside the photo) move to
 * the right-hand side, and the unknown ones are solved by conjugate gradient from the guess.
 * No preconditioner: Jacobi (the diagonal of L, nearly uniform) took 5-20% more iterations
 * on the synthesised composites of tests/matte (116-136 against 105-128) and on the photos
 * of ../shared/examples (126-244 against 121-205). Window data are kept in double: in
 * float, CG broke down on flat colours, whose inverse covariances reach 9/eps.
 * A prior pulling alpha toward the guess where the guess is sure (weight 1e-3..1e-1) only
 * raised the band's SAD on the synthesised composites of tests/matte, so there is none. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matte/matte.h"
#include "matte/solve_tile.h"

typedef struct window {
  int at;      /* centre, as an index into the region */
  double mu[3]; /* mean colour */
  double m[6];  /* (Sigma + eps/9 I)^-1: xx, xy, xz, yy, yz, zz */
} window;

typedef struct system {
  int rw, rh;
  const float *col; /* region colours, 3 per pixel, 0..1 */
  window *win;
  long nwin;
} lap_system;

/* y = L x over the region (y zeroed first). Per window, with s = sum x_j, t = sum I_j x_j,
 * u = M (t - mu s) and c = (s - mu . u) / 9, pixel i gains x_i - c - I_i . u / 9: the same
 * sum as in the header with (I_i - mu) . u expanded, so no pixel's offset from the mean is
 * formed. */
static void laplacian(const lap_system *s, const double *x, double *y) {
  memset(y, 0, sizeof *y * (size_t)s->rw * s->rh);
  const int rw = s->rw;
  const float *col = s->col;
  for (long k = 0; k < s->nwin; k++) {
    const window *w = &s->win[k];
    const int at = w->at, rows[3] = {at - rw - 1, at - 1, at + rw - 1};
    double sum = 0, t0 = 0, t1 = 0, t2 = 0;
    for (int r = 0; r < 3; r++)
      for (int d = 0; d < 3; d++) {
        int i = rows[r] + d;
        const float *c = col + (size_t)i * 3;
        double xi = x[i];
        sum += xi, t0 += c[0] * xi, t1 += c[1] * xi, t2 += c[2] * xi;
      }
    const double *m = w->m, *mu = w->mu;
    double v0 = t0 - mu[0] * sum, v1 = t1 - mu[1] * sum, v2 = t2 - mu[2] * sum;
    double u0 = (m[0] * v0 + m[1] * v1 + m[2] * v2) / 9.0,
           u1 = (m[1] * v0 + m[3] * v1 + m[4] * v2) / 9.0,
           u2 = (m[2] * v0 + m[4] * v1 + m[5] * v2) / 9.0;
    double c0 = sum / 9.0 - (mu[0] * u0 + mu[1] * u1 + mu[2] * u2);
    for (int r = 0; r < 3; r++)
      for (int d = 0; d < 3; d++) {
        int i = rows[r] + d;
        const float *c = col + (size_t)i * 3;
        y[i] += x[i] - c0 - (c[0] * u0 + c[1] * u1 + c[2] * u2);
      }
  }
}

/* Mean and regularised inverse covariance of the window centred at (x, y). */
static void window_stats(const float *col, int rw, int x, int y, double eps, window *w) {
  double mu[3] = {0, 0, 0}, c[6] = {0, 0, 0, 0, 0, 0};
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++) {
      const float *p = col + ((size_t)(y + dy) * rw + x + dx) * 3;
      mu[0] += p[0], mu[1] += p[1], mu[2] += p[2];
      c[0] += p[0] * p[0], c[1] += p[0] * p[1], c[2] += p[0] * p[2];
      c[3] += p[1] * p[1], c[4] += p[1] * p[2], c[5] += p[2] * p[2];
    }
  for (int q = 0; q < 3; q++) mu[q] /= 9;
  double e = eps / 9;
  double a = c[0] / 9 - mu[0] * mu[0] + e, b = c[1] / 9 - mu[0] * mu[1],
         cc = c[2] / 9 - mu[0] * mu[2], d = c[3] / 9 - mu[1] * mu[1] + e,
         f = c[4] / 9 - mu[1] * mu[2], g = c[5] / 9 - mu[2] * mu[2] + e;
  /* inverse of the symmetric [[a b cc] [b d f] [cc f g]] by cofactors */
  double A = d * g - f * f, B = cc * f - b * g, C = b * f - cc * d;
  double det = a * A + b * B + cc * C;
  double inv = det > 0 ? 1.0 / det : 0.0;
  w->at = y * rw + x;
  for (int q = 0; q < 3; q++) w->mu[q] = mu[q];
  w->m[0] = A * inv;
  w->m[1] = B * inv;
  w->m[2] = C * inv;
  w->m[3] = (a * g - cc * cc) * inv;
  w->m[4] = (b * cc - a * f) * inv;
  w->m[5] = (a * d - b * b) * inv;
}

int mt_closed_form_tile(const mt_tile *t, double eps, double tol, int max_iter, uint8_t *alpha,
                        mt_tile_result *res) {
  const int rw = t->rw, rh = t->rh;
  const size_t n = (size_t)rw * rh;
  float *col = malloc(n * 3 * sizeof *col);
  uint8_t *var = calloc(n, 1);
  double *x = malloc(n * sizeof *x), *r = malloc(n * sizeof *r), *p = calloc(n, sizeof *p),
         *q = malloc(n * sizeof *q);
  window *win = malloc(n * sizeof *win);
  int rc = -1;
  memset(res, 0, sizeof *res);
  if (!col || !var || !x || !r || !p || !q || !win) goto done;

  /* colours, starting alpha, and which pixels are unknowns */
  long nvar = 0;
  for (int y = 0; y < rh; y++)
    for (int xx = 0; xx < rw; xx++) {
      size_t i = (size_t)y * rw + xx, g = (size_t)(t->ry + y) * t->width + t->rx + xx;
      for (int k = 0; k < 3; k++) col[i * 3 + k] = t->rgb[g * 3 + k] * (1.0f / 255);
      x[i] = t->guess[g] / 255.0;
      int inner_x = (xx > 0 || t->rx == 0) && (xx < rw - 1 || t->rx + rw == t->width);
      int inner_y = (y > 0 || t->ry == 0) && (y < rh - 1 || t->ry + rh == t->height);
      var[i] = t->trimap[g] != 0 && t->trimap[g] != 255 && inner_x && inner_y;
      nvar += var[i];
    }
  if (!nvar || rw < 3 || rh < 3) {
    rc = 0;
    goto done;
  }
  /* the windows that touch an unknown pixel */
  lap_system s = {rw, rh, col, win, 0};
  for (int y = 1; y < rh - 1; y++)
    for (int xx = 1; xx < rw - 1; xx++) {
      size_t c = (size_t)y * rw + xx;
      int any = 0;
      for (int dy = -1; dy <= 1 && !any; dy++)
        any = var[c + dy * rw - 1] | var[c + dy * rw] | var[c + dy * rw + 1];
      if (any) window_stats(col, rw, xx, y, eps, &win[s.nwin++]);
    }
  /* b = -(L x_known)_U, r0 = -(L x)_U with the guess in x */
  for (size_t i = 0; i < n; i++) p[i] = var[i] ? 0.0 : x[i];
  laplacian(&s, p, q);
  double bnorm = 0;
  for (size_t i = 0; i < n; i++)
    if (var[i]) bnorm += q[i] * q[i];
  bnorm = sqrt(bnorm);
  laplacian(&s, x, q);
  /* the unknowns' indices, so that the vector steps touch only them (r and p stay 0
   * elsewhere, as laplacian() needs of p) */
  int *idx = malloc(sizeof *idx * (size_t)nvar);
  if (!idx) goto done;
  long m = 0;
  for (size_t i = 0; i < n; i++)
    if (var[i]) idx[m++] = (int)i;
  double rz = 0;
  memset(r, 0, sizeof *r * n);
  memset(p, 0, sizeof *p * n);
  for (long k = 0; k < m; k++) {
    int i = idx[k];
    r[i] = p[i] = -q[i];
    rz += r[i] * r[i];
  }
  double rnorm = sqrt(rz), scale = bnorm > 1e-12 ? bnorm : 1.0;
  int it = 0;
  while (rnorm > tol * scale && it < max_iter) {
    laplacian(&s, p, q);
    double pq = 0;
    for (long k = 0; k < m; k++) pq += p[idx[k]] * q[idx[k]];
    if (!(pq > 0)) break;
    double step = rz / pq, rz_next = 0;
    for (long k = 0; k < m; k++) {
      int i = idx[k];
      x[i] += step * p[i];
      r[i] -= step * q[i];
      rz_next += r[i] * r[i];
    }
    double beta = rz_next / rz;
    rz = rz_next;
    rnorm = sqrt(rz);
    for (long k = 0; k < m; k++) p[idx[k]] = r[idx[k]] + beta * p[idx[k]];
    it++;
  }
  free(idx);
  res->iterations = it;
  res->residual = rnorm / scale;
  /* the core's unknown pixels out */
  for (int y = t->cy; y < t->cy + t->ch; y++)
    for (int xx = t->cx; xx < t->cx + t->cw; xx++) {
      size_t i = (size_t)(y - t->ry) * rw + (xx - t->rx);
      if (!var[i]) continue;
      double a = x[i] < 0 ? 0 : x[i] > 1 ? 1 : x[i];
      alpha[(size_t)y * t->width + xx] = (uint8_t)(a * 255.0 + 0.5);
      res->unknown++;
    }
  rc = 0;
done:
  free(col);
  free(var);
  free(x);
  free(r);
  free(p);
  free(q);
  free(win);
  return rc;
}
