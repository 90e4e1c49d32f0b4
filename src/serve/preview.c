/* The photo scaled down for size=preview. */
#include <math.h>

#include "serve/process.h"

ct_img *sv_shrink(const ct_img *photo, long max_pixels) {
  double scale = sqrt((double)max_pixels / ((double)photo->width * photo->height));
  int w = (int)(photo->width * scale), h = (int)(photo->height * scale);
  if (w < 1) w = 1;
  if (h < 1) h = 1;
  while ((long)w * h > max_pixels && (w > 1 || h > 1)) (w >= h ? w-- : h--);
  ct_img *out = NULL;
  return img_resize(photo, w, h, &out) == IMG_OK ? out : NULL;
}
