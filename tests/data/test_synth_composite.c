/* Every pixel of every synthesised composite equals round(a*F + (1-a)*B) on the written
 * alpha, foreground colour and background; the degradations touch the image alone. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"

/* max |composite - (a F + (1 - a) B)| over the pixels and channels */
static double worst(const syn_sample *s) {
  double w = 0;
  size_t n = (size_t)s->alpha->width * s->alpha->height;
  for (size_t i = 0; i < n; i++) {
    double a = s->alpha->data[i] / 255.0;
    for (int k = 0; k < 3; k++) {
      double want = a * s->fg->data[i * 3 + k] + (1 - a) * s->bg->data[i * 3 + k];
      double d = fabs(s->composite->data[i * 3 + k] - want);
      if (d > w) w = d;
    }
  }
  return w;
}

static void check_sample(syn_params *p, const ct_img *fg, const ct_img *bg, int *kinds) {
  char err[256];
  syn_sample s;
  CHECK(syn_render(p, fg, bg, &s, err, sizeof err) == 0);
  if (!s.alpha) return;
  kinds[p->bg]++;
  CHECK(worst(&s) <= 0.5 + 1e-9);
  size_t n = (size_t)p->width * p->height;
  int zero = 0, soft = 0, full = 0, fg_leak = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t a = s.alpha->data[i];
    zero += a == 0;
    full += a == 255;
    soft += a > 0 && a < 255;
    if (a == 0) fg_leak += s.fg->data[i * 3] | s.fg->data[i * 3 + 1] | s.fg->data[i * 3 + 2];
  }
  CHECK(zero > 0 && full > 0 && soft > 0);
  CHECK(fg_leak == 0);
  /* without degradations the image is the composite; with them, only the image changes */
  double noise = p->noise;
  int jpeg = p->jpeg;
  p->noise = 0;
  p->jpeg = 0;
  syn_sample clean;
  CHECK(syn_render(p, fg, bg, &clean, err, sizeof err) == 0);
  if (clean.image) {
    CHECK(memcmp(clean.image->data, clean.composite->data, n * 3) == 0);
    CHECK(memcmp(clean.composite->data, s.composite->data, n * 3) == 0);
    CHECK(memcmp(clean.alpha->data, s.alpha->data, n) == 0);
    if (noise > 0 || jpeg > 0) CHECK(memcmp(s.image->data, s.composite->data, n * 3) != 0);
  }
  syn_sample_free(&clean);
  syn_sample_free(&s);
}

int main(void) {
  int kinds[SYN_BG_KINDS] = {0};
  /* built-in foregrounds on patterned backgrounds, augmentation on */
  syn_config cfg = {.width = 96, .height = 72, .band = 3, .procedural_fg = 1,
                    .procedural_bg = 1, .augment = 1};
  for (int i = 0; i < 16; i++) {
    syn_params p;
    syn_draw_params(&cfg, 5, i, &p);
    check_sample(&p, NULL, NULL, kinds);
  }
  for (int k = SYN_BG_STRIPES; k < SYN_BG_KINDS; k++) CHECK(kinds[k] > 0);

  /* a foreground file (straight RGBA) on a background photo */
  ct_img *fg = img_new(40, 30, 4), *bg = img_new(50, 45, 3);
  for (int y = 0; y < 30; y++)
    for (int x = 0; x < 40; x++) {
      uint8_t *q = fg->data + (y * 40 + x) * 4;
      double d = hypot(x - 20.0, y - 15.0);
      q[0] = (uint8_t)(x * 6);
      q[1] = (uint8_t)(y * 8);
      q[2] = 200;
      q[3] = d < 8 ? 255 : d > 13 ? 0 : (uint8_t)(255 * (13 - d) / 5);
    }
  for (int i = 0; i < 50 * 45 * 3; i++) bg->data[i] = (uint8_t)(i * 37 % 251);
  syn_config files = {.width = 80, .height = 64, .band = 2, .fg_files = 1, .bg_files = 1,
                      .augment = 1};
  for (int i = 0; i < 6; i++) {
    syn_params p;
    syn_draw_params(&files, 9, i, &p);
    CHECK(!p.fg_procedural && p.bg == SYN_BG_PHOTO);
    check_sample(&p, fg, bg, kinds);
  }
  CHECK(kinds[SYN_BG_PHOTO] == 6);
  img_free(fg);
  img_free(bg);
  return CHECK_DONE();
}
