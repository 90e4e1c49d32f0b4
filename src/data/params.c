/* Drawing a sample's parameters from its seed. The order of the draws is part of the output:
 * changing it changes every set generated from a given seed. */
#include <math.h>
#include <string.h>

#include "data/synth.h"

const char *syn_bg_kind_name(syn_bg_kind k) {
  static const char *const names[SYN_BG_KINDS] = {"photo",    "stripes", "checks",
                                                  "noise",    "gradient", "fabric"};
  return k >= 0 && k < SYN_BG_KINDS ? names[k] : "unknown";
}

static double log_range(syn_rng *r, double lo, double hi) {
  return exp(syn_rng_range(r, log(lo), log(hi)));
}

static void random_colour(syn_rng *r, float c[3], double lo, double hi) {
  for (int k = 0; k < 3; k++) c[k] = (float)syn_rng_range(r, lo, hi);
}

static void draw_jitter(syn_rng *r, syn_jitter *j) {
  for (int k = 0; k < 3; k++) j->gain[k] = syn_rng_range(r, 0.92, 1.08);
  j->brightness = syn_rng_range(r, 0.85, 1.15);
  j->contrast = syn_rng_range(r, 0.85, 1.15);
  j->saturation = syn_rng_range(r, 0.7, 1.3);
}

static void draw_shape(syn_rng *r, int W, int H, syn_fg_shape *s) {
  double S = W < H ? W : H;
  s->seed = syn_rng_next(r);
  s->head_rx = syn_rng_range(r, 0.12, 0.17) * S;
  s->head_ry = s->head_rx * syn_rng_range(r, 1.1, 1.35);
  s->head_cx = W * 0.5 + syn_rng_range(r, -0.05, 0.05) * S;
  s->head_cy = H * 0.5 - 0.1 * S + syn_rng_range(r, -0.04, 0.04) * S;
  s->body_rx = syn_rng_range(r, 0.28, 0.4) * S;
  s->body_ry = syn_rng_range(r, 0.3, 0.45) * S;
  s->body_cx = s->head_cx + syn_rng_range(r, -0.03, 0.03) * S;
  s->body_cy = s->head_cy + s->head_ry * 0.8 + s->body_ry * 0.85;
  for (int k = 0; k < 4; k++) {
    s->wobble_amp[k] = syn_rng_range(r, 0.0, 0.025) / (k + 1);
    s->wobble_phase[k] = syn_rng_range(r, 0.0, 2 * M_PI);
  }
  random_colour(r, s->skin, 0.25, 0.95);
  random_colour(r, s->cloth, 0.05, 0.95);
  double hair = syn_rng_range(r, 0.05, 0.9);
  for (int k = 0; k < 3; k++) s->hair[k] = (float)(hair * syn_rng_range(r, 0.7, 1.2));
  s->strands = (int)(syn_rng_range(r, 0.25, 0.6) * S);
  s->strand_len = syn_rng_range(r, 0.08, 0.25) * S;
  s->curl = syn_rng_range(r, 0.0, 0.12);
  s->gravity = syn_rng_range(r, 0.0, 0.03);
  s->strand_opacity = syn_rng_range(r, 0.6, 1.0);
  s->fur = syn_rng_chance(r, 0.6) ? (int)(syn_rng_range(r, 1.0, 2.5) * S) : 0;
  s->fur_len = syn_rng_range(r, 0.01, 0.035) * S;
  s->veil = syn_rng_chance(r, 0.4);
  s->veil_opacity = syn_rng_range(r, 0.15, 0.6);
  s->veil_period = syn_rng_range(r, 3.0, 9.0);
  random_colour(r, s->veil_colour, 0.5, 1.0);
}

void syn_draw_params(const syn_config *cfg, uint64_t set_seed, int index, syn_params *p) {
  memset(p, 0, sizeof *p);
  p->set_seed = set_seed;
  p->seed = syn_seed_mix(set_seed, (uint64_t)index);
  p->index = index;
  p->width = cfg->width;
  p->height = cfg->height;
  p->band = cfg->band;
  syn_rng r;
  syn_rng_seed(&r, p->seed);

  /* foreground */
  int fg_any = cfg->fg_files > 0;
  p->fg_procedural = !fg_any || (cfg->procedural_fg && syn_rng_chance(&r, 0.5));
  p->fg_file = fg_any ? syn_rng_int(&r, 0, cfg->fg_files - 1) : -1;
  if (p->fg_procedural) p->fg_file = -1;
  p->fg_premultiplied = !p->fg_procedural && cfg->fg_premultiplied;
  draw_shape(&r, cfg->width, cfg->height, &p->shape);
  p->scale = syn_rng_range(&r, 0.7, 1.05);
  p->angle = syn_rng_range(&r, -12.0, 12.0);
  p->flip = syn_rng_chance(&r, 0.5);
  p->tx = syn_rng_range(&r, -0.12, 0.12);
  p->ty = syn_rng_range(&r, -0.08, 0.1);
  draw_jitter(&r, &p->fg_jitter);
  p->fg_blur = syn_rng_chance(&r, 0.2) ? syn_rng_range(&r, 0.4, 1.2) : 0.0;

  /* background */
  int photo = cfg->bg_files > 0 && (!cfg->procedural_bg || syn_rng_chance(&r, 0.5));
  int kind = syn_rng_int(&r, SYN_BG_STRIPES, SYN_BG_FABRIC);
  p->bg = photo ? SYN_BG_PHOTO : (syn_bg_kind)kind;
  p->bg_file = cfg->bg_files > 0 ? syn_rng_int(&r, 0, cfg->bg_files - 1) : -1;
  if (!photo) p->bg_file = -1;
  p->crop = syn_rng_range(&r, 0.6, 1.0);
  p->crop_x = syn_rng_uniform(&r);
  p->crop_y = syn_rng_uniform(&r);
  p->bg_flip = syn_rng_chance(&r, 0.5);
  p->close_colour = syn_rng_chance(&r, 0.4);
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 3; k++)
      p->colour_delta[i][k] = (float)syn_rng_range(&r, -0.12, 0.12) * (i + 1);
  random_colour(&r, p->colour[0], 0.0, 1.0);
  random_colour(&r, p->colour[1], 0.0, 1.0);
  p->period = p->bg == SYN_BG_FABRIC  ? syn_rng_range(&r, 3.0, 12.0)
              : p->bg == SYN_BG_NOISE ? log_range(&r, 4.0, 200.0)
                                      : log_range(&r, 4.0, 80.0);
  p->angle_bg = syn_rng_range(&r, 0.0, 180.0);
  p->softness = syn_rng_range(&r, 0.0, 0.5);
  p->octaves = syn_rng_int(&r, 1, 5);
  p->radial = syn_rng_chance(&r, 0.5);
  p->twill = syn_rng_chance(&r, 0.5);
  draw_jitter(&r, &p->bg_jitter);
  if (p->bg != SYN_BG_PHOTO) syn_jitter_identity(&p->bg_jitter);
  p->bg_blur = syn_rng_chance(&r, 0.4) ? syn_rng_range(&r, 0.5, 4.0) : 0.0;

  /* degradations */
  p->noise = syn_rng_chance(&r, 0.5) ? syn_rng_range(&r, 0.5, 4.0) : 0.0;
  p->jpeg = syn_rng_chance(&r, 0.4) ? syn_rng_int(&r, 55, 95) : 0;

  if (!cfg->augment) {
    p->scale = 1.0;
    p->angle = p->tx = p->ty = 0.0;
    p->flip = p->bg_flip = 0;
    syn_jitter_identity(&p->fg_jitter);
    syn_jitter_identity(&p->bg_jitter);
    p->fg_blur = p->bg_blur = p->noise = 0.0;
    p->jpeg = 0;
    p->crop = 1.0;
  }
}
