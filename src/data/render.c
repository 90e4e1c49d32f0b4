/* One sample from its parameters: foreground layer, background, composite, trimap,
 * degradations. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/synth.h"

static int oom(char *err, size_t errlen, const syn_params *p) {
  snprintf(err, errlen, "out of memory rendering a %dx%d sample", p->width, p->height);
  return -1;
}

/* The foreground as a premultiplied RGBA layer of the canvas size. */
static int foreground(const syn_params *p, const ct_img *src, syn_fimg *layer, char *err,
                      size_t errlen) {
  const int W = p->width, H = p->height;
  double ccx = W * (0.5 + p->tx), ccy = H * (0.5 + p->ty);
  syn_affine fwd, inv;
  if (p->fg_procedural) {
    syn_placement(W * 0.5, H * 0.5, ccx, ccy, p->scale, p->angle, p->flip, &fwd, &inv);
    if (syn_draw_shape(&p->shape, &fwd, &inv, p->scale, layer)) return oom(err, errlen, p);
    return 0;
  }
  if (!src) {
    snprintf(err, errlen, "sample %d needs its foreground image", p->index);
    return -1;
  }
  syn_fimg *f = syn_fimg_from_img(src, p->fg_premultiplied);
  if (!f) return oom(err, errlen, p);
  double fit = fmin(0.9 * W / src->width, 0.9 * H / src->height);
  double scale = fit * p->scale;
  syn_placement(src->width * 0.5, src->height * 0.5, ccx, ccy, scale, p->angle, p->flip, NULL,
                &inv);
  int rc = syn_resample(f, &inv, scale, 0, layer);
  syn_fimg_free(f);
  return rc ? oom(err, errlen, p) : 0;
}

/* The photo background: a crop of crop * (the largest crop of the canvas's aspect), placed
 * by crop_x/crop_y, scaled to the canvas. */
static int photo_background(const syn_params *p, const ct_img *src, syn_fimg *bg, char *err,
                            size_t errlen) {
  if (!src) {
    snprintf(err, errlen, "sample %d needs its background image", p->index);
    return -1;
  }
  syn_fimg *f = syn_fimg_from_img(src, 0);
  if (!f) return oom(err, errlen, p);
  const int W = p->width, H = p->height;
  double full = fmin((double)src->width / W, (double)src->height / H); /* source px per canvas px */
  double per = full * p->crop;
  double cw = W * per, ch = H * per;
  double cx = cw * 0.5 + (src->width - cw) * p->crop_x;
  double cy = ch * 0.5 + (src->height - ch) * p->crop_y;
  syn_affine inv;
  syn_placement(cx, cy, W * 0.5, H * 0.5, 1.0 / per, 0.0, p->bg_flip, NULL, &inv);
  int rc = syn_resample(f, &inv, 1.0 / per, 1, bg);
  syn_fimg_free(f);
  return rc ? oom(err, errlen, p) : 0;
}

/* Mean straight colour of the foreground, weighted by alpha (mid-grey when empty). */
static void mean_colour(const syn_fimg *fg, float out[3]) {
  double s[4] = {0, 0, 0, 0};
  size_t n = (size_t)fg->w * fg->h;
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++) s[k] += fg->p[i * 4 + k];
  for (int k = 0; k < 3; k++) out[k] = s[3] > 0 ? (float)(s[k] / s[3]) : 0.5f;
}

int syn_render(syn_params *p, const ct_img *fg_src, const ct_img *bg_src, syn_sample *out,
               char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const int W = p->width, H = p->height;
  if (W <= 0 || H <= 0 || p->band < 0) {
    snprintf(err, errlen, "invalid sample size %dx%d or band %d", W, H, p->band);
    return -1;
  }
  syn_fimg *fg = syn_fimg_new(W, H, 4), *bg = syn_fimg_new(W, H, 3);
  int rc = -1;
  if (!fg || !bg) {
    oom(err, errlen, p);
    goto done;
  }
  if (foreground(p, fg_src, fg, err, errlen)) goto done;
  if (syn_blur(fg, p->fg_blur)) {
    oom(err, errlen, p);
    goto done;
  }
  syn_jitter_layer(&p->fg_jitter, fg);

  if (p->bg == SYN_BG_PHOTO) {
    if (photo_background(p, bg_src, bg, err, errlen)) goto done;
    syn_jitter_layer(&p->bg_jitter, bg);
  } else {
    if (p->close_colour) {
      float m[3];
      mean_colour(fg, m);
      for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++) {
          float v = m[k] + p->colour_delta[i][k];
          p->colour[i][k] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    }
    syn_draw_background(p, bg);
  }
  if (syn_blur(bg, p->bg_blur)) {
    oom(err, errlen, p);
    goto done;
  }

  if (syn_composite(fg, bg, out)) {
    oom(err, errlen, p);
    goto done;
  }
  out->trimap = img_new(W, H, 1);
  if (!out->trimap || syn_trimap(out->alpha->data, W, H, p->band, out->trimap->data)) {
    oom(err, errlen, p);
    goto done;
  }
  if (syn_degrade(out->composite, p->noise, p->jpeg, syn_seed_mix(p->seed, 2), &out->image,
                  err, errlen))
    goto done;
  rc = 0;
done:
  syn_fimg_free(fg);
  syn_fimg_free(bg);
  if (rc) syn_sample_free(out);
  return rc;
}
