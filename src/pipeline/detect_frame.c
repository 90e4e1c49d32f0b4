/* The detector's letterboxed input, and its boxes mapped back to the photo. */
#include <stdlib.h>
#include <string.h>

#include "pipeline/detect.h"

int det_letterbox(const ct_img *photo, int size, float *out, det_frame *f) {
  double s = (double)size / (photo->width > photo->height ? photo->width : photo->height);
  int w = (int)(photo->width * s + 0.5), h = (int)(photo->height * s + 0.5);
  w = w < 1 ? 1 : w > size ? size : w;
  h = h < 1 ? 1 : h > size ? size : h;
  *f = (det_frame){s, (size - w) / 2, (size - h) / 2, w, h};
  float *planar = malloc((size_t)3 * w * h * sizeof *planar);
  const float mean[3] = {0, 0, 0}, scale[3] = {255, 255, 255};
  if (!planar || img_resize_to_planar(photo, w, h, planar, mean, scale)) {
    free(planar);
    return -1;
  }
  memset(out, 0, (size_t)size * size * 3 * sizeof *out);
  size_t plane = (size_t)w * h;
  for (int y = 0; y < h; y++) {
    float *d = out + ((size_t)(y + f->oy) * size + f->ox) * 3;
    for (int x = 0; x < w; x++, d += 3)
      for (int c = 0; c < 3; c++) d[c] = planar[c * plane + (size_t)y * w + x];
  }
  free(planar);
  return 0;
}

static float clip(float v, int hi) { return v < 0 ? 0 : v > hi ? (float)hi : v; }

void det_to_photo(const det_frame *f, int width, int height, det_box *b) {
  b->x0 = clip((float)((b->x0 - f->ox) / f->scale), width);
  b->x1 = clip((float)((b->x1 - f->ox) / f->scale), width);
  b->y0 = clip((float)((b->y0 - f->oy) / f->scale), height);
  b->y1 = clip((float)((b->y1 - f->oy) / f->scale), height);
}
