/* The options of `cutout remove` that shape the matte and the output. */
#include "cli/remove_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

void remove_args_init(remove_args *r) { memset(r, 0, sizeof *r); }

/* "R,G,B" or "R,G,B,A", each 0..255 (A defaults to 255). */
static int parse_colour(const char *s, uint8_t c[4]) {
  int n = 0;
  c[3] = 255;
  for (;;) {
    if (n == 4 || *s < '0' || *s > '9') return -1;
    char *end;
    long v = strtol(s, &end, 10);
    if (v > 255 || end - s > 3) return -1;
    c[n++] = (uint8_t)v;
    if (*end == 0) return n >= 3 ? 0 : -1;
    if (*end != ',') return -1;
    s = end + 1;
  }
}

int remove_args_parse(int argc, char **argv, int *i, remove_args *r) {
  const char *a = argv[*i];
  int has_next = *i + 1 < argc;
  if (!strcmp(a, "--no-fg")) {
    r->no_fg = 1;
  } else if (!strcmp(a, "--bg-color") && has_next) {
    const char *v = argv[++*i];
    if (parse_colour(v, r->bg_color)) {
      cli_error("--bg-color is R,G,B or R,G,B,A with numbers 0-255, not '%s'", v);
      return -1;
    }
    r->bg_color_set = 1;
  } else if (!strcmp(a, "--bg-image") && has_next) {
    r->bg_image = argv[++*i];
  } else {
    return 0;
  }
  return 1;
}

static int is_jpeg(const char *path) {
  const char *dot = strrchr(path, '.');
  return dot && (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

int remove_args_check(const remove_args *r, int mask_only, const char *out) {
  if (r->bg_color_set && r->bg_image) {
    cli_error("--bg-color and --bg-image: choose one");
    return -1;
  }
  if (mask_only && (r->bg_color_set || r->bg_image)) {
    cli_error("--mask writes the alpha alone: it takes no --bg-color or --bg-image");
    return -1;
  }
  int opaque = r->bg_image || (r->bg_color_set && r->bg_color[3] == 255);
  if (!mask_only && !opaque && is_jpeg(out)) {
    cli_error("'%s': JPEG has no transparency; write .png, .webp or .tif, or give an opaque "
              "--bg-color R,G,B or --bg-image",
              out);
    return -1;
  }
  return 0;
}

int remove_args_apply(const remove_args *r, ct_remove_options *opts, ct_image **bg,
                      ct_error *err) {
  *bg = NULL;
  opts->foreground = !r->no_fg;
  if (r->bg_color_set) memcpy(opts->bg_color, r->bg_color, 4);
  if (r->bg_image) {
    if (ct_image_load(r->bg_image, bg, err)) {
      const char *prefix = "background image: ";
      size_t p = strlen(prefix), m = strnlen(err->message, sizeof err->message - 1 - p);
      memmove(err->message + p, err->message, m);
      memcpy(err->message, prefix, p);
      err->message[p + m] = 0;
      return -1;
    }
    opts->bg_image = *bg;
  }
  return 0;
}
