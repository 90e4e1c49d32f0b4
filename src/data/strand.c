/* Antialiased tapered polylines (hair and fur strands) composited onto a premultiplied layer.
 *
 * A strand's coverage is the maximum over its segments, so joints are not counted twice;
 * across a strand of width w >= 1 the coverage profile is a trapezoid clamp(w/2 + 0.5 - d)
 * whose integral is w, and below 1 px a tent w * (1 - d) with the same integral. */
#include <math.h>

#include "data/raster.h"

static float coverage(double d, double w) {
  if (w >= 1.0) {
    double c = w * 0.5 + 0.5 - d;
    return (float)(c < 0 ? 0 : c > 1 ? 1 : c);
  }
  double c = 1.0 - d;
  return (float)(c < 0 ? 0 : w * c);
}

void syn_draw_strand(syn_fimg *layer, float *cov, const double *xy, int n, double w0,
                     double w1, const float rgb[3], double opacity) {
  if (n < 2) return;
  const int W = layer->w, H = layer->h;
  int bx0 = W, by0 = H, bx1 = -1, by1 = -1;
  for (int i = 0; i + 1 < n; i++) {
    double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
    double wa = w0 + (w1 - w0) * i / (n - 1), wb = w0 + (w1 - w0) * (i + 1) / (n - 1);
    double reach = (wa > wb ? wa : wb) * 0.5 + 1.0;
    int x0 = (int)floor(fmin(ax, bx) - reach), x1 = (int)ceil(fmax(ax, bx) + reach);
    int y0 = (int)floor(fmin(ay, by) - reach), y1 = (int)ceil(fmax(ay, by) + reach);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > W - 1) x1 = W - 1;
    if (y1 > H - 1) y1 = H - 1;
    if (x0 > x1 || y0 > y1) continue;
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        double px = x + 0.5 - ax, py = y + 0.5 - ay;
        double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double ex = px - t * dx, ey = py - t * dy;
        float c = coverage(sqrt(ex * ex + ey * ey), wa + (wb - wa) * t);
        float *q = cov + (size_t)y * W + x;
        if (c > *q) *q = c;
      }
    }
    if (x0 < bx0) bx0 = x0;
    if (y0 < by0) by0 = y0;
    if (x1 > bx1) bx1 = x1;
    if (y1 > by1) by1 = y1;
  }
  for (int y = by0; y <= by1; y++) {
    for (int x = bx0; x <= bx1; x++) {
      float *q = cov + (size_t)y * W + x;
      if (*q <= 0) continue;
      float a = *q * (float)opacity;
      float *p = layer->p + ((size_t)y * W + x) * 4;
      for (int k = 0; k < 3; k++) p[k] = rgb[k] * a + p[k] * (1 - a);
      p[3] = a + p[3] * (1 - a);
      *q = 0;
    }
  }
}
