/* The parameters of POST /api/remove and /api/instances: one table row per name. */
#include "serve/params.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/params_detect.h"

int sv_param_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

void sv_params_init(sv_params *p) {
  memset(p, 0, sizeof *p);
  ct_remove_options_init(&p->opts);
  p->route = SV_ROUTE_REMOVE;
  p->size = SV_SIZE_FULL;
  p->format = SV_FMT_PNG;
}

void sv_params_for_instances(sv_params *p) { p->route = SV_ROUTE_INSTANCES; }

int sv_params_need_detector(const sv_params *p) {
  return p->route == SV_ROUTE_INSTANCES || p->opts.subject != NULL;
}

int sv_parse_bool(const char *s, int *out) {
  static const char *const yes[] = {"1", "true", "yes", "on"};
  static const char *const no[] = {"0", "false", "no", "off"};
  if (!s || !*s) {
    *out = 1;
    return 0;
  }
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    if (!strcasecmp(s, yes[i])) {
      *out = 1;
      return 0;
    }
    if (!strcasecmp(s, no[i])) {
      *out = 0;
      return 0;
    }
  }
  return -1;
}

static int hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 3, 4, 6 or 8 hex digits (RGB, RGBA, RRGGBB, RRGGBBAA). */
static int parse_hex(const char *s, uint8_t rgba[4]) {
  size_t n = strlen(s);
  if (n != 3 && n != 4 && n != 6 && n != 8) return -1;
  for (size_t i = 0; i < n; i++)
    if (hex_digit((unsigned char)s[i]) < 0) return -1;
  rgba[3] = 255;
  if (n <= 4) {
    for (size_t i = 0; i < n; i++) rgba[i] = (uint8_t)(hex_digit((unsigned char)s[i]) * 17);
  } else {
    for (size_t i = 0; i < n / 2; i++)
      rgba[i] = (uint8_t)(hex_digit((unsigned char)s[2 * i]) * 16 +
                          hex_digit((unsigned char)s[2 * i + 1]));
  }
  return 0;
}

/* R,G,B or R,G,B,A: decimal 0..255, spaces allowed around the numbers. */
static int parse_list(const char *s, uint8_t rgba[4]) {
  int n = 0;
  rgba[3] = 255;
  const char *p = s;
  for (;;) {
    while (*p == ' ') p++;
    if (!isdigit((unsigned char)*p)) return -1;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (errno || v < 0 || v > 255 || n == 4) return -1;
    rgba[n++] = (uint8_t)v;
    p = end;
    while (*p == ' ') p++;
    if (*p == '\0') break;
    if (*p++ != ',') return -1;
  }
  return n == 3 || n == 4 ? 0 : -1;
}

int sv_parse_color(const char *s, uint8_t rgba[4]) {
  if (!s || !*s) return -1;
  uint8_t c[4];
  int rc = strchr(s, ',') ? parse_list(s, c) : parse_hex(s[0] == '#' ? s + 1 : s, c);
  if (rc == 0) memcpy(rgba, c, 4);
  return rc;
}

/* A positive number of pixels up to 65536. */
static int parse_pixels(const char *s, int *out) {
  if (!s || !isdigit((unsigned char)*s)) return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v <= 0 || v > 65536) return -1;
  *out = (int)v;
  return 0;
}

/* ---- One setter per parameter. ---- */
typedef int (*setter)(sv_params *p, const char *name, const char *v, char *err, size_t errlen);

static int set_size(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  if (v && (!strcasecmp(v, "full") || !strcasecmp(v, "auto"))) p->size = SV_SIZE_FULL;
  else if (v && !strcasecmp(v, "preview")) p->size = SV_SIZE_PREVIEW;
  else return sv_param_fail(err, errlen, "%s is full, auto or preview, not '%s'", name, v ? v : "");
  return 0;
}

static int set_format(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  if (v && !strcasecmp(v, "png")) p->format = SV_FMT_PNG;
  else if (v && !strcasecmp(v, "webp")) p->format = SV_FMT_WEBP;
  else if (v && (!strcasecmp(v, "jpg") || !strcasecmp(v, "jpeg"))) p->format = SV_FMT_JPG;
  else if (v && !strcasecmp(v, "auto")) p->format = SV_FMT_AUTO;
  else return sv_param_fail(err, errlen, "%s is png, webp, jpg or auto, not '%s'", name,
                            v ? v : "");
  return 0;
}

static int set_bg(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  if (v && !*v) { /* an empty field (a form left blank): no background */
    p->has_bg = 0;
    return 0;
  }
  if (sv_parse_color(v, p->bg))
    return sv_param_fail(err, errlen,
                "%s is a colour as hex (ff0000, ff000080, f00) or R,G,B[,A] (0..255), not '%s'",
                name, v ? v : "");
  p->has_bg = 1;
  return 0;
}

static int set_channels(sv_params *p, const char *name, const char *v, char *err,
                        size_t errlen) {
  if (v && !strcasecmp(v, "rgba")) p->channels_set = 4;
  else if (v && !strcasecmp(v, "alpha")) p->channels_set = 1;
  else return sv_param_fail(err, errlen, "%s is rgba or alpha, not '%s'", name, v ? v : "");
  p->alpha_only = p->channels_set == 1;
  return 0;
}

static int set_bool(int *field, const char *name, const char *v, char *err, size_t errlen) {
  if (sv_parse_bool(v, field))
    return sv_param_fail(err, errlen, "%s is true or false, not '%s'", name, v);
  return 0;
}

static int set_mask_only(sv_params *p, const char *name, const char *v, char *err,
                         size_t errlen) {
  int on;
  if (set_bool(&on, name, v, err, errlen)) return -1;
  if (p->channels_set && on != (p->channels_set == 1))
    return sv_param_fail(err, errlen, "%s=%s contradicts channels=%s", name, v ? v : "true",
                p->channels_set == 1 ? "alpha" : "rgba");
  p->alpha_only = on;
  return 0;
}

static int set_foreground(sv_params *p, const char *name, const char *v, char *err,
                          size_t errlen) {
  return set_bool(&p->opts.foreground, name, v, err, errlen);
}

static int set_tiles(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  return set_bool(&p->opts.tiles, name, v, err, errlen);
}

static int set_per_channel(sv_params *p, const char *name, const char *v, char *err,
                           size_t errlen) {
  return set_bool(&p->opts.channels, name, v, err, errlen);
}

static int set_matting(sv_params *p, const char *name, const char *v, char *err,
                       size_t errlen) {
  if (v && !strcmp(v, "off")) p->opts.matting = CT_MATTING_OFF;
  else if (v && !strcmp(v, "fast")) p->opts.matting = CT_MATTING_FAST;
  else if (v && !strcmp(v, "full")) p->opts.matting = CT_MATTING_FULL;
  else return sv_param_fail(err, errlen, "%s is off, fast or full, not '%s'", name, v ? v : "");
  return 0;
}

static int set_quality(sv_params *p, const char *name, const char *v, char *err,
                       size_t errlen) {
  if (v && !strcmp(v, "fast")) {
    p->opts.framing = CT_FRAMING_STRETCH;
    p->opts.matting = CT_MATTING_OFF;
    p->opts.tiles = 0;
  } else if (v && !strcmp(v, "best")) {
    p->opts.framing = CT_FRAMING_AUTO;
    p->opts.matting = CT_MATTING_FULL;
  } else {
    return sv_param_fail(err, errlen, "%s is best or fast, not '%s'", name, v ? v : "");
  }
  return 0;
}

static int set_framing(sv_params *p, const char *name, const char *v, char *err,
                       size_t errlen) {
  if (v && !strcmp(v, "auto")) p->opts.framing = CT_FRAMING_AUTO;
  else if (v && !strcmp(v, "stretch")) p->opts.framing = CT_FRAMING_STRETCH;
  else if (v && !strcmp(v, "fit")) p->opts.framing = CT_FRAMING_FIT;
  else return sv_param_fail(err, errlen, "%s is auto, stretch or fit, not '%s'", name, v ? v : "");
  return 0;
}

static int set_tile_size(sv_params *p, const char *name, const char *v, char *err,
                         size_t errlen) {
  if (parse_pixels(v, &p->opts.tile_size))
    return sv_param_fail(err, errlen, "%s is a number of pixels (1..65536), not '%s'", name,
                         v ? v : "");
  p->opts.tiles = 1;
  return 0;
}

static int set_tile_overlap(sv_params *p, const char *name, const char *v, char *err,
                            size_t errlen) {
  if (parse_pixels(v, &p->opts.tile_overlap))
    return sv_param_fail(err, errlen, "%s is a number of pixels (1..65536), not '%s'", name,
                         v ? v : "");
  p->opts.tiles = 1;
  return 0;
}

static int set_tile_scale(sv_params *p, const char *name, const char *v, char *err,
                          size_t errlen) {
  char *end = NULL;
  double s = v ? strtod(v, &end) : 0;
  if (!v || end == v || *end || !(s >= 1 && s <= 64))
    return sv_param_fail(err, errlen, "%s is a number from 1 to 64, not '%s'", name, v ? v : "");
  p->opts.tile_scale = s;
  p->opts.tiles = 1;
  return 0;
}

static int refuse_url(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  (void)p, (void)v;
  return sv_param_fail(err, errlen, "%s: this service fetches nothing; send the image itself",
                       name);
}

/* Where a name is taken: /api/remove, /api/instances, both. */
enum { REMOVE = SV_ROUTE_REMOVE, INSTANCES = SV_ROUTE_INSTANCES, BOTH = REMOVE | INSTANCES };

static const struct {
  const char *name;
  setter set;
  int where;
} table[] = {
    {"size", set_size, REMOVE},
    {"format", set_format, REMOVE},
    {"bg_color", set_bg, REMOVE},
    {"channels", set_channels, REMOVE},
    {"mask_only", set_mask_only, REMOVE},
    {"subject", sv_set_subject, REMOVE},
    {"foreground", set_foreground, BOTH},
    {"tiles", set_tiles, BOTH},
    {"tile_size", set_tile_size, BOTH},
    {"per_channel", set_per_channel, BOTH},
    {"matting", set_matting, BOTH},
    {"quality", set_quality, BOTH},
    {"framing", set_framing, BOTH},
    {"tile_overlap", set_tile_overlap, BOTH},
    {"tile_scale", set_tile_scale, BOTH},
    {"class", sv_set_class, INSTANCES},
    {"min_score", sv_set_min_score, INSTANCES},
    {"max_instances", sv_set_max_instances, INSTANCES},
    {"crop", sv_set_crop, INSTANCES},
    {"image_url", refuse_url, BOTH},
    {"url", refuse_url, BOTH},
};
#define TABLE_LEN (sizeof table / sizeof *table)

static const char *route_path(int route) {
  return route == SV_ROUTE_INSTANCES ? "/api/instances" : "/api/remove";
}

int sv_param_set(sv_params *p, const char *name, const char *value, char *err, size_t errlen) {
  if (!name) return sv_param_fail(err, errlen, "a parameter without a name");
  int route = p->route == SV_ROUTE_INSTANCES ? INSTANCES : REMOVE;
  for (size_t i = 0; i < TABLE_LEN; i++) {
    if (strcmp(name, table[i].name)) continue;
    if (!(table[i].where & route))
      return sv_param_fail(err, errlen, "%s is a parameter of %s, not of %s", name,
                           route_path(table[i].where), route_path(route));
    return table[i].set(p, name, value, err, errlen);
  }
  char known[400] = "";
  size_t used = 0;
  for (size_t i = 0; i < TABLE_LEN && used < sizeof known; i++)
    if (table[i].set != refuse_url && (table[i].where & route))
      used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "",
                               table[i].name);
  return sv_param_fail(err, errlen, "unknown parameter '%.64s' (known: %s)", name, known);
}

int sv_params_finish(sv_params *p, char *err, size_t errlen) {
  if (p->route == SV_ROUTE_INSTANCES && p->has_bg_image)
    return sv_param_fail(err, errlen,
                         "bg_image_file is /api/remove's: /api/instances answers each "
                         "instance as an RGBA PNG");
  int opaque_bg = p->has_bg_image || (p->has_bg && p->bg[3] == 255);
  if (p->alpha_only && (p->has_bg || p->has_bg_image))
    return sv_param_fail(err, errlen, "%s does not apply to the alpha mask (channels=alpha)",
                p->has_bg ? "bg_color" : "bg_image_file");
  if (p->has_bg && p->has_bg_image)
    return sv_param_fail(err, errlen, "bg_color and bg_image_file: choose one");
  if (p->format == SV_FMT_AUTO) p->format = opaque_bg ? SV_FMT_JPG : SV_FMT_PNG;
  if (p->format == SV_FMT_JPG && !p->alpha_only && !opaque_bg)
    return sv_param_fail(err, errlen,
                "jpg has no transparency: give an opaque bg_color, ask for channels=alpha, or "
                "use png or webp");
  p->opts.mask_only = p->alpha_only;
  memset(p->opts.bg_color, 0, sizeof p->opts.bg_color);
  if (p->has_bg) memcpy(p->opts.bg_color, p->bg, 4);
  return 0;
}

const char *sv_format_name(sv_format f) {
  return f == SV_FMT_WEBP ? "webp" : f == SV_FMT_JPG ? "jpg" : "png";
}

const char *sv_format_media_type(sv_format f) {
  return f == SV_FMT_WEBP ? "image/webp" : f == SV_FMT_JPG ? "image/jpeg" : "image/png";
}
