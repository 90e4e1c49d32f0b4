/* The manifest line of a sample: every parameter, the seeds and the files, as one JSON
 * object. Seeds are written as exact integers (not through a double). */
#include <inttypes.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "data/synth.h"

static void add_u64(cJSON *o, const char *key, uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%" PRIu64, v);
  cJSON_AddItemToObject(o, key, cJSON_CreateRaw(buf));
}

static void add_rgb(cJSON *o, const char *key, const float c[3]) {
  double v[3] = {c[0], c[1], c[2]};
  cJSON_AddItemToObject(o, key, cJSON_CreateDoubleArray(v, 3));
}

static void add_str(cJSON *o, const char *key, const char *s) {
  if (s) cJSON_AddStringToObject(o, key, s);
}

static void add_jitter(cJSON *o, const char *key, const syn_jitter *j) {
  cJSON *x = cJSON_AddObjectToObject(o, key);
  cJSON_AddItemToObject(x, "gain", cJSON_CreateDoubleArray(j->gain, 3));
  cJSON_AddNumberToObject(x, "brightness", j->brightness);
  cJSON_AddNumberToObject(x, "contrast", j->contrast);
  cJSON_AddNumberToObject(x, "saturation", j->saturation);
}

static void add_shape(cJSON *o, const syn_fg_shape *s) {
  cJSON *x = cJSON_AddObjectToObject(o, "shape");
  add_u64(x, "seed", s->seed);
  double head[4] = {s->head_cx, s->head_cy, s->head_rx, s->head_ry};
  double body[4] = {s->body_cx, s->body_cy, s->body_rx, s->body_ry};
  cJSON_AddItemToObject(x, "head", cJSON_CreateDoubleArray(head, 4));
  cJSON_AddItemToObject(x, "body", cJSON_CreateDoubleArray(body, 4));
  cJSON_AddItemToObject(x, "wobble_amp", cJSON_CreateDoubleArray(s->wobble_amp, 4));
  cJSON_AddItemToObject(x, "wobble_phase", cJSON_CreateDoubleArray(s->wobble_phase, 4));
  add_rgb(x, "skin", s->skin);
  add_rgb(x, "cloth", s->cloth);
  add_rgb(x, "hair", s->hair);
  cJSON_AddNumberToObject(x, "strands", s->strands);
  cJSON_AddNumberToObject(x, "strand_len", s->strand_len);
  cJSON_AddNumberToObject(x, "curl", s->curl);
  cJSON_AddNumberToObject(x, "gravity", s->gravity);
  cJSON_AddNumberToObject(x, "strand_opacity", s->strand_opacity);
  cJSON_AddNumberToObject(x, "fur", s->fur);
  cJSON_AddNumberToObject(x, "fur_len", s->fur_len);
  cJSON_AddBoolToObject(x, "veil", s->veil);
  cJSON_AddNumberToObject(x, "veil_opacity", s->veil_opacity);
  cJSON_AddNumberToObject(x, "veil_period", s->veil_period);
  add_rgb(x, "veil_colour", s->veil_colour);
}

char *syn_manifest_line(const syn_params *p, const syn_paths *paths) {
  cJSON *o = cJSON_CreateObject();
  if (!o) return NULL;
  cJSON_AddNumberToObject(o, "index", p->index);
  add_u64(o, "set_seed", p->set_seed);
  add_u64(o, "seed", p->seed);
  cJSON_AddNumberToObject(o, "width", p->width);
  cJSON_AddNumberToObject(o, "height", p->height);
  cJSON_AddNumberToObject(o, "band", p->band);
  if (paths) {
    cJSON *f = cJSON_AddObjectToObject(o, "files");
    add_str(f, "image", paths->image);
    add_str(f, "alpha", paths->alpha);
    add_str(f, "trimap", paths->trimap);
    add_str(f, "fg", paths->fg);
    add_str(f, "bg", paths->bg);
  }

  cJSON *fg = cJSON_AddObjectToObject(o, "fg");
  add_str(fg, "source", p->fg_procedural ? "procedural" : paths ? paths->fg_source : NULL);
  if (p->fg_procedural) add_shape(fg, &p->shape);
  else cJSON_AddBoolToObject(fg, "premultiplied", p->fg_premultiplied);
  cJSON_AddNumberToObject(fg, "scale", p->scale);
  cJSON_AddNumberToObject(fg, "angle", p->angle);
  cJSON_AddBoolToObject(fg, "flip", p->flip);
  cJSON_AddNumberToObject(fg, "tx", p->tx);
  cJSON_AddNumberToObject(fg, "ty", p->ty);
  add_jitter(fg, "jitter", &p->fg_jitter);
  cJSON_AddNumberToObject(fg, "blur", p->fg_blur);

  cJSON *bg = cJSON_AddObjectToObject(o, "bg");
  cJSON_AddStringToObject(bg, "kind", syn_bg_kind_name(p->bg));
  if (p->bg == SYN_BG_PHOTO) {
    add_str(bg, "source", paths ? paths->bg_source : NULL);
    cJSON_AddNumberToObject(bg, "crop", p->crop);
    cJSON_AddNumberToObject(bg, "crop_x", p->crop_x);
    cJSON_AddNumberToObject(bg, "crop_y", p->crop_y);
    cJSON_AddBoolToObject(bg, "flip", p->bg_flip);
    add_jitter(bg, "jitter", &p->bg_jitter);
  } else {
    cJSON_AddBoolToObject(bg, "close_colour", p->close_colour);
    add_rgb(bg, "colour0", p->colour[0]);
    add_rgb(bg, "colour1", p->colour[1]);
    cJSON_AddNumberToObject(bg, "period", p->period);
    cJSON_AddNumberToObject(bg, "angle", p->angle_bg);
    cJSON_AddNumberToObject(bg, "softness", p->softness);
    if (p->bg == SYN_BG_NOISE) cJSON_AddNumberToObject(bg, "octaves", p->octaves);
    if (p->bg == SYN_BG_GRADIENT) cJSON_AddBoolToObject(bg, "radial", p->radial);
    if (p->bg == SYN_BG_FABRIC) cJSON_AddBoolToObject(bg, "twill", p->twill);
  }
  cJSON_AddNumberToObject(bg, "blur", p->bg_blur);

  cJSON *deg = cJSON_AddObjectToObject(o, "degrade");
  cJSON_AddNumberToObject(deg, "noise", p->noise);
  cJSON_AddNumberToObject(deg, "jpeg", p->jpeg);

  char *text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return text;
}
