/* Patterned backgrounds: stripes, checks, fractal noise, linear or radial gradients and a
 * woven fabric, in the two colours of the sample (which may be close to the foreground's). */
#include <math.h>

#include "data/synth.h"

/* Blend weight of an antialiased square wave along t (pixels) with period and soft edges. */
static double square_wave(double t, double period, double soft) {
  double f = t / period - floor(t / period);
  double tri = fabs(2.0 * f - 1.0);             /* 1 at the stripe centre, 0 at the other's */
  double dpx = (tri - 0.5) * period * 0.5;      /* pixels from the nearest edge */
  double m = 0.5 + dpx / fmax(soft * period, 1.0);
  return m < 0 ? 0 : m > 1 ? 1 : m;
}

static double hash01(uint64_t seed, int64_t i) {
  return syn_value_noise(seed, (double)i, 0.5); /* a lattice value (u, v at integers) */
}

static double fabric(const syn_params *p, double u, double v, int *warp_on_top) {
  double P = p->period;
  int64_t iu = (int64_t)floor(u / P), iv = (int64_t)floor(v / P);
  double fu = u / P - floor(u / P), fv = v / P - floor(v / P);
  int64_t phase = p->twill ? ((iu + iv) % 4 + 4) % 4 : ((iu + iv) % 2 + 2) % 2;
  int top = p->twill ? phase < 2 : phase == 0;
  *warp_on_top = top;
  double across = top ? fu : fv; /* position across the visible thread */
  double thread = 0.85 + 0.3 * (hash01(p->seed + (top ? 11 : 23), top ? iu : iv) - 0.5);
  return thread * (0.6 + 0.4 * sin(M_PI * across));
}

void syn_draw_background(const syn_params *p, syn_fimg *bg) {
  const int W = bg->w, H = bg->h, C = bg->c;
  double a = p->angle_bg * M_PI / 180.0, ca = cos(a), sa = sin(a);
  /* gradient extent along the direction, over the canvas corners */
  double umin = fmin(fmin(0, W * ca), fmin(H * sa, W * ca + H * sa));
  double umax = fmax(fmax(0, W * ca), fmax(H * sa, W * ca + H * sa));
  double rcx = W * (0.5 + 0.5 * cos(a)), rcy = H * (0.5 + 0.5 * sin(a));
  double rmax = hypot(fmax(rcx, W - rcx), fmax(rcy, H - rcy));
  uint64_t grain = p->seed + 977;
#pragma omp parallel for schedule(static)
  for (int y = 0; y < H; y++) {
    for (int x = 0; x < W; x++) {
      double px = x + 0.5, py = y + 0.5;
      double u = px * ca + py * sa, v = -px * sa + py * ca;
      double m = 0, shade = 1;
      int kind_top = 1;
      switch (p->bg) {
      case SYN_BG_STRIPES:
        m = square_wave(u, p->period, p->softness);
        break;
      case SYN_BG_CHECKS: {
        double mu = square_wave(u, p->period, p->softness);
        double mv = square_wave(v, p->period, p->softness);
        m = mu * (1 - mv) + mv * (1 - mu);
        break;
      }
      case SYN_BG_NOISE: {
        double n = syn_fbm(p->seed, px / p->period, py / p->period, p->octaves);
        m = (n - 0.5) * 2.2 + 0.5;
        m = m < 0 ? 0 : m > 1 ? 1 : m;
        break;
      }
      case SYN_BG_GRADIENT:
        m = p->radial ? hypot(px - rcx, py - rcy) / rmax : (u - umin) / (umax - umin);
        break;
      case SYN_BG_FABRIC:
        shade = fabric(p, u, v, &kind_top);
        m = kind_top ? 0 : 1;
        break;
      default:
        break;
      }
      /* a little fine grain so flat areas are not perfectly flat */
      shade *= 0.97 + 0.06 * syn_value_noise(grain, px / 1.7, py / 1.7);
      float *d = bg->p + ((size_t)y * W + x) * C;
      for (int k = 0; k < 3; k++) {
        double c = (p->colour[0][k] * (1 - m) + p->colour[1][k] * m) * shade;
        d[k] = (float)(c < 0 ? 0 : c > 1 ? 1 : c);
      }
      if (C == 4) d[3] = 1.0f;
    }
  }
}
