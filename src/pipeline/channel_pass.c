/* The per-channel pass: the network also sees each colour channel alone, replicated to three
 * planes; where a channel separates the subject better than RGB does, its mask takes over at
 * the RGB mask's edges (channel_fuse). Everything runs at the network's resolution, so the
 * pass costs three more network runs and a few planes of that size. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/channels.h"
#include "pipeline/model.h"
#include "pipeline/tiles.h"

void channel_confidence(const uint8_t *mask, int width, int height, int r, uint8_t *conf) {
  /* separable box sums of |2v - 1| (0..255 each), rows then columns */
  uint32_t *rows = malloc((size_t)width * height * sizeof *rows);
  if (!rows) { /* no memory for the sums: the pointwise confidence */
    for (size_t i = 0; i < (size_t)width * height; i++)
      conf[i] = (uint8_t)abs(2 * mask[i] - 255);
    return;
  }
  for (int y = 0; y < height; y++) {
    const uint8_t *m = mask + (size_t)y * width;
    uint32_t *o = rows + (size_t)y * width, s = 0;
    int lo = 0, hi = -1;
    for (int x = 0; x < width; x++) {
      while (hi < x + r && hi + 1 < width) s += (uint32_t)abs(2 * m[++hi] - 255);
      while (lo < x - r) s -= (uint32_t)abs(2 * m[lo++] - 255);
      o[x] = s * 256 / (uint32_t)(hi - lo + 1); /* 8 fraction bits */
    }
  }
  for (int x = 0; x < width; x++) {
    uint64_t s = 0;
    int lo = 0, hi = -1;
    for (int y = 0; y < height; y++) {
      while (hi < y + r && hi + 1 < height) s += rows[(size_t)++hi * width + x];
      while (lo < y - r) s -= rows[(size_t)lo++ * width + x];
      conf[(size_t)y * width + x] = (uint8_t)((s / (uint64_t)(hi - lo + 1) + 128) / 256);
    }
  }
  free(rows);
}

int channel_fuse(const uint8_t *rgb, const uint8_t *const ch[3], int width, int height,
                 uint8_t *out) {
  size_t n = (size_t)width * height;
  uint8_t *conf = malloc(n * 4), *cross = malloc(n), *band = malloc(n), *dis = malloc(n);
  int rc = -1;
  if (!conf || !cross || !band || !dis) goto done;
  const uint8_t *masks[4] = {rgb, ch[0], ch[1], ch[2]};
  for (int k = 0; k < 4; k++)
    channel_confidence(masks[k], width, height, CHANNEL_CONF_RADIUS, conf + n * k);
  for (size_t i = 0; i < n; i++) {
    double num = 0, den = 0;
    for (int k = 0; k < 4; k++) {
      double c = (conf[n * k + i] + 1) / 256.0, w = c * c * c * c;
      num += w * masks[k][i];
      den += w;
    }
    cross[i] = (uint8_t)(num / den + 0.5);
  }
  int dist = width / 64 > 1 ? width / 64 : 1, cell = width / 32 > 1 ? width / 32 : 1;
  if (!tile_edge_band(rgb, width, height, dist, band)) {
    memmove(out, rgb, n);
    rc = 0;
    goto done;
  }
  if (tile_disagreement(cross, rgb, width, height, cell, dis)) goto done;
  tile_fuse(rgb, cross, dis, band, width, height, out);
  rc = 0;
done:
  free(conf);
  free(cross);
  free(band);
  free(dis);
  return rc;
}

static void to_u8(const float *v, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(v[i] * 255.0f + 0.5f);
}

ct_status ct_channel_mask(ct_model *model, const ct_image *photo, ct_image **mask,
                          ct_error *err) {
  if (!model || !photo || !mask) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *mask = NULL;
  int w = model->width, h = model->height;
  size_t n = (size_t)w * h;
  float *input = NULL, *one = NULL, *small = NULL;
  uint8_t *masks = malloc(n * 4);
  ct_img *m = NULL;
  if (!masks) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  ct_status st = ct_model_input(model, photo, &input, err);
  if (st) goto done;
  if (!(one = malloc(n * 3 * sizeof *one))) {
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
    goto done;
  }
  /* masks: RGB, then R, G and B alone */
  for (int c = -1; c < 3; c++) {
    const float *x = input;
    if (c >= 0) { /* channel c as every plane: undo its normalisation, redo each plane's */
      const float *src = input + n * c;
      float sc = model->scale[c], mc = model->mean[c];
      for (int k = 0; k < 3; k++) {
        float sk = model->scale[k], mk = model->mean[k];
        for (size_t i = 0; i < n; i++) one[n * k + i] = (src[i] / sc + mc - mk) * sk;
      }
      x = one;
    }
    st = ct_model_run(model, x, &small, err);
    if (st) goto done;
    to_u8(small, n, masks + n * (c + 1));
    free(small);
    small = NULL;
  }
  const uint8_t *ch[3] = {masks + n, masks + 2 * n, masks + 3 * n};
  if (channel_fuse(masks, ch, w, h, masks)) {
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) one[i] = masks[i] / 255.0f;
  if (!(m = img_new(photo->width, photo->height, 1))) {
    st = ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d mask", photo->width,
                 photo->height);
    goto done;
  }
  if (img_upscale_mask(one, w, h, photo->width, photo->height, m->data)) {
    st = ct_fail(err, CT_ERR_INTERNAL, "cannot resize the mask");
    goto done;
  }
  *mask = m;
  m = NULL;
done:
  img_free(m);
  free(small);
  free(one);
  free(input);
  free(masks);
  return st;
}
