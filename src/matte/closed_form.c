/* Closed-form matting (Levin, Lischinski & Weiss 2008) on one tile. The matting Laplacian
 *   L_ij = sum over 3x3 windows k holding i and j of
 *          delta_ij - (1 + (I_i - mu_k)^T (Sigma_k + eps/9 I)^-1 (I_j - mu_k)) / 9
 * is never stored: each window keeps its mean and inverse covariance (3 + 6 doubles), and
 * L x is summed window by window: with s = sum x_j and v = sum (I_j - mu) x_j, every pixel i
 * of the window gains x_i - (s + (I_i - mu) . (M v)) / 9. Only windows touching an unknown
 * pixel are kept. Known pixels (sure ones, and the region's edges inside the photo) move to
 * the right-hand side, and the unknown ones are solved by preconditioned conjugate gradient
 * from the guess. Window data are kept in double: in float, CG broke down on flat colours,
 * whose inverse covariances reach 9/eps.
 *
 * The preconditioner is IC(0), an incomplete Cholesky factor with L's own pattern over the
 * unknowns (13 doubles an unknown, assembled from the windows). Measured on five composites
 * (tests/matte's strands 400x300, data/synth's samples 0-3 at 480x360, one tile each, one
 * thread, eps 2e-7; iterations summed, seconds, band SAD / the guess's):
 *                        tol 5e-4              tol 1e-4              tol 1e-5
 *   plain CG          834 it 0.72 s 0.194   1624 it 1.41 s 0.152   2718 it 2.34 s 0.148
 *   Jacobi            891 it 0.81 s 0.193   1686 it 1.43 s 0.154   2825 it 2.30 s 0.149
 *   IC(0)             240 it 0.39 s 0.192    456 it 0.75 s 0.152    734 it 0.96 s 0.149
 *   IC(0) + coarse    171 it 0.37 s 0.182    335 it 0.61 s 0.154    641 it 1.01 s 0.149
 *   plain + coarse    552 it 0.60 s 0.189   1143 it 1.15 s 0.152   2231 it 2.16 s 0.149
 * ("coarse": the tile solved at half resolution first, upsampled as the start.) On
 * 2000x1500 (tiles of 256, eps 1e-7, tol 1e-4, 2 threads), strands / synth sample 0:
 * plain CG hit max_iter 500 on both (1.7 s, 10.4 s), IC(0) 415 / 242 iterations (0.9 s,
 * 5.9 s), IC(0) + coarse 395 / 274 (1.0 s, 8.5 s). Jacobi does not help because L's
 * diagonal is nearly uniform; IC(0) cuts the iterations 3-4x at ~2.3x the cost of one and
 * wins 1.8-2x; the coarse start saves iterations but its own solve costs as much, so it was
 * not kept. The matting Laplacian is no M-matrix and IC(0) of L itself met a pivot
 * <= 0 in many tiles of the composites; with L's diagonal raised by 1% it failed in a few,
 * with 10% in none. So the factor starts at 1% (the same iterations as at 0% or 0.1% where
 * those worked, 256 over five 1000x750 composites, and fewer refactorisations), retries at
 * 10% and 100%, and past that falls back to Jacobi.
 * A weak prior pulls each unknown toward the guess, weighted by prior * (2 guess - 1)^2, so
 * not at all where the guess is unsure: A = L + diag(weights), the right-hand side gains
 * weights * guess, and starting from the guess the first residual is unchanged. Without it,
 * converged solutions put a grey haze (alpha 0.2-0.5) over blurred backgrounds next to hair
 * (../shared/examples/portrait-curls.jpg), where colour alone cannot tell hair from bokeh.
 * bench/matting (from a network-like mask), prior 0 / 1e-3 / 1e-2: SAD 4.62 / 4.82 / 6.45,
 * MSE 0.0110 / 0.0088 / 0.0127, 0.30 / 0.25 / 0.18 s; 1e-3 clears most of the haze and
 * keeps the strands.
 * The start is the guess: against 0.5 it saved 15-20% of the iterations on 2000x1500
 * (415 against 500 = max_iter, 242 against 284) and little on small tiles (240 against
 * 249 at tol 5e-4), and where a tile stops early the result stays nearer the guess (band
 * SAD 0.192 against 0.201x). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matte/knn_flow.h"
#include "matte/matte.h"
#include "matte/solve_tile.h"

/* The solver's settings: the regulariser, the stopping rule and the prior's weight. */
typedef struct cf_opts {
  double eps, tol, prior;
  int max_iter;
  double flow; /* weight of the non-local flow (knn_flow.h); 0: none */
} cf_opts;

typedef struct window {
  int at;       /* centre, as an index into the grid */
  double mu[3]; /* mean colour */
  double m[6];  /* (Sigma + eps/9 I)^-1: xx, xy, xz, yy, yz, z */
} window;

/* The problem of one tile: colours, which pixels are unknown, and alpha (the start on
 * entry, the solution on return; known pixels are never changed). */
typedef struct grid {
  int w, h;
  float *col;   /* 3 per pixel, 0..1 */
  uint8_t *var; /* 1: unknown */
  double *x;
} grid;

/* y = L x at the unknowns (idx, m of them). Per window, with s = sum x_j, t = sum I_j x_j,
 * u = M (t - mu s) / 9 and c = s / 9 - mu . u, pixel i gains x_i - c - I_i . u: the sum of
 * the header with (I_i - mu) . u expanded, so no pixel's offset from the mean is formed.
 * Entries of y off the unknowns collect sums that nobody reads (zeroing only the unknowns
 * keeps the cost with the band, not with the region). */
static void laplacian(int w, const float *col, const window *win, long nwin, const int *idx,
                      long m, const double *x, double *y) {
  for (long k = 0; k < m; k++) y[idx[k]] = 0;
  for (long k = 0; k < nwin; k++) {
    const window *wd = &win[k];
    const int at = wd->at, rows[3] = {at - w - 1, at - 1, at + w - 1};
    double sum = 0, t0 = 0, t1 = 0, t2 = 0;
    for (int r = 0; r < 3; r++)
      for (int d = 0; d < 3; d++) {
        int i = rows[r] + d;
        const float *c = col + (size_t)i * 3;
        double xi = x[i];
        sum += xi, t0 += c[0] * xi, t1 += c[1] * xi, t2 += c[2] * xi;
      }
    const double *mm = wd->m, *mu = wd->mu;
    double v0 = t0 - mu[0] * sum, v1 = t1 - mu[1] * sum, v2 = t2 - mu[2] * sum;
    double u0 = (mm[0] * v0 + mm[1] * v1 + mm[2] * v2) / 9.0,
           u1 = (mm[1] * v0 + mm[3] * v1 + mm[4] * v2) / 9.0,
           u2 = (mm[2] * v0 + mm[4] * v1 + mm[5] * v2) / 9.0;
    double c0 = sum / 9.0 - (mu[0] * u0 + mu[1] * u1 + mu[2] * u2);
    for (int r = 0; r < 3; r++)
      for (int d = 0; d < 3; d++) {
        int i = rows[r] + d;
        const float *c = col + (size_t)i * 3;
        y[i] += x[i] - c0 - (c[0] * u0 + c[1] * u1 + c[2] * u2);
      }
  }
}

/* Mean and regularised inverse covariance of the window centred at (x, y). The covariance
 * is summed over offsets from the mean, in double: E[c c^T] - mu mu^T with float products
 * was off by ~1e-8, more than eps/9 for eps <= 1e-7, and CG then broke down on the
 * indefinite Laplacian (tests/matte's strands composite at eps 5e-8 and 1e-7). */
static void window_stats(const float *col, int w, int x, int y, double eps, window *wd) {
  double mu[3] = {0, 0, 0}, c[6] = {0, 0, 0, 0, 0, 0}, v[9][3];
  for (int q = 0; q < 9; q++) {
    const float *p = col + ((size_t)(y + q / 3 - 1) * w + x + q % 3 - 1) * 3;
    for (int k = 0; k < 3; k++) v[q][k] = p[k], mu[k] += p[k];
  }
  for (int k = 0; k < 3; k++) mu[k] /= 9;
  for (int q = 0; q < 9; q++) {
    double d0 = v[q][0] - mu[0], d1 = v[q][1] - mu[1], d2 = v[q][2] - mu[2];
    c[0] += d0 * d0, c[1] += d0 * d1, c[2] += d0 * d2;
    c[3] += d1 * d1, c[4] += d1 * d2, c[5] += d2 * d2;
  }
  double e = eps / 9;
  double a = c[0] / 9 + e, b = c[1] / 9, cc = c[2] / 9, d = c[3] / 9 + e, f = c[4] / 9,
         g = c[5] / 9 + e;
  /* inverse of the symmetric [[a b cc] [b d f] [cc f g]] by cofactors */
  double A = d * g - f * f, B = cc * f - b * g, C = b * f - cc * d;
  double det = a * A + b * B + cc * C;
  double inv = det > 0 ? 1.0 / det : 0.0;
  wd->at = y * w + x;
  for (int q = 0; q < 3; q++) wd->mu[q] = mu[q];
  wd->m[0] = A * inv;
  wd->m[1] = B * inv;
  wd->m[2] = C * inv;
  wd->m[3] = (a * g - cc * cc) * inv;
  wd->m[4] = (b * cc - a * f) * inv;
  wd->m[5] = (a * d - b * b) * inv;
}

/* The entries of L among the 9 pixels of a window: e(i)^T M e(j) with e = I - mu, for the
 * callers that need L itself (the preconditioners). */
static void window_offsets(const float *col, int w, const window *wd, double e[9][3]) {
  for (int q = 0; q < 9; q++) {
    const float *c = col + (size_t)(wd->at + (q / 3 - 1) * w + q % 3 - 1) * 3;
    for (int k = 0; k < 3; k++) e[q][k] = c[k] - wd->mu[k];
  }
}

static double window_entry(const double *mm, const double *ei, const double *ej) {
  return -(1.0 + ei[0] * (mm[0] * ej[0] + mm[1] * ej[1] + mm[2] * ej[2]) +
           ei[1] * (mm[1] * ej[0] + mm[3] * ej[1] + mm[4] * ej[2]) +
           ei[2] * (mm[2] * ej[0] + mm[4] * ej[1] + mm[5] * ej[2])) / 9.0;
}

/* ---- Incomplete Cholesky without fill (IC(0)) of L over the unknowns. ----
 * An unknown's row of L reaches the 5x5 pixels around it; its lower half in raster order is
 * 12 offsets (the two rows above, the two pixels to the left). Per unknown the factor keeps
 * those 12 entries and the diagonal (13 doubles); neighbours are found through uid, the
 * unknowns' numbers on the grid padded by 2 pixels (-1: known or outside). */
#define IC_N 12
#define IC_S (IC_N + 1)

typedef struct ichol {
  int uw;      /* padded width */
  int *uid;    /* (w + 4) x (h + 2): unknown number, -1 for known or padding */
  int *upos;   /* per unknown: its index in uid */
  double *l;   /* per unknown: 12 lower entries, then the diagonal (ic_build's work) */
  float *lf;   /* the factor ic_apply uses: l rounded to float (see ic_round) */
  int off[IC_N]; /* the lower offsets in uid */
} ichol;

/* The lower offsets as (dy, dx), ascending in raster order. */
static void ic_offsets(int dyx[IC_N][2]) {
  int k = 0;
  for (int dy = -2; dy <= 0; dy++)
    for (int dx = -2; dx <= 2; dx++)
      if (dy < 0 || dx < 0) dyx[k][0] = dy, dyx[k][1] = dx, k++;
}

static int ic_find(int dyx[IC_N][2], int dy, int dx) {
  for (int c = 0; c < IC_N; c++)
    if (dyx[c][0] == dy && dyx[c][1] == dx) return c;
  return -1;
}

/* Assembles the lower half of L (diagonal times 1 + shift) and factorises it in place.
 * Returns 1 on a pivot <= 0: the matting Laplacian is no M-matrix, so IC(0) may break down
 * and the caller retries with a larger shift. */
static int ic_build(ichol *ic, int w, const float *col, const window *win, long nwin,
                    long m, double shift, const double *lam) {
  int dyx[IC_N][2];
  ic_offsets(dyx);
  int lut[5][5];
  for (int dy = -2; dy <= 2; dy++)
    for (int dx = -2; dx <= 2; dx++) lut[dy + 2][dx + 2] = ic_find(dyx, dy, dx);
  /* pairs (b, a, c): the lower entries a of i and c of j = i + off_b that name the same
   * pixel k, a before b; they make the update of L_ib */
  int pairs[IC_N * IC_N][3], np = 0;
  for (int b = 0; b < IC_N; b++)
    for (int a = 0; a < b; a++) {
      int c = ic_find(dyx, dyx[a][0] - dyx[b][0], dyx[a][1] - dyx[b][1]);
      if (c >= 0) pairs[np][0] = b, pairs[np][1] = a, pairs[np][2] = c, np++;
    }
  double *l = ic->l;
  memset(l, 0, sizeof *l * (size_t)m * IC_S);
  for (long k = 0; k < nwin; k++) {
    const window *wd = &win[k];
    double e[9][3];
    window_offsets(col, w, wd, e);
    int cy = wd->at / w, cx = wd->at % w;
    for (int qi = 0; qi < 9; qi++) {
      int ui = ic->uid[(cy + qi / 3 - 1 + 2) * ic->uw + cx + qi % 3 - 1 + 2];
      if (ui < 0) continue;
      for (int qj = 0; qj <= qi; qj++) {
        int uj = ic->uid[(cy + qj / 3 - 1 + 2) * ic->uw + cx + qj % 3 - 1 + 2];
        if (uj < 0) continue;
        double v = window_entry(wd->m, e[qi], e[qj]);
        if (qj == qi)
          l[(size_t)ui * IC_S + IC_N] += 1.0 + v;
        else
          l[(size_t)ui * IC_S + lut[qj / 3 - qi / 3 + 2][qj % 3 - qi % 3 + 2]] += v;
      }
    }
  }
  for (long i = 0; i < m; i++) {
    double *li = l + (size_t)i * IC_S;
    const int *nbp = ic->uid + ic->upos[i];
    int p = 0;
    double d = li[IC_N] * (1.0 + shift) + lam[i];
    for (int b = 0; b < IC_N; b++) {
      int j = nbp[ic->off[b]];
      if (j < 0) {
        for (; p < np && pairs[p][0] == b; p++) continue;
        li[b] = 0;
        continue;
      }
      double s = li[b];
      const double *lj = l + (size_t)j * IC_S;
      for (; p < np && pairs[p][0] == b; p++) s -= li[pairs[p][1]] * lj[pairs[p][2]];
      li[b] = s / lj[IC_N];
      d -= li[b] * li[b];
    }
    if (!(d > 1e-12)) return 1;
    li[IC_N] = sqrt(d);
  }
  return 0;
}

/* The factor in float for ic_apply, and l freed. Any L gives a symmetric positive
 * definite L L^T, so CG stays exact; the rounding only touches how well L L^T approximates
 * the Laplacian, and halves the bytes the two triangular solves of every iteration read
 * (6000x4000 composite: 89 iterations either way, ic_apply's time -25%). Returns -1 on no
 * memory. */
static int ic_round(ichol *ic, long m) {
  ic->lf = malloc(sizeof *ic->lf * (size_t)m * IC_S);
  if (!ic->lf) return -1;
  for (size_t i = 0; i < (size_t)m * IC_S; i++) ic->lf[i] = (float)ic->l[i];
  free(ic->l);
  ic->l = NULL;
  return 0;
}

/* z = (L L^T)^-1 z, in place. */
static void ic_apply(const ichol *ic, long m, double *z) {
  const float *l = ic->lf;
  for (long i = 0; i < m; i++) {
    const float *li = l + (size_t)i * IC_S;
    const int *nbp = ic->uid + ic->upos[i];
    double s = z[i];
    for (int b = 0; b < IC_N; b++) {
      int j = nbp[ic->off[b]];
      if (j >= 0) s -= li[b] * z[j];
    }
    z[i] = s / li[IC_N];
  }
  for (long i = m - 1; i >= 0; i--) {
    const float *li = l + (size_t)i * IC_S;
    const int *nbp = ic->uid + ic->upos[i];
    double zi = z[i] / li[IC_N];
    z[i] = zi;
    for (int b = 0; b < IC_N; b++) {
      int j = nbp[ic->off[b]];
      if (j >= 0) z[j] -= li[b] * zi;
    }
  }
}

/* The diagonal of L at the unknowns into d (full grid, read at the unknowns only). */
static void diagonal(int w, const float *col, const window *win, long nwin, const int *idx,
                     long m, double *d) {
  for (long k = 0; k < m; k++) d[idx[k]] = 0;
  for (long k = 0; k < nwin; k++) {
    double e[9][3];
    window_offsets(col, w, &win[k], e);
    for (int q = 0; q < 9; q++)
      d[win[k].at + (q / 3 - 1) * w + q % 3 - 1] += 1.0 + window_entry(win[k].m, e[q], e[q]);
  }
}

static int solve_grid(const grid *g, const cf_opts *o, int *iters, double *resid) {
  const int w = g->w, h = g->h;
  const size_t n = (size_t)w * h;
  *iters = 0;
  *resid = 0;
  long m = 0;
  for (size_t i = 0; i < n; i++) m += g->var[i];
  if (!m || w < 3 || h < 3) return 0;

  uint8_t *near = calloc(n, 1); /* 1: the window centred here touches an unknown */
  int *idx = malloc(sizeof *idx * (size_t)m);
  double *p = calloc(n, sizeof *p), *q = malloc(n * sizeof *q);
  double *r = malloc(sizeof *r * (size_t)m), *z = malloc(sizeof *z * (size_t)m), *dinv = NULL;
  double *lam = NULL, *fdiag = NULL, *lpc = NULL;
  mt_flow flow = {0, NULL, NULL, NULL};
  window *win = NULL;
  ichol ic = {w + 4, NULL, NULL, NULL, NULL, {0}};
  int rc = -1;
  if (!near || !idx || !p || !q || !r || !z) goto done;
  /* the windows that touch an unknown pixel */
  long nwin = 0;
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++) {
      size_t c = (size_t)y * w + x;
      int any = 0;
      for (int dy = -1; dy <= 1 && !any; dy++)
        any = g->var[c + dy * w - 1] | g->var[c + dy * w] | g->var[c + dy * w + 1];
      near[c] = (uint8_t)any;
      nwin += any;
    }
  win = malloc(sizeof *win * (size_t)(nwin ? nwin : 1));
  if (!win) goto done;
  nwin = 0;
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      if (near[(size_t)y * w + x]) window_stats(g->col, w, x, y, o->eps, &win[nwin++]);
  m = 0;
  for (size_t i = 0; i < n; i++)
    if (g->var[i]) idx[m++] = (int)i;
  /* the prior's weights, from the start (the guess) */
  if (!(lam = malloc(sizeof *lam * (size_t)m))) goto done;
  for (long k = 0; k < m; k++) {
    double c = 2 * g->x[idx[k]] - 1;
    lam[k] = o->prior * c * c;
  }
  /* the non-local flow: its edges, and its diagonal folded into the preconditioner's */
  if (o->flow > 0) {
    mt_flow_opts fo;
    mt_flow_opts_init(&fo);
    if (mt_flow_build(w, h, g->col, g->var, &fo, &flow)) goto done;
    if (!(fdiag = calloc(n, sizeof *fdiag))) goto done;
    mt_flow_diagonal(&flow, o->flow, fdiag);
  }
  /* the preconditioner's diagonal addition: the prior's and the flow's */
  if (!(lpc = malloc(sizeof *lpc * (size_t)m))) goto done;
  for (long k = 0; k < m; k++) lpc[k] = lam[k] + (fdiag ? fdiag[idx[k]] : 0.0);

  /* the preconditioner: IC(0), or 1 / diag(L) (Jacobi) when IC(0) breaks down */
  int jacobi = 0;
  {
    ic.uid = malloc(sizeof *ic.uid * (size_t)ic.uw * (h + 2));
    ic.upos = malloc(sizeof *ic.upos * (size_t)m);
    ic.l = malloc(sizeof *ic.l * (size_t)m * IC_S);
    if (!ic.uid || !ic.upos || !ic.l) goto done;
    for (size_t i = 0; i < (size_t)ic.uw * (h + 2); i++) ic.uid[i] = -1;
    for (long k = 0; k < m; k++) {
      ic.upos[k] = (idx[k] / w + 2) * ic.uw + idx[k] % w + 2;
      ic.uid[ic.upos[k]] = (int)k;
    }
    int dyx[IC_N][2];
    ic_offsets(dyx);
    for (int b = 0; b < IC_N; b++) ic.off[b] = dyx[b][0] * ic.uw + dyx[b][1];
    /* the diagonal raised by 1% from the start, 10% and 100% on a breakdown, then Jacobi */
    double shift = 1e-2;
    while (ic_build(&ic, w, g->col, win, nwin, m, shift, lpc)) {
      shift *= 10;
      if (shift > 1) {
        jacobi = 1;
        break;
      }
    }
    if (!jacobi && ic_round(&ic, m)) goto done;
  }
  if (jacobi) {
    if (!(dinv = malloc(sizeof *dinv * (size_t)m))) goto done;
    diagonal(w, g->col, win, nwin, idx, m, q);
    for (long k = 0; k < m; k++)
      dinv[k] = q[idx[k]] + lpc[k] > 1e-12 ? 1.0 / (q[idx[k]] + lpc[k]) : 1.0;
  }
  /* b = -(L x_known)_U (p holds the known values only), r0 = -(L x)_U */
  double *x = g->x;
  for (size_t i = 0; i < n; i++) p[i] = g->var[i] ? 0.0 : x[i];
  laplacian(w, g->col, win, nwin, idx, m, p, q);
  mt_flow_apply(&flow, o->flow, p, q);
  double bnorm = 0;
  for (long k = 0; k < m; k++) bnorm += q[idx[k]] * q[idx[k]];
  bnorm = sqrt(bnorm);
  laplacian(w, g->col, win, nwin, idx, m, x, q);
  mt_flow_apply(&flow, o->flow, x, q);
  /* p must stay 0 off the unknowns, as laplacian() reads it everywhere */
  memset(p, 0, n * sizeof *p);
  double rr = 0, rz = 0;
  for (long k = 0; k < m; k++) {
    r[k] = -q[idx[k]];
    rr += r[k] * r[k];
  }
#define PRECONDITION()                                                        \
  do {                                                                        \
    if (jacobi)                                                               \
      for (long k = 0; k < m; k++) z[k] = dinv[k] * r[k];                    \
    else {                                                                    \
      memcpy(z, r, sizeof *z * (size_t)m);                                  \
      ic_apply(&ic, m, z);                                                   \
    }                                                                         \
  } while (0)
  PRECONDITION();
  for (long k = 0; k < m; k++) {
    p[idx[k]] = z[k];
    rz += r[k] * z[k];
  }
  double scale = bnorm > 1e-12 ? bnorm : 1.0;
  int it = 0;
  while (sqrt(rr) > o->tol * scale && it < o->max_iter) {
    laplacian(w, g->col, win, nwin, idx, m, p, q);
    mt_flow_apply(&flow, o->flow, p, q);
    for (long k = 0; k < m; k++) q[idx[k]] += lam[k] * p[idx[k]];
    double pq = 0;
    for (long k = 0; k < m; k++) pq += p[idx[k]] * q[idx[k]];
    if (!(pq > 0)) break;
    double step = rz / pq;
    rr = 0;
    for (long k = 0; k < m; k++) {
      int i = idx[k];
      x[i] += step * p[i];
      r[k] -= step * q[i];
      rr += r[k] * r[k];
    }
    PRECONDITION();
    double rz_next = 0;
    for (long k = 0; k < m; k++) rz_next += r[k] * z[k];
    double beta = rz_next / rz;
    rz = rz_next;
    for (long k = 0; k < m; k++) p[idx[k]] = z[k] + beta * p[idx[k]];
    it++;
  }
#undef PRECONDITION
  *iters = it;
  *resid = sqrt(rr) / scale;
  rc = 0;
done:
  free(lam);
  free(fdiag);
  free(lpc);
  mt_flow_free(&flow);
  free(near);
  free(idx);
  free(p);
  free(q);
  free(r);
  free(z);
  free(dinv);
  free(win);
  free(ic.uid);
  free(ic.upos);
  free(ic.l);
  free(ic.lf);
  return rc;
}

int mt_closed_form_tile(const mt_tile *t, double eps, double tol, int max_iter, double flow,
                        uint8_t *alpha, mt_tile_result *res) {
  const cf_opts opts = {eps, tol, 1e-3 /* the prior: see the header comment */, max_iter, flow},
                *o = &opts;
  const int rw = t->rw, rh = t->rh;
  const size_t n = (size_t)rw * rh;
  grid g = {rw, rh, malloc(n * 3 * sizeof(float)), calloc(n, 1), malloc(n * sizeof(double))};
  int rc = -1;
  memset(res, 0, sizeof *res);
  if (!g.col || !g.var || !g.x) goto done;
  /* colours, starting alpha, and which pixels are unknowns: the region's edges inside the
   * photo are not, they hold the guess as boundary values */
  for (int y = 0; y < rh; y++)
    for (int x = 0; x < rw; x++) {
      size_t i = (size_t)y * rw + x, gi = (size_t)(t->ry + y) * t->width + t->rx + x;
      for (int k = 0; k < 3; k++) g.col[i * 3 + k] = t->rgb[gi * 3 + k] * (1.0f / 255);
      int inner_x = (x > 0 || t->rx == 0) && (x < rw - 1 || t->rx + rw == t->width);
      int inner_y = (y > 0 || t->ry == 0) && (y < rh - 1 || t->ry + rh == t->height);
      g.var[i] = t->trimap[gi] != 0 && t->trimap[gi] != 255 && inner_x && inner_y;
      g.x[i] = t->guess[gi] / 255.0;
    }
  if (solve_grid(&g, o, &res->iterations, &res->residual)) goto done;
  /* the core's unknown pixels out */
  for (int y = t->cy; y < t->cy + t->ch; y++)
    for (int x = t->cx; x < t->cx + t->cw; x++) {
      size_t i = (size_t)(y - t->ry) * rw + (x - t->rx);
      if (!g.var[i]) continue;
      double a = g.x[i] < 0 ? 0 : g.x[i] > 1 ? 1 : g.x[i];
      alpha[(size_t)y * t->width + x] = (uint8_t)(a * 255.0 + 0.5);
      res->unknown++;
    }
  rc = 0;
done:
  free(g.col);
  free(g.var);
  free(g.x);
  return rc;
}
