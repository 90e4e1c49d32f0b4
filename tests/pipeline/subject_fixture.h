/* A photo the pipeline tests draw: a dark red head-and-shoulders subject over a pale striped
 * wall, with its exact mask. Scale s sizes the subject (1: a head of radius 120 px) around
 * the head's centre (cx, cy). */
#ifndef CUTOUT_TESTS_SUBJECT_FIXTURE_H
#define CUTOUT_TESTS_SUBJECT_FIXTURE_H
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static int fixture_inside(int x, int y, double cx, double cy, double s) {
  double dx = x - cx, dy = y - cy;
  if (dx * dx + dy * dy < 120.0 * 120.0 * s * s) return 1;
  if (y > cy + 110 * s && x > cx - 220 * s && x < cx + 220 * s) {
    double lo = cx - 120 * s, hi = cx + 120 * s, top = cy + 210 * s;
    double ex = x - (x < lo ? lo : x > hi ? hi : x), ey = y - (y < top ? top : y);
    return ex * ex + ey * ey < 100.0 * 100.0 * s * s;
  }
  return 0;
}

/* Fills px (w*h RGB) and truth (w*h, 1 inside the subject). */
static void fixture_draw(int w, int h, double cx, double cy, double s, uint8_t *px,
                         uint8_t *truth) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t *p = px + ((size_t)y * w + x) * 3;
      int in = fixture_inside(x, y, cx, cy, s);
      truth[(size_t)y * w + x] = (uint8_t)in;
      if (in) { /* soft shading */
        p[0] = (uint8_t)(150 + 40 * sin(x * 0.02 / s));
        p[1] = (uint8_t)(30 + 10 * cos(y * 0.03 / s));
        p[2] = 40;
      } else { /* a faint gradient and stripes */
        int v = 200 + (x * 30) / w - ((int)(y / (40 * s)) % 2) * 8;
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v + 5);
        p[2] = (uint8_t)(v + 12);
      }
    }
}

/* IoU of alpha >= 128 (every stride-th byte of alpha) with truth (n pixels). */
static inline double fixture_iou(const uint8_t *alpha, int stride, const uint8_t *truth, size_t n) {
  long inter = 0, uni = 0;
  for (size_t i = 0; i < n; i++) {
    int a = alpha[i * stride] >= 128;
    inter += a && truth[i];
    uni += a || truth[i];
  }
  return uni ? (double)inter / (double)uni : 1.0;
}

#endif
