/* One /api/instances request's image work, from the uploaded bytes to the JSON answer. The
 * JSON is written straight into one growing buffer: the PNGs go in as base64 one at a time,
 * each freed before the next is made. */
#include "serve/instances.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/base64.h"

typedef struct buf {
  char *data;
  size_t len, cap;
  int oom;
} buf;

/* Room for n more bytes and a terminator; 0, or -1 (oom set) when out of memory. */
static int reserve(buf *b, size_t n) {
  if (b->oom) return -1;
  if (b->len + n + 1 <= b->cap) return 0;
  size_t c = b->cap ? b->cap * 2 : 4096;
  if (c < b->len + n + 1) c = b->len + n + 1;
  char *p = realloc(b->data, c);
  if (!p) {
    b->oom = 1;
    return -1;
  }
  b->data = p;
  b->cap = c;
  return 0;
}

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof tmp || reserve(b, (size_t)n)) {
    b->oom = 1;
    return;
  }
  memcpy(b->data + b->len, tmp, (size_t)n + 1);
  b->len += (size_t)n;
}

static void put_base64(buf *b, const void *data, size_t n) {
  size_t m = sv_base64_len(n);
  if ((n && !m) || reserve(b, m)) {
    b->oom = 1;
    return;
  }
  sv_base64_encode(data, n, b->data + b->len);
  b->len += m;
  b->data[b->len] = '\0';
}

/* The rectangle {x, y, w, h} an instance's PNG shows: its mask's extent with crop (its box
 * when the mask is empty), else the whole photo. */
static void frame_of(const ct_image *mask, const ct_detection *d, int crop, int r[4]) {
  int W = ct_image_width(mask), H = ct_image_height(mask);
  r[0] = 0, r[1] = 0, r[2] = W, r[3] = H;
  if (!crop || ct_image_extent(mask, r)) return;
  int x0 = (int)d->x0, y0 = (int)d->y0, x1 = (int)d->x1, y1 = (int)d->y1;
  x0 = x0 < 0 ? 0 : x0 >= W ? W - 1 : x0;
  y0 = y0 < 0 ? 0 : y0 >= H ? H - 1 : y0;
  x1 = x1 >= W ? W - 1 : x1 < x0 ? x0 : x1;
  y1 = y1 >= H ? H - 1 : y1 < y0 ? y0 : y1;
  r[0] = x0, r[1] = y0, r[2] = x1 - x0 + 1, r[3] = y1 - y0 + 1;
}

/* Instance k's entry: its numbers and its cutout as a PNG. 0, or -1 with r filled. */
static int put_instance(buf *b, const ct_image *photo, const ct_image *mask,
                        const ct_detection *d, int k, const sv_params *p, sv_result *r) {
  int fr[4];
  frame_of(mask, d, p->crop, fr);
  const uint8_t *m = ct_image_pixels(mask);
  long area = 0;
  for (size_t i = 0, n = (size_t)ct_image_width(mask) * ct_image_height(mask); i < n; i++)
    area += m[i] >= 128;
  ct_error e = {0};
  ct_image *src = NULL, *alpha = NULL, *cut = NULL;
  void *png = NULL;
  size_t png_len = 0;
  char why[512];
  int rc = -1;
  const ct_image *s = photo, *a = mask;
  if (p->crop && (ct_image_crop(photo, fr[0], fr[1], fr[2], fr[3], &src, &e) ||
                  ct_image_crop(mask, fr[0], fr[1], fr[2], fr[3], &alpha, &e))) {
    sv_result_engine_failed(r, &e);
    goto done;
  }
  if (p->crop) s = src, a = alpha;
  ct_remove_options opts = p->opts; /* the colours as /api/remove makes them, no background */
  opts.mask_only = 0;
  memset(opts.bg_color, 0, sizeof opts.bg_color);
  opts.bg_image = NULL;
  if (ct_composite(s, a, &opts, &cut, &e)) {
    sv_result_engine_failed(r, &e);
    goto done;
  }
  int ec = img_encode(cut, "png", &png, &png_len, why, sizeof why);
  if (ec) {
    sv_result_fail(r, ec == IMG_ENOMEM ? 503 : 500,
                   ec == IMG_ENOMEM ? "out_of_memory" : "internal", "%s", why);
    goto done;
  }
  /* class names are COCO's: letters and spaces, nothing to escape */
  put(b, "%s{\"index\":%d,\"class\":\"%s\",\"score\":%.3f,\"box\":[%d,%d,%d,%d],\"area\":%ld",
      k ? "," : "", k + 1, ct_class_name(d->cls) ? ct_class_name(d->cls) : "", d->score,
      (int)(d->x0 + 0.5f), (int)(d->y0 + 0.5f), (int)(d->x1 + 0.5f), (int)(d->y1 + 0.5f), area);
  if (p->crop) put(b, ",\"crop\":[%d,%d,%d,%d]", fr[0], fr[1], fr[2], fr[3]);
  put(b, ",\"png\":\"");
  put_base64(b, png, png_len);
  put(b, "\"}");
  rc = 0;
done:
  free(png);
  ct_image_free(cut);
  ct_image_free(alpha);
  ct_image_free(src);
  return rc;
}

void sv_instances(const sv_engine *engine, const void *body, size_t len, const sv_params *p,
                  int max_instances, sv_result *r) {
  ct_detection *dets = NULL;
  ct_image **masks = NULL;
  int count = 0;
  buf b = {0};
  ct_img *photo = sv_load_photo(body, len, 1, r);
  if (!photo) return;
  ct_detect_options dopts = {.min_score = p->min_score,
                             .max_instances = p->max_instances ? p->max_instances
                                                               : max_instances,
                             .classes = p->n_classes ? p->classes : NULL,
                             .n_classes = p->n_classes};
  ct_error e = {0};
  if (engine->instances(engine->ctx, photo, &dopts, &p->opts, &dets, &masks, &count, &e)) {
    sv_result_engine_failed(r, &e);
    goto done;
  }
  put(&b, "{\"width\":%d,\"height\":%d,\"instances\":[", photo->width, photo->height);
  for (int k = 0; k < count && !b.oom; k++)
    if (put_instance(&b, photo, masks[k], &dets[k], k, p, r)) goto done;
  put(&b, "]}");
  if (b.oom) {
    sv_result_fail(r, 503, "out_of_memory", "out of memory for the answer (%zu bytes so far)",
                   b.len);
    goto done;
  }
  r->status = 200;
  r->data = b.data;
  r->len = b.len;
  r->width = photo->width;
  r->height = photo->height;
  b.data = NULL;
done:
  free(b.data);
  for (int k = 0; masks && k < count; k++) ct_image_free(masks[k]);
  free(masks);
  free(dets);
  img_free(photo);
}
