/* Foreground colours estimated from a synthesised composite and its true alpha, then
 * composited over a second background, match the ground-truth composite over that background
 * far better than the raw pixels do, and the first background's colour does not leak into
 * the soft edge. The tiled path (levels solved only near soft alpha) agrees with the whole
 * one. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"
#include "matte/matte.h"

typedef struct errs {
  double est, raw; /* mean |composite - truth| over the soft pixels and channels */
  double leak_est, leak_raw; /* mean excess of green over red and blue in that error */
  double beta_est, beta_raw; /* regression of the error on a(1-a)(B1 - mean B1) */
  long soft;
} errs;

static uint8_t over(int a, int f, int b) { return (uint8_t)((a * f + (255 - a) * b + 127) / 255); }

/* Scores fg (estimated from s1's composite) over s2's background against s2's composite. */
static errs score(const syn_sample *s1, const syn_sample *s2, const uint8_t *fg) {
  errs e = {0};
  size_t n = (size_t)s1->alpha->width * s1->alpha->height;
  double mb[3] = {0, 0, 0};
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 3; k++) mb[k] += s1->bg->data[i * 3 + k] / (double)n;
  double xe = 0, xr = 0, xx = 0;
  for (size_t i = 0; i < n; i++) {
    int a = s1->alpha->data[i];
    if (a == 0 || a == 255) continue;
    e.soft++;
    double de[3], dr[3];
    for (int k = 0; k < 3; k++) {
      int b2 = s2->bg->data[i * 3 + k], truth = s2->composite->data[i * 3 + k];
      de[k] = over(a, fg[i * 3 + k], b2) - truth;
      dr[k] = over(a, s1->composite->data[i * 3 + k], b2) - truth;
      e.est += fabs(de[k]);
      e.raw += fabs(dr[k]);
      double d = a / 255.0 * (1 - a / 255.0) * (s1->bg->data[i * 3 + k] - mb[k]);
      xe += de[k] * d;
      xr += dr[k] * d;
      xx += d * d;
    }
    e.leak_est += de[1] - (de[0] + de[2]) / 2;
    e.leak_raw += dr[1] - (dr[0] + dr[2]) / 2;
  }
  if (e.soft) {
    e.est /= 3.0 * e.soft;
    e.raw /= 3.0 * e.soft;
    e.leak_est /= e.soft;
    e.leak_raw /= e.soft;
  }
  e.beta_est = xx > 0 ? xe / xx : 0;
  e.beta_raw = xx > 0 ? xr / xx : 0;
  return e;
}

static void uniform_bg(syn_params *p, float r, float g, float b) {
  p->bg = SYN_BG_GRADIENT;
  p->close_colour = 0;
  p->bg_blur = 0;
  for (int i = 0; i < 2; i++) {
    p->colour[i][0] = r;
    p->colour[i][1] = g;
    p->colour[i][2] = b;
  }
}

/* The same foreground on the backgrounds of p1 and p2; 0 when both rendered. */
static int render_pair(const syn_params *p1, const syn_params *p2, syn_sample *s1,
                       syn_sample *s2) {
  char err[256];
  syn_params a = *p1, b = *p2;
  a.noise = b.noise = 0;
  a.jpeg = b.jpeg = 0;
  if (syn_render(&a, NULL, NULL, s1, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  if (syn_render(&b, NULL, NULL, s2, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    syn_sample_free(s1);
    return -1;
  }
  size_t n = (size_t)a.width * a.height;
  CHECK(memcmp(s1->alpha->data, s2->alpha->data, n) == 0);
  CHECK(memcmp(s1->fg->data, s2->fg->data, n * 3) == 0);
  return 0;
}

/* Opaque pixels keep the photo's colour exactly. */
static void check_opaque(const syn_sample *s, const uint8_t *fg) {
  size_t n = (size_t)s->alpha->width * s->alpha->height, bad = 0;
  for (size_t i = 0; i < n; i++)
    if (s->alpha->data[i] == 255 && memcmp(fg + i * 3, s->composite->data + i * 3, 3)) bad++;
  CHECK(bad == 0);
}

static errs run(const syn_sample *s1, const syn_sample *s2, const mt_fg_opts *o) {
  int w = s1->alpha->width, h = s1->alpha->height;
  uint8_t *fg = malloc((size_t)w * h * 3);
  char err[256] = "";
  errs e = {0};
  if (!fg) {
    CHECK(fg != NULL);
    return e;
  }
  int rc = mt_foreground_opts(s1->composite->data, s1->alpha->data, w, h, o, fg, err,
                              sizeof err);
  CHECK(rc == 0);
  if (rc) fprintf(stderr, "%s\n", err);
  check_opaque(s1, fg);
  e = score(s1, s2, fg);
  free(fg);
  return e;
}

int main(void) {
  syn_config cfg = {.width = 320, .height = 240, .band = 3, .procedural_fg = 1,
                    .procedural_bg = 1, .augment = 1};
  mt_fg_opts whole, tiled;
  mt_fg_opts_init(&whole);
  tiled = whole;
  tiled.dense_max = 3000; /* levels above 80x60 tiled */
  tiled.tile = 24;
  double sum_est = 0, sum_raw = 0;
  int cases = 0;
  for (int i = 0; i < 4; i++) {
    syn_params p, green, other;
    syn_draw_params(&cfg, 11, i, &p);
    /* 1: a pure green background replaced by the sample's own */
    green = p;
    uniform_bg(&green, 0, 1, 0);
    syn_sample s1, s2;
    if (render_pair(&green, &p, &s1, &s2)) {
      CHECK(0);
      continue;
    }
    errs e = run(&s1, &s2, &whole), t = run(&s1, &s2, &tiled);
    printf("green -> %-8s soft %6ld  error %.2f (raw %.2f, tiled %.2f)  green leak %+.2f "
           "(raw %+.2f)  old-bg share %+.3f (raw %+.3f)\n",
           syn_bg_kind_name(p.bg), e.soft, e.est, e.raw, t.est, e.leak_est, e.leak_raw,
           e.beta_est, e.beta_raw);
    CHECK(e.soft > 500);
    CHECK(e.est < 0.25 * e.raw);
    CHECK(e.leak_raw > 10);
    CHECK(fabs(e.leak_est) < 0.1 * e.leak_raw);
    CHECK(fabs(t.leak_est) < 0.1 * t.leak_raw);
    CHECK(t.est < 1.1 * e.est + 0.1);
    sum_est += e.est;
    sum_raw += e.raw;
    cases++;
    syn_sample_free(&s1);
    syn_sample_free(&s2);

    /* 2: the sample's background replaced by another sample's */
    syn_draw_params(&cfg, 11, i + 100, &other);
    syn_params q = p;
    q.bg = other.bg;
    q.close_colour = 0;
    memcpy(q.colour, other.colour, sizeof q.colour);
    q.period = other.period;
    q.angle_bg = other.angle_bg;
    q.softness = other.softness;
    q.octaves = other.octaves;
    q.radial = other.radial;
    q.twill = other.twill;
    q.bg_blur = other.bg_blur;
    if (render_pair(&p, &q, &s1, &s2)) {
      CHECK(0);
      continue;
    }
    e = run(&s1, &s2, &whole);
    t = run(&s1, &s2, &tiled);
    printf("%-8s -> %-8s soft %6ld  error %.2f (raw %.2f, tiled %.2f)  old-bg share %+.3f "
           "(raw %+.3f)\n",
           syn_bg_kind_name(p.bg), syn_bg_kind_name(q.bg), e.soft, e.est, e.raw, t.est,
           e.beta_est, e.beta_raw);
    CHECK(e.est < 0.5 * e.raw);
    CHECK(e.beta_raw > 0.5);
    CHECK(fabs(e.beta_est) < 0.5 * e.beta_raw);
    CHECK(t.est < 1.1 * e.est + 0.1);
    sum_est += e.est;
    sum_raw += e.raw;
    cases++;
    syn_sample_free(&s1);
    syn_sample_free(&s2);
  }
  if (cases)
    printf("mean error over the soft pixels: estimated foreground %.2f, raw pixels %.2f "
           "(8-bit steps, %d composites)\n",
           sum_est / cases, sum_raw / cases, cases);
  return CHECK_DONE();
}
