/* cutout synth: composite foregrounds onto backgrounds into a training or test set. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "data/synth.h"

static const char synth_usage[] =
    "usage: cutout synth (--fg DIR | --procedural-fg) (--bg DIR | --procedural) -n N -o OUT\n"
    "                    [--seed S] [--size WxH] [--band PX] [--format png|jpg] [--start K]\n"
    "                    [--fg-premultiplied] [--no-augment] [--save-bg] [-t N] [-q]";

static const char synth_help[] =
    "\n"
    "Composites foregrounds with transparency onto backgrounds, with augmentation (scale,\n"
    "shift, flip, rotation, colour jitter, blur, noise, JPEG re-compression). Sample i of a\n"
    "seed is always the same: regenerate it alone with --start i -n 1.\n"
    "\n"
    "  --fg DIR            RGBA foregrounds (straight alpha unless --fg-premultiplied)\n"
    "  --procedural-fg     built-in foregrounds: hair strands, fur, veils (with --fg: half each)\n"
    "  --bg DIR            background photos\n"
    "  --procedural        patterned backgrounds: stripes, checks, noise, gradients, fabric,\n"
    "                      often in colours close to the foreground's (with --bg: half each)\n"
    "  -n N, -o OUT        number of samples, output folder\n"
    "  --seed S            set seed (default 1)\n"
    "  --size WxH          canvas size (default 1024x768)\n"
    "  --band PX           trimap unknown band either side of the soft edge (default 10)\n"
    "  --format png|jpg    image format (default png)\n"
    "  --start K           first sample number (default 0)\n"
    "  --no-augment        no geometric or photometric augmentation\n"
    "  --save-bg           also write the backgrounds\n"
    "\n"
    "Writes OUT/image/NNNNNN.png|jpg, OUT/alpha/ (grey), OUT/trimap/ (0/128/255),\n"
    "OUT/fg/ (foreground colour), OUT/bg/ (--save-bg) and OUT/manifest.jsonl (one JSON line\n"
    "per sample: seeds and every parameter).";

static int parse_count(const char *s, int min) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (*end || errno || v < min || v > INT_MAX) return -1;
  return (int)v;
}

static int parse_size(const char *s, int *w, int *h) {
  char *end;
  long a = strtol(s, &end, 10);
  if (end == s || (*end != 'x' && *end != 'X')) return -1;
  const char *rest = end + 1;
  long b = strtol(rest, &end, 10);
  if (end == rest || *end || a < 16 || b < 16 || a > 16384 || b > 16384) return -1;
  *w = (int)a;
  *h = (int)b;
  return 0;
}

typedef struct progress_state {
  double t0;
  int open; /* a progress line is on the terminal without its newline */
} progress_state;

static void progress(void *user, int done, int total, const char *name) {
  progress_state *ps = user;
  fprintf(stderr, "\rsynth: %d/%d (%s) %.1f s", done, total, name, cli_now() - ps->t0);
  ps->open = done != total;
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

int cmd_synth(int argc, char **argv) {
  syn_set_options o;
  syn_set_options_init(&o);
  int quiet = 0, threads = 0, have_n = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--fg") && v) {
      o.fg_dir = argv[++i];
    } else if (!strcmp(a, "--bg") && v) {
      o.bg_dir = argv[++i];
    } else if (!strcmp(a, "--procedural")) {
      o.procedural_bg = 1;
    } else if (!strcmp(a, "--procedural-fg")) {
      o.procedural_fg = 1;
    } else if ((!strcmp(a, "-n") || !strcmp(a, "--count")) && v) {
      if ((o.count = parse_count(argv[++i], 1)) < 0) {
        cli_error("-n needs a positive number of samples, not '%s'", v);
        return 2;
      }
      have_n = 1;
    } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && v) {
      o.out_dir = argv[++i];
    } else if (!strcmp(a, "--seed") && v) {
      char *end;
      errno = 0;
      o.seed = strtoull(argv[++i], &end, 0);
      if (*end || errno || v[0] == '-' || !*v) {
        cli_error("--seed needs a non-negative integer, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--size") && v) {
      if (parse_size(argv[++i], &o.width, &o.height)) {
        cli_error("--size needs WxH with sides from 16 to 16384, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--band") && v) {
      if ((o.band = parse_count(argv[++i], 0)) < 0 || o.band > 1000) {
        cli_error("--band needs a width in pixels from 0 to 1000, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--format") && v) {
      o.format = argv[++i];
      if (!strcmp(o.format, "jpeg")) o.format = "jpg";
      if (strcmp(o.format, "png") && strcmp(o.format, "jpg")) {
        cli_error("--format must be png or jpg, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--start") && v) {
      if ((o.start = parse_count(argv[++i], 0)) < 0) {
        cli_error("--start needs a sample number (0 or more), not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--fg-premultiplied")) {
      o.fg_premultiplied = 1;
    } else if (!strcmp(a, "--no-augment")) {
      o.augment = 0;
    } else if (!strcmp(a, "--save-bg")) {
      o.save_bg = 1;
    } else if ((!strcmp(a, "-t") || !strcmp(a, "--threads")) && v) {
      if ((threads = cli_parse_int(argv[++i])) < 0) {
        cli_error("--threads needs a positive number, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("%s\n%s\n", synth_usage, synth_help);
      return 0;
    } else {
      cli_error("unknown or incomplete option '%s'\n%s", a, synth_usage);
      return 2;
    }
  }
  if (!o.out_dir || !have_n) {
    cli_error("%s\n%s", !o.out_dir ? "no output folder given (-o OUT)"
                                   : "no sample count given (-n N)", synth_usage);
    return 2;
  }
  if (!o.fg_dir && !o.procedural_fg) {
    cli_error("no foregrounds: give --fg DIR (RGBA images) or --procedural-fg");
    return 2;
  }
  if (!o.bg_dir && !o.procedural_bg) {
    cli_error("no backgrounds: give --bg DIR (photos) or --procedural");
    return 2;
  }
  if ((long long)o.start + o.count > INT_MAX) {
    cli_error("--start + -n is too large");
    return 2;
  }
  ct_set_threads(threads);
  progress_state ps = {cli_now(), 0};
  if (!quiet) {
    o.progress = progress;
    o.user = &ps;
  }
  char err[512];
  if (syn_write_set(&o, err, sizeof err)) {
    if (ps.open) fputc('\n', stderr);
    cli_error("%s", err);
    return 1;
  }
  if (!quiet)
    printf("wrote %d sample(s) of %dx%d to %s (seed %" PRIu64 ", %.1f s)\n", o.count, o.width,
           o.height, o.out_dir, o.seed, cli_now() - ps.t0);
  return 0;
}
