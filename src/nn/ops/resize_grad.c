/* The gradient of a resize. Every mode but tf_crop_and_resize's extrapolation is linear in
 * x and separable (y = A_1 ... A_r x, one matrix per axis), so dx = A_r^T ... A_1^T dy, axis
 * by axis. Each axis' matrix is read off nn_resize itself, resizing the unit vectors of that
 * axis alone: the taps are then exactly those of the forward pass, whatever the mode,
 * coordinate transformation and rounding. */
#include <stdlib.h>
#include <string.h>

#include "nn/ops/resize_core.h"

typedef struct tap {
  int64_t o, i; /* output index, input index */
  float w;
} tap;

/* the nonzero entries of the axis' matrix: resize e_j of length n_in for each j */
static tap *axis_taps(const nn_resize_attrs *a, int64_t n_in, int64_t n_out, const double *scale,
                      const double *roi, int64_t *count) {
  nn_tensor x = {0}, y = {0};
  nn_set_shape(&x, NN_F32, 1, &n_in);
  nn_set_shape(&y, NN_F32, 1, &n_out);
  size_t cap = (size_t)(n_out > n_in ? n_out : n_in) * 4 + 16, n = 0;
  tap *t = malloc(cap * sizeof *t);
  float *xv = calloc((size_t)n_in + 1, sizeof *xv);
  float *yv = malloc(sizeof(float) * ((size_t)n_out + 1));
  int ok = t && xv && yv;
  x.data = xv;
  y.data = yv;
  for (int64_t j = 0; ok && j < n_in; j++) {
    xv[j] = 1.0f;
    ok = nn_resize(a, &x, scale, roi, &y) == NN_OK;
    xv[j] = 0.0f;
    for (int64_t o = 0; ok && o < n_out; o++) {
      if (yv[o] == 0.0f) continue;
      if (n == cap) {
        tap *g = realloc(t, 2 * cap * sizeof *t);
        if (!g) ok = 0;
        else t = g, cap *= 2;
      }
      if (ok) t[n++] = (tap){o, j, yv[o]};
    }
  }
  free(xv);
  free(yv);
  if (!ok) {
    free(t);
    return NULL;
  }
  *count = (int64_t)n;
  return t;
}

int nn_resize_backward(const nn_resize_attrs *a, const nn_tensor *x, const double *scales,
                       const double *roi, const nn_tensor *dy, float *dx) {
  if (a->coord == NN_RESIZE_TF_CROP_AND_RESIZE) return NN_EUNSUPPORTED;
  int r = x->ndim;
  int64_t dims[NN_MAX_DIMS];
  memcpy(dims, dy->dims, sizeof(int64_t) * (size_t)r);
  int64_t total = nn_numel(dy);
  float *g = malloc(sizeof(float) * (size_t)(total ? total : 1));
  if (!g) return NN_ENOMEM;
  if (total) memcpy(g, dy->data, sizeof(float) * (size_t)total);
  int rc = NN_OK;
  for (int d = 0; d < r && !rc; d++) {
    int64_t n_in = x->dims[d], n_out = dims[d], count = 0;
    double sc = scales ? scales[d] : 0, axis_roi[2] = {roi ? roi[d] : 0, roi ? roi[r + d] : 1};
    tap *t = axis_taps(a, n_in, n_out, scales ? &sc : NULL, roi ? axis_roi : NULL, &count);
    if (!t) {
      rc = NN_ENOMEM;
      break;
    }
    int64_t outer = 1, inner = 1;
    for (int k = 0; k < d; k++) outer *= dims[k];
    for (int k = d + 1; k < r; k++) inner *= dims[k];
    float *h = calloc((size_t)(outer * n_in * inner) + 1, sizeof *h);
    if (!h) {
      free(t);
      rc = NN_ENOMEM;
      break;
    }
#pragma omp parallel for schedule(static) if (outer * inner > 4096)
    for (int64_t p = 0; p < outer; p++)
      for (int64_t k = 0; k < count; k++) {
        const float *src = g + (p * n_out + t[k].o) * inner;
        float *dst = h + (p * n_in + t[k].i) * inner;
        for (int64_t q = 0; q < inner; q++) dst[q] += t[k].w * src[q];
      }
    free(t);
    free(g);
    g = h;
    dims[d] = n_in;
  }
  if (!rc)
    for (int64_t i = 0, n = nn_numel(x); i < n; i++) dx[i] += g[i];
  free(g);
  return rc;
}
