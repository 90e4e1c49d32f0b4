/* Non-local colour flow (knn_flow.h). Candidates of an unknown pixel: every pixel within
 * o->inner of it, and every o->step-th pixel (on a lattice fixed to the grid, so that
 * neighbouring unknowns share candidates) within o->outer; of those the k nearest in the
 * feature (r, g, b, s x / outer, s y / outer) are kept, with KNN matting's kernel
 * w = 1 - d / C, C the largest distance a feature pair can have, floored at 1e-3. */
#include "matte/knn_flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mt_flow_opts_init(mt_flow_opts *o) {
  o->k = 10;
  o->inner = 6;
  o->outer = 30;
  o->step = 4;
  o->spatial = 1.0;
  o->known_only = 0;
}

void mt_flow_free(mt_flow *f) {
  free(f->from);
  free(f->to);
  free(f->w);
  memset(f, 0, sizeof *f);
}

#define FLOW_KMAX 64

/* Keeps the k smallest (d, j) in best (sorted ascending), *nb of them so far. */
static void keep(double *bd, int *bj, int *nb, int k, double d, int j) {
  if (*nb == k && d >= bd[k - 1]) return;
  int p = *nb < k ? (*nb)++ : k - 1;
  while (p > 0 && bd[p - 1] > d) {
    bd[p] = bd[p - 1];
    bj[p] = bj[p - 1];
    p--;
  }
  bd[p] = d;
  bj[p] = j;
}

int mt_flow_build(int w, int h, const float *col, const uint8_t *var, const mt_flow_opts *o,
                  mt_flow *f) {
  memset(f, 0, sizeof *f);
  const size_t n = (size_t)w * h;
  long m = 0;
  for (size_t i = 0; i < n; i++) m += var[i] != 0;
  int k = o->k < 1 ? 1 : o->k > FLOW_KMAX ? FLOW_KMAX : o->k;
  if (!m) return 0;
  f->from = malloc(sizeof *f->from * (size_t)m * k);
  f->to = malloc(sizeof *f->to * (size_t)m * k);
  f->w = malloc(sizeof *f->w * (size_t)m * k);
  if (!f->from || !f->to || !f->w) {
    mt_flow_free(f);
    return -1;
  }
  const int inner = o->inner < 0 ? 0 : o->inner;
  const int outer = o->outer < inner ? inner : o->outer;
  const int step = o->step < 1 ? 1 : o->step;
  const double s = outer > 0 ? o->spatial / outer : 0;
  const double s2 = s * s;
  /* the largest distance: colours differ by at most 1 a channel, positions by outer */
  const double C = sqrt(3.0 + 2.0 * (s * outer) * (s * outer));
  long e = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      if (!var[i]) continue;
      const float *ci = col + i * 3;
      double bd[FLOW_KMAX];
      int bj[FLOW_KMAX], nb = 0;
      int y0 = y - outer < 0 ? 0 : y - outer, y1 = y + outer >= h ? h - 1 : y + outer;
      int x0 = x - outer < 0 ? 0 : x - outer, x1 = x + outer >= w ? w - 1 : x + outer;
      for (int yy = y0; yy <= y1; yy++) {
        int dy = yy - y, near_y = dy >= -inner && dy <= inner;
        if (!near_y && yy % step) continue;
        for (int xx = x0; xx <= x1; xx++) {
          int dx = xx - x;
          int near = near_y && dx >= -inner && dx <= inner;
          if (!near && (xx % step || yy % step)) continue;
          if (!dx && !dy) continue;
          size_t j = (size_t)yy * w + xx;
          if (o->known_only && var[j]) continue;
          const float *cj = col + j * 3;
          double d0 = ci[0] - cj[0], d1 = ci[1] - cj[1], d2 = ci[2] - cj[2];
          double d = d0 * d0 + d1 * d1 + d2 * d2 + s2 * (double)(dx * dx + dy * dy);
          keep(bd, bj, &nb, k, d, (int)j);
        }
      }
      for (int q = 0; q < nb; q++) {
        double wt = 1.0 - sqrt(bd[q]) / C;
        f->from[e] = (int)i;
        f->to[e] = bj[q];
        f->w[e] = (float)(wt < 1e-3 ? 1e-3 : wt);
        e++;
      }
    }
  f->n = e;
  return 0;
}

void mt_flow_apply(const mt_flow *f, double weight, const double *x, double *y) {
  for (long e = 0; e < f->n; e++) {
    int i = f->from[e], j = f->to[e];
    double v = weight * f->w[e] * (x[i] - x[j]);
    y[i] += v;
    y[j] -= v;
  }
}

void mt_flow_diagonal(const mt_flow *f, double weight, double *d) {
  for (long e = 0; e < f->n; e++) {
    double v = weight * f->w[e];
    d[f->from[e]] += v;
    d[f->to[e]] += v;
  }
}
