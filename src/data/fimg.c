/* Float images: allocation, conversion from 8-bit, placement maps, box reduction, warping. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/raster.h"

syn_fimg *syn_fimg_new(int w, int h, int c) {
  if (w <= 0 || h <= 0 || c <= 0) return NULL;
  syn_fimg *f = malloc(sizeof *f);
  if (!f) return NULL;
  f->p = calloc((size_t)w * h * c, sizeof(float));
  if (!f->p) {
    free(f);
    return NULL;
  }
  f->w = w;
  f->h = h;
  f->c = c;
  return f;
}

void syn_fimg_free(syn_fimg *f) {
  if (!f) return;
  free(f->p);
  free(f);
}

syn_fimg *syn_fimg_from_img(const ct_img *im, int premultiplied) {
  if (!im || !im->data) return NULL;
  syn_fimg *f = syn_fimg_new(im->width, im->height, 4);
  if (!f) return NULL;
  size_t n = (size_t)im->width * im->height;
  int ch = im->channels;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) {
    const uint8_t *s = im->data + i * ch;
    float *d = f->p + i * 4;
    float a = ch == 4 ? s[3] / 255.0f : 1.0f;
    for (int k = 0; k < 3; k++) {
      float v = (ch >= 3 ? s[k] : s[0]) / 255.0f;
      d[k] = premultiplied && ch == 4 ? fminf(v, a) : v * a;
    }
    d[3] = a;
  }
  return f;
}

void syn_placement(double scx, double scy, double ccx, double ccy, double scale,
                   double angle_deg, int flip, syn_affine *fwd, syn_affine *inv) {
  double t = angle_deg * M_PI / 180.0, c = cos(t), s = sin(t);
  double fx = flip ? -1.0 : 1.0;
  /* canvas = C + R * scale * diag(fx, 1) * (src - S); with y down, R turns clockwise. */
  double a = c * scale * fx, b = -s * scale, d = s * scale * fx, e = c * scale;
  if (fwd) {
    fwd->m[0] = a;
    fwd->m[1] = b;
    fwd->m[2] = ccx - a * scx - b * scy;
    fwd->m[3] = d;
    fwd->m[4] = e;
    fwd->m[5] = ccy - d * scx - e * scy;
  }
  if (inv) {
    double det = a * e - b * d;
    double ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
    inv->m[0] = ia;
    inv->m[1] = ib;
    inv->m[2] = scx - ia * ccx - ib * ccy;
    inv->m[3] = id;
    inv->m[4] = ie;
    inv->m[5] = scy - id * ccx - ie * ccy;
  }
}

syn_fimg *syn_box_reduce(const syn_fimg *src, int k) {
  if (k < 1) return NULL;
  int w = (src->w + k - 1) / k, h = (src->h + k - 1) / k, c = src->c;
  syn_fimg *out = syn_fimg_new(w, h, c);
  if (!out) return NULL;
  float inv = 1.0f / ((float)k * k);
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    float *row = out->p + (size_t)y * w * c;
    for (int sy = y * k; sy < y * k + k && sy < src->h; sy++) {
      const float *s = src->p + (size_t)sy * src->w * c;
      for (int x = 0; x < w; x++)
        for (int sx = x * k; sx < x * k + k && sx < src->w; sx++)
          for (int j = 0; j < c; j++) row[x * c + j] += s[sx * c + j];
    }
    for (int i = 0; i < w * c; i++) row[i] *= inv;
  }
  return out;
}

void syn_warp(const syn_fimg *src, const syn_affine *inv, int clamp, syn_fimg *out) {
  const int c = src->c, oc = out->c < c ? out->c : c, sw = src->w, sh = src->h;
#pragma omp parallel for schedule(static)
  for (int y = 0; y < out->h; y++) {
    float *d = out->p + (size_t)y * out->w * out->c;
    for (int x = 0; x < out->w; x++, d += out->c) {
      double sx, sy;
      syn_affine_apply(inv, x + 0.5, y + 0.5, &sx, &sy);
      sx -= 0.5; /* to pixel-centre indices */
      sy -= 0.5;
      double fx0 = floor(sx), fy0 = floor(sy);
      for (int j = 0; j < out->c; j++) d[j] = 0;
      if (!clamp && (fx0 < -1 || fy0 < -1 || fx0 >= sw || fy0 >= sh)) continue;
      if (clamp) {
        if (sx < 0) sx = 0, fx0 = 0;
        if (sy < 0) sy = 0, fy0 = 0;
        if (sx > sw - 1) sx = sw - 1, fx0 = sw - 1;
        if (sy > sh - 1) sy = sh - 1, fy0 = sh - 1;
      }
      int x0 = (int)fx0, y0 = (int)fy0;
      float ax = (float)(sx - fx0), ay = (float)(sy - fy0);
      float wgt[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
      int px[4] = {x0, x0 + 1, x0, x0 + 1}, py[4] = {y0, y0, y0 + 1, y0 + 1};
      for (int t = 0; t < 4; t++) {
        int qx = px[t], qy = py[t];
        if (clamp) {
          if (qx > sw - 1) qx = sw - 1;
          if (qy > sh - 1) qy = sh - 1;
        } else if (qx < 0 || qy < 0 || qx >= sw || qy >= sh) {
          continue;
        }
        if (wgt[t] == 0) continue;
        const float *s = src->p + ((size_t)qy * sw + qx) * c;
        for (int j = 0; j < oc; j++) d[j] += wgt[t] * s[j];
      }
    }
  }
}

int syn_resample(const syn_fimg *src, const syn_affine *inv, double scale, int clamp,
                 syn_fimg *out) {
  int k = scale > 0 && scale <= 0.5 ? (int)floor(1.0 / scale) : 1;
  if (k <= 1) {
    syn_warp(src, inv, clamp, out);
    return 0;
  }
  syn_fimg *small = syn_box_reduce(src, k);
  if (!small) return -1;
  syn_affine m = *inv; /* reduced coordinates are source coordinates / k */
  for (int i = 0; i < 6; i++) m.m[i] /= k;
  syn_warp(small, &m, clamp, out);
  syn_fimg_free(small);
  return 0;
}
