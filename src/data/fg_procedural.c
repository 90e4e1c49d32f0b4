/* The built-in foreground: a head-and-shoulders silhouette (two wobbly ellipses, shaded with
 * noise), hair strands 1-3 px wide growing out of the head, optional fur on the shoulders and
 * an optional semi-transparent net veil. Drawn straight into canvas pixels through the
 * placement, so thin strands stay sharp whatever the scale and angle. */
#include <math.h>
#include <stdlib.h>

#include "data/synth.h"

typedef struct ellipse {
  double cx, cy, rx, ry, phase_shift;
} ellipse;

/* Boundary radius (as a fraction of the ellipse) in direction theta. */
static double wobble(const syn_fg_shape *s, double theta, double shift) {
  double r = 1.0;
  for (int k = 0; k < 4; k++) r += s->wobble_amp[k] * sin((k + 2) * theta + s->wobble_phase[k] + shift);
  return r;
}

/* Coverage of a canvas pixel by a wobbly ellipse, from the approximate signed distance
 * f / |grad q| (f = q - wobble(theta), q the ellipse's radial coordinate) scaled to canvas
 * pixels. The wobble is bounded by 1 +- sum |amp|, so pixels surely in or out skip it. */
static float ellipse_cover(const syn_fg_shape *s, const ellipse *e, double x, double y,
                           double scale) {
  double u = (x - e->cx) / e->rx, v = (y - e->cy) / e->ry;
  double q = sqrt(u * u + v * v);
  if (q < 1e-9) return 1.0f;
  double gx = u / e->rx, gy = v / e->ry;
  double g = sqrt(gx * gx + gy * gy) / q / scale; /* |grad q| per canvas pixel */
  double bound = 0;
  for (int k = 0; k < 4; k++) bound += fabs(s->wobble_amp[k]);
  if ((q - (1 + bound)) / g >= 0.5) return 0.0f;
  if ((q - (1 - bound)) / g <= -0.5) return 1.0f;
  double c = 0.5 - (q - wobble(s, atan2(v, u), e->phase_shift)) / g;
  return (float)(c < 0 ? 0 : c > 1 ? 1 : c);
}

static void over(float *p, const float rgb[3], float a) {
  for (int k = 0; k < 3; k++) p[k] = rgb[k] * a + p[k] * (1 - a);
  p[3] = a + p[3] * (1 - a);
}

static float clamp01(double v) { return (float)(v < 0 ? 0 : v > 1 ? 1 : v); }

/* Grows one strand from (x, y) in direction phi (source coordinates) and draws it. */
static void grow(syn_fimg *layer, float *cov, double *xy, int max_pts, const syn_affine *fwd,
                 double scale, syn_rng *r, double x, double y, double phi, double len,
                 double curl, double gravity, double w0, double w1, const float rgb[3],
                 double opacity) {
  double step = 2.0 / scale; /* about 2 canvas pixels */
  int n = (int)(len / step) + 1;
  if (n > max_pts) n = max_pts;
  if (n < 2) n = 2;
  for (int i = 0; i < n; i++) {
    syn_affine_apply(fwd, x, y, &xy[2 * i], &xy[2 * i + 1]);
    x += step * cos(phi);
    y += step * sin(phi);
    phi += curl * syn_rng_normal(r) + gravity * sin(M_PI / 2 - phi);
  }
  syn_draw_strand(layer, cov, xy, n, w0, w1, rgb, opacity);
}

static void body_pass(const syn_fg_shape *s, const ellipse *head, const ellipse *body,
                      const syn_affine *inv, double scale, syn_fimg *layer) {
  double feature = 0.04 * (head->rx + body->rx);
#pragma omp parallel for schedule(static)
  for (int y = 0; y < layer->h; y++) {
    for (int x = 0; x < layer->w; x++) {
      double sx, sy;
      syn_affine_apply(inv, x + 0.5, y + 0.5, &sx, &sy);
      float *p = layer->p + ((size_t)y * layer->w + x) * 4;
      float cb = ellipse_cover(s, body, sx, sy, scale);
      float ch = ellipse_cover(s, head, sx, sy, scale);
      if (cb <= 0 && ch <= 0) continue;
      float shade = 0.75f + 0.5f * syn_fbm(s->seed, sx / feature, sy / feature, 3);
      float rgb[3];
      if (cb > 0) {
        for (int k = 0; k < 3; k++) rgb[k] = clamp01(s->cloth[k] * shade);
        over(p, rgb, cb);
      }
      if (ch > 0) {
        for (int k = 0; k < 3; k++) rgb[k] = clamp01(s->skin[k] * (0.5f + 0.5f * shade));
        over(p, rgb, ch);
      }
    }
  }
}

static void veil_pass(const syn_fg_shape *s, const ellipse *veil, const syn_affine *inv,
                      double scale, syn_fimg *layer) {
  double period = s->veil_period / scale; /* net period in canvas pixels -> source */
#pragma omp parallel for schedule(static)
  for (int y = 0; y < layer->h; y++) {
    for (int x = 0; x < layer->w; x++) {
      double sx, sy;
      syn_affine_apply(inv, x + 0.5, y + 0.5, &sx, &sy);
      float c = ellipse_cover(s, veil, sx, sy, scale);
      if (c <= 0) continue;
      double u = (sx + sy) / M_SQRT2 / period, v = (sx - sy) / M_SQRT2 / period;
      double du = fabs(u - floor(u + 0.5)) * period * scale; /* canvas px to a thread */
      double dv = fabs(v - floor(v + 0.5)) * period * scale;
      double thread = fmax(1.0 - du, 1.0 - dv);
      if (thread < 0) thread = 0;
      float a = (float)(s->veil_opacity * (0.35 + 0.65 * thread)) * c;
      over(layer->p + ((size_t)y * layer->w + x) * 4, s->veil_colour, a);
    }
  }
}

int syn_draw_shape(const syn_fg_shape *s, const syn_affine *fwd, const syn_affine *inv,
                   double scale, syn_fimg *layer) {
  const int max_pts = 4096;
  float *cov = calloc((size_t)layer->w * layer->h, sizeof *cov);
  double *xy = malloc(2 * max_pts * sizeof *xy);
  if (!cov || !xy) {
    free(cov);
    free(xy);
    return -1;
  }
  ellipse head = {s->head_cx, s->head_cy, s->head_rx, s->head_ry, 0.0};
  ellipse body = {s->body_cx, s->body_cy, s->body_rx, s->body_ry, 1.7};
  body_pass(s, &head, &body, inv, scale, layer);

  syn_rng r;
  syn_rng_seed(&r, syn_seed_mix(s->seed, 1));
  for (int i = 0; i < s->fur; i++) { /* fur on the shoulders: the body's upper boundary */
    double t = syn_rng_range(&r, -M_PI, 0.0);
    double rho = 0.97 * wobble(s, t, body.phase_shift);
    double x = body.cx + body.rx * rho * cos(t), y = body.cy + body.ry * rho * sin(t);
    double phi = atan2(sin(t) / body.ry, cos(t) / body.rx) + 0.4 * syn_rng_normal(&r);
    double w0 = syn_rng_range(&r, 1.0, 2.0), shade = syn_rng_range(&r, 0.7, 1.3);
    float rgb[3] = {clamp01(s->cloth[0] * shade), clamp01(s->cloth[1] * shade),
                    clamp01(s->cloth[2] * shade)};
    grow(layer, cov, xy, max_pts, fwd, scale, &r, x, y, phi,
         s->fur_len * syn_rng_range(&r, 0.5, 1.5), 0.08, 0.0, w0, 0.4 * w0, rgb,
         syn_rng_range(&r, 0.6, 1.0));
  }
  for (int i = 0; i < s->strands; i++) { /* hair: out of the head's upper half */
    double t = syn_rng_range(&r, -M_PI - 0.35, 0.35);
    double rho = syn_rng_range(&r, 0.75, 0.98) * wobble(s, t, head.phase_shift);
    double x = head.cx + head.rx * rho * cos(t), y = head.cy + head.ry * rho * sin(t);
    double phi = atan2(sin(t) / head.ry, cos(t) / head.rx) + 0.35 * syn_rng_normal(&r);
    double w0 = syn_rng_range(&r, 1.0, 3.0), shade = syn_rng_range(&r, 0.75, 1.25);
    float rgb[3] = {clamp01(s->hair[0] * shade), clamp01(s->hair[1] * shade),
                    clamp01(s->hair[2] * shade)};
    grow(layer, cov, xy, max_pts, fwd, scale, &r, x, y, phi,
         s->strand_len * syn_rng_range(&r, 0.4, 1.3), s->curl, s->gravity, w0,
         w0 * syn_rng_range(&r, 0.3, 0.7), rgb, s->strand_opacity * syn_rng_range(&r, 0.7, 1.0));
  }
  if (s->veil) {
    double side = syn_rng_chance(&r, 0.5) ? 1.0 : -1.0;
    ellipse veil = {head.cx + side * 0.35 * head.rx, head.cy + 0.9 * head.ry, 1.5 * head.rx,
                    1.9 * head.ry, 3.1};
    veil_pass(s, &veil, inv, scale, layer);
  }
  free(cov);
  free(xy);
  return 0;
}
