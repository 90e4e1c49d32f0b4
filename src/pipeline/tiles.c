/* Tile layout, selection and blend weights. */
#include "pipeline/tiles.h"

#include <math.h>
#include <stdlib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

int tile_axis(int n, int size, int overlap, int *pos, int max) {
  if (n <= 0 || size <= 0 || overlap < 0 || overlap >= size) return 0;
  if (n <= size) {
    if (pos && max > 0) pos[0] = 0;
    return 1;
  }
  int stride = size - overlap;
  int count = (n - size + stride - 1) / stride + 1;
  for (int i = 0; pos && i < count && i < max; i++)
    pos[i] = i == count - 1 ? n - size : i * stride;
  return count;
}

int tile_layout(int width, int height, int size, int overlap, tile_rect **out) {
  *out = NULL;
  int nx = tile_axis(width, size, overlap, NULL, 0);
  int ny = tile_axis(height, size, overlap, NULL, 0);
  if (nx <= 0 || ny <= 0) return -1;
  int *px = malloc((size_t)nx * sizeof *px), *py = malloc((size_t)ny * sizeof *py);
  tile_rect *r = malloc((size_t)nx * ny * sizeof *r);
  if (!px || !py || !r) {
    free(px);
    free(py);
    free(r);
    return -1;
  }
  tile_axis(width, size, overlap, px, nx);
  tile_axis(height, size, overlap, py, ny);
  int tw = width < size ? width : size, th = height < size ? height : size;
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) r[j * nx + i] = (tile_rect){px[i], py[j], tw, th};
  free(px);
  free(py);
  *out = r;
  return nx * ny;
}

int tile_needed(const uint8_t *mask, int width, const tile_rect *r) {
  int fg = 0, bg = 0;
  for (int y = r->y; y < r->y + r->h; y++) {
    const uint8_t *row = mask + (size_t)y * width + r->x;
    for (int x = 0; x < r->w; x++) {
      uint8_t v = row[x];
      if (v > TILE_SURE_BG && v < TILE_SURE_FG) return 1;
      fg |= v >= TILE_SURE_FG;
      bg |= v <= TILE_SURE_BG;
    }
    if (fg && bg) return 1;
  }
  return 0;
}

tile_rect tile_zone(const tile_rect *r, int width, int height, int overlap) {
  int cut = overlap / 2 - (overlap >= 32 ? TILE_ZONE_MARGIN : 0);
  int x0 = r->x > 0 ? r->x + cut : 0, y0 = r->y > 0 ? r->y + cut : 0;
  int x1 = r->x + r->w < width ? r->x + r->w - cut : width;
  int y1 = r->y + r->h < height ? r->y + r->h - cut : height;
  return (tile_rect){x0, y0, x1 - x0, y1 - y0};
}

void tile_ramp(int pos, int len, int n, int overlap, float *w) {
  for (int i = 0; i < len; i++) {
    float v = 1.0f;
    int from_start = i, from_end = len - 1 - i;
    if (pos > 0 && from_start < overlap)
      v = (float)(0.5 - 0.5 * cos(M_PI * (from_start + 0.5) / overlap));
    if (pos + len < n && from_end < overlap) {
      float e = (float)(0.5 - 0.5 * cos(M_PI * (from_end + 0.5) / overlap));
      if (e < v) v = e;
    }
    w[i] = v;
  }
}

void tile_ramp_sum(int n, int size, int overlap, float *sum) {
  for (int i = 0; i < n; i++) sum[i] = 0.0f;
  int count = tile_axis(n, size, overlap, NULL, 0);
  int len = n < size ? n : size;
  float *w = malloc((size_t)len * sizeof *w);
  int *pos = malloc((size_t)(count > 0 ? count : 1) * sizeof *pos);
  if (w && pos) {
    tile_axis(n, size, overlap, pos, count);
    for (int t = 0; t < count; t++) {
      tile_ramp(pos[t], len, n, overlap, w);
      for (int i = 0; i < len; i++) sum[pos[t] + i] += w[i];
    }
  }
  free(w);
  free(pos);
}

int tile_accumulate(const uint8_t *tile_mask, const tile_rect *r, int overlap, int img_w,
                    int img_h, int strip_y0, float *acc, float *wsum) {
  float *wx = malloc((size_t)r->w * sizeof *wx), *wy = malloc((size_t)r->h * sizeof *wy);
  if (!wx || !wy) {
    free(wx);
    free(wy);
    return -1;
  }
  tile_ramp(r->x, r->w, img_w, overlap, wx);
  tile_ramp(r->y, r->h, img_h, overlap, wy);
#pragma omp parallel for schedule(static)
  for (int y = 0; y < r->h; y++) {
    const uint8_t *src = tile_mask + (size_t)y * r->w;
    size_t row = (size_t)(r->y - strip_y0 + y) * img_w + r->x;
    float *a = acc + row, *s = wsum + row;
    for (int x = 0; x < r->w; x++) {
      float w = wx[x] * wy[y];
      a[x] += w * (src[x] * (1.0f / 255.0f));
      s[x] += w;
    }
  }
  free(wx);
  free(wy);
  return 0;
}

static uint8_t to_byte(float v) {
  if (!(v > 0.0f)) return 0;
  if (v >= 1.0f) return 255;
  return (uint8_t)(v * 255.0f + 0.5f);
}

void tile_blend_rows(const uint8_t *global, const float *acc, const float *wsum,
                     const float *sum_x, const float *sum_y, int width, int y0, int y1,
                     int strip_y0, uint8_t *blend) {
#pragma omp parallel for schedule(static)
  for (int y = y0; y < y1; y++) {
    size_t row = (size_t)y * width, srow = (size_t)(y - strip_y0) * width;
    for (int x = 0; x < width; x++) {
      uint8_t g = global[row + x];
      float ws = wsum[srow + x];
      if (ws <= 0.0f) {
        blend[row + x] = g;
        continue;
      }
      float all = sum_x[x] * sum_y[y], share = ws / all;
      float v = acc[srow + x] / ws;
      if (share < TILE_BLEND_FULL) {
        float k = share * (1.0f / TILE_BLEND_FULL);
        v = g * (1.0f / 255.0f) + k * (v - g * (1.0f / 255.0f));
      }
      blend[row + x] = to_byte(v);
    }
  }
}
