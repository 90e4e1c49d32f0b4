/* Resampling: photo to network input, network mask back to photo size. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"

/* cur (consumed) resized to exactly w x h: the linear kernel is widened by the reduction
 * factor when shrinking, so it averages every source pixel under the output pixel (no
 * aliasing); each axis has its own scale. NULL on failure. */
static VipsImage *resize_exact(VipsImage *cur, int w, int h) {
  VipsImage *t = NULL;
  if (cur && (w != cur->Xsize || h != cur->Ysize)) {
    double hs = (double)w / cur->Xsize, vs = (double)h / cur->Ysize;
    int rc = vips_resize(cur, &t, hs, "vscale", vs, "kernel", VIPS_KERNEL_LINEAR, NULL);
    g_object_unref(cur);
    cur = rc ? NULL : t;
    if (cur && (cur->Xsize != w || cur->Ysize != h)) { /* rounding in the scale */
      rc = vips_embed(cur, &t, 0, 0, w, h, "extend", VIPS_EXTEND_COPY, NULL);
      g_object_unref(cur);
      cur = rc ? NULL : t;
    }
  }
  return cur;
}

/* Interleaved RGB bytes (w x h) to planar floats (v/255 - mean[c]) * scale[c]. */
static void planar(const uint8_t *px, int w, int h, float *out, const float mean[3],
                   const float scale[3]) {
  size_t plane = (size_t)w * h;
  for (int c = 0; c < 3; c++) {
    float lut[256];
    for (int v = 0; v < 256; v++) lut[v] = (v / 255.0f - mean[c]) * scale[c];
    float *dst = out + c * plane;
#pragma omp parallel for schedule(static) if (plane > 65536)
    for (size_t i = 0; i < plane; i++) dst[i] = lut[px[3 * i + c]];
  }
}

int img_resize_to_planar(const ct_img *rgb, int w, int h, float *out, const float mean[3],
                         const float scale[3]) {
  if (!rgb || !rgb->data || rgb->width <= 0 || rgb->height <= 0 || rgb->channels < 3 || w <= 0 ||
      h <= 0 || !out || !mean || !scale)
    return IMG_EARG;
  /* the photo's own size (a tile): straight from its pixels */
  if (w == rgb->width && h == rgb->height && rgb->channels == 3) {
    planar(rgb->data, w, h, out, mean, scale);
    return IMG_OK;
  }
  int rc = img_ensure_init(NULL, 0);
  if (rc) return rc;
  VipsImage *cur = img_to_vips(rgb), *t = NULL;
  if (cur && rgb->channels > 3) {
    rc = vips_extract_band(cur, &t, 0, "n", 3, NULL);
    g_object_unref(cur);
    cur = rc ? NULL : t;
  }
  cur = resize_exact(cur, w, h);
  size_t size = 0;
  uint8_t *mem = cur ? vips_image_write_to_memory(cur, &size) : NULL;
  if (cur) g_object_unref(cur);
  if (!mem || size != (size_t)w * h * 3) {
    g_free(mem);
    vips_error_clear();
    return IMG_EENCODE;
  }
  planar(mem, w, h, out, mean, scale);
  g_free(mem);
  return IMG_OK;
}

int img_resize(const ct_img *im, int w, int h, ct_img **out) {
  if (out) *out = NULL;
  if (!im || !im->data || im->width <= 0 || im->height <= 0 || w <= 0 || h <= 0 || !out)
    return IMG_EARG;
  int rc = img_ensure_init(NULL, 0);
  if (rc) return rc;
  ct_img *res = img_new(w, h, im->channels);
  if (!res) return IMG_ENOMEM;
  VipsImage *cur = resize_exact(img_to_vips(im), w, h);
  size_t size = 0;
  uint8_t *px = cur ? vips_image_write_to_memory(cur, &size) : NULL;
  if (cur) g_object_unref(cur);
  vips_error_clear();
  if (!px || size != (size_t)w * h * im->channels) {
    g_free(px);
    img_free(res);
    return IMG_EENCODE;
  }
  memcpy(res->data, px, size);
  g_free(px);
  *out = res;
  return IMG_OK;
}

/* Source position and weight for each output column (or row), half-pixel centres. */
typedef struct {
  int i0, i1;
  float f; /* weight of i1 */
} tap;

static tap *make_taps(int n_out, int n_in) {
  tap *t = malloc(sizeof *t * (size_t)n_out);
  if (!t) return NULL;
  double ratio = (double)n_in / n_out;
  for (int o = 0; o < n_out; o++) {
    double s = (o + 0.5) * ratio - 0.5;
    if (s < 0) s = 0;
    if (s > n_in - 1) s = n_in - 1;
    int i0 = (int)s;
    t[o].i0 = i0;
    t[o].i1 = i0 + 1 < n_in ? i0 + 1 : i0;
    t[o].f = (float)(s - i0);
  }
  return t;
}

static uint8_t to_byte(float v) {
  if (!(v > 0.0f)) return 0; /* also NaN */
  if (v >= 1.0f) return 255;
  return (uint8_t)(v * 255.0f + 0.5f);
}

/* Bilinear resampling of mask (mw x mh) to w x h bytes, added to base / 255 when base is
 * given. */
static int upscale(const float *mask, int mw, int mh, int w, int h, const uint8_t *base,
                   uint8_t *out) {
  if (!mask || !out || mw <= 0 || mh <= 0 || w <= 0 || h <= 0) return IMG_EARG;
  tap *tx = make_taps(w, mw), *ty = make_taps(h, mh);
  if (!tx || !ty) {
    free(tx);
    free(ty);
    return IMG_ENOMEM;
  }
#pragma omp parallel for schedule(static)
  for (int y = 0; y < h; y++) {
    const float *r0 = mask + (size_t)ty[y].i0 * mw, *r1 = mask + (size_t)ty[y].i1 * mw;
    float fy = ty[y].f;
    const uint8_t *b = base ? base + (size_t)y * w : NULL;
    uint8_t *dst = out + (size_t)y * w;
    for (int x = 0; x < w; x++) {
      const tap t = tx[x];
      float top = r0[t.i0] + (r0[t.i1] - r0[t.i0]) * t.f;
      float bot = r1[t.i0] + (r1[t.i1] - r1[t.i0]) * t.f;
      dst[x] = to_byte((b ? b[x] * (1.0f / 255.0f) : 0.0f) + top + (bot - top) * fy);
    }
  }
  free(tx);
  free(ty);
  return IMG_OK;
}

int img_upscale_mask(const float *mask, int mw, int mh, int w, int h, uint8_t *out) {
  return upscale(mask, mw, mh, w, h, NULL, out);
}

int img_upscale_add(const float *delta, int mw, int mh, int w, int h, const uint8_t *base,
                    uint8_t *out) {
  if (!base) return IMG_EARG;
  return upscale(delta, mw, mh, w, h, base, out);
}
