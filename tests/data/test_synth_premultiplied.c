/* Premultiplication: resampling never pulls colour out of transparent pixels, and a
 * foreground given premultiplied composites like the same foreground given straight. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"

int main(void) {
  /* opaque red beside transparent pixels holding pure green, turned and scaled: wherever
   * the result has any alpha its (unpremultiplied) colour is still red */
  {
    ct_img *im = img_new(20, 20, 4);
    for (int i = 0; i < 400; i++) {
      uint8_t *q = im->data + i * 4;
      int left = i % 20 < 10;
      q[0] = left ? 255 : 0;
      q[1] = left ? 0 : 255;
      q[2] = 0;
      q[3] = left ? 255 : 0;
    }
    syn_fimg *src = syn_fimg_from_img(im, 0), *out = syn_fimg_new(31, 29, 4);
    syn_affine inv;
    syn_placement(10, 10, 15.5, 14.5, 1.37, 17.0, 0, NULL, &inv);
    CHECK(syn_resample(src, &inv, 1.37, 0, out) == 0);
    int soft = 0, green = 0;
    for (int i = 0; i < 31 * 29; i++) {
      const float *p = out->p + i * 4;
      if (p[3] <= 0) continue;
      soft += p[3] < 0.99f;
      green += p[1] / p[3] > 1e-6f || fabsf(p[0] / p[3] - 1.0f) > 1e-5f;
    }
    CHECK(soft > 0);
    CHECK(green == 0);
    /* the same through a 3x box reduction (shrinking) */
    syn_fimg *small = syn_fimg_new(9, 9, 4);
    syn_placement(10, 10, 4.5, 4.5, 0.3, 30.0, 1, NULL, &inv);
    CHECK(syn_resample(src, &inv, 0.3, 0, small) == 0);
    green = 0;
    for (int i = 0; i < 81; i++) {
      const float *p = small->p + i * 4;
      if (p[3] > 0) green += p[1] / p[3] > 1e-6f;
    }
    CHECK(green == 0);
    syn_fimg_free(small);
    syn_fimg_free(src);
    syn_fimg_free(out);
    img_free(im);
  }

  /* premultiplied input: P = round(c * a / 255) composites like the straight c, a (within the
   * rounding of P: at most 2 steps), while reading P as straight colour darkens it */
  {
    enum { W = 48, H = 40 };
    ct_img *straight = img_new(W, H, 4), *premul = img_new(W, H, 4);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        uint8_t *s = straight->data + (y * W + x) * 4, *p = premul->data + (y * W + x) * 4;
        s[0] = 250;
        s[1] = (uint8_t)(x * 5);
        s[2] = (uint8_t)(255 - y * 6);
        s[3] = (uint8_t)(x < 8 ? 0 : x > 40 ? 255 : (x - 8) * 255 / 32);
        for (int k = 0; k < 3; k++) p[k] = (uint8_t)((s[k] * s[3] + 127) / 255);
        p[3] = s[3];
      }
    syn_config cfg = {.width = 64, .height = 56, .band = 2, .fg_files = 1,
                      .procedural_bg = 1, .augment = 1};
    char err[256];
    for (int i = 0; i < 4; i++) {
      syn_params a, b, c;
      syn_draw_params(&cfg, 3, i, &a);
      a.noise = 0;
      a.jpeg = 0;
      b = a;
      b.fg_premultiplied = 1;
      c = a; /* premultiplied pixels wrongly read as straight */
      syn_sample sa, sb, sc;
      CHECK(syn_render(&a, straight, NULL, &sa, err, sizeof err) == 0);
      CHECK(syn_render(&b, premul, NULL, &sb, err, sizeof err) == 0);
      CHECK(syn_render(&c, premul, NULL, &sc, err, sizeof err) == 0);
      if (!sa.alpha || !sb.alpha || !sc.alpha) break;
      size_t n = (size_t)a.width * a.height;
      CHECK(memcmp(sa.alpha->data, sb.alpha->data, n) == 0);
      int worst = 0, wrong = 0;
      for (size_t j = 0; j < n * 3; j++) {
        int d = abs(sa.composite->data[j] - sb.composite->data[j]);
        int e = abs(sa.composite->data[j] - sc.composite->data[j]);
        if (d > worst) worst = d;
        if (e > wrong) wrong = e;
      }
      CHECK(worst <= 2);
      CHECK(wrong > 10);
      syn_sample_free(&sa);
      syn_sample_free(&sb);
      syn_sample_free(&sc);
    }
    img_free(straight);
    img_free(premul);
  }
  return CHECK_DONE();
}
