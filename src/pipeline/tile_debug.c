/* --debug-dir: the tile pass's intermediate masks as images. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/tiles.h"

ct_status tile_debug_write(const char *dir, const char *name, const uint8_t *data, int w, int h,
                           int channels, ct_error *err) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    return ct_fail(err, CT_ERR_ARGUMENT, "the debug folder's name is too long");
  ct_img *im = img_new(w, h, channels);
  if (!im) return ct_fail(err, CT_ERR_MEMORY, "out of memory for %s", path);
  memcpy(im->data, data, (size_t)w * h * channels);
  char msg[512];
  int rc = img_save(im, path, msg, sizeof msg);
  img_free(im);
  return rc ? ct_from_img(err, rc, msg) : CT_OK;
}

/* The global mask at half brightness in grey, tiles that ran tinted red with a white border,
 * skipped tiles' borders in blue. */
ct_status tile_debug_chosen(const char *dir, const uint8_t *global, const tile_rect *tiles,
                            int n, const uint8_t *ran, int w, int h, ct_error *err) {
  ct_img *im = img_new(w, h, 3);
  if (!im) return ct_fail(err, CT_ERR_MEMORY, "out of memory for the tile map");
  size_t px = (size_t)w * h;
  for (size_t i = 0; i < px; i++) memset(im->data + i * 3, global[i] / 2, 3);
  int line = w > 2000 ? 3 : 1;
  for (int t = 0; t < n; t++) {
    const tile_rect *r = &tiles[t];
    for (int y = r->y; y < r->y + r->h; y++)
      for (int x = r->x; x < r->x + r->w; x++) {
        uint8_t *p = im->data + ((size_t)y * w + x) * 3;
        int edge = x - r->x < line || r->x + r->w - 1 - x < line || y - r->y < line ||
                   r->y + r->h - 1 - y < line;
        if (edge) {
          p[0] = ran[t] ? 255 : 40;
          p[1] = ran[t] ? 255 : 80;
          p[2] = 255;
        } else if (ran[t]) {
          p[0] = (uint8_t)(p[0] + 64);
        }
      }
  }
  char path[4096], msg[512];
  snprintf(path, sizeof path, "%s/tiles-chosen.png", dir);
  int rc = img_save(im, path, msg, sizeof msg);
  img_free(im);
  return rc ? ct_from_img(err, rc, msg) : CT_OK;
}
