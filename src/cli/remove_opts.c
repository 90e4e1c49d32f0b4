/* The options of `cutout remove` that shape the matte and the output. */
#include "cli/remove_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

void remove_args_init(remove_args *r) {
  memset(r, 0, sizeof *r);
  r->matting = -1;
  r->framing = -1;
}

void remove_inputs_free(remove_inputs *in) {
  ct_image_free(in->bg);
  ct_image_free(in->trimap);
  ct_refiner_free(in->refiner);
  ct_detector_free(in->detector);
  in->bg = in->trimap = NULL;
  in->refiner = NULL;
  in->detector = NULL;
}

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

const char remove_args_help[] =
    "      --fast         the network's mask alone, the photo stretched into it (what\n"
    "                     rembg and imgly give; about a second): no second framing, no\n"
    "                     tiles and no matting unless asked\n"
    "  -m, --model PATH   ONNX model (default: $CUTOUT_MODEL, or isnet-fp16.onnx from\n"
    "                     the first model folder that has it, as 'cutout help' lists)\n"
    "      --mask         write the alpha mask alone (greyscale)\n"
    "      --tiles        refine edges at the photo's own resolution: the network also\n"
    "                     runs on tiles where the global mask is uncertain (default on\n"
    "                     photos 2048 pixels long or longer, with ISNet)\n"
    "      --no-tiles     no tile pass, whatever the photo's size\n"
    "      --tile N       tile side in photo pixels (default: the network's input, 1024;\n"
    "                     implies --tiles)\n"
    "      --overlap N    pixels shared by neighbouring tiles (default: a quarter tile;\n"
    "                     implies --tiles)\n"
    "      --tile-scale S photo pixels per tile pixel, 1 to 64 (default: 1 up to 6144\n"
    "                     pixels, longer photos scaled down to that; implies --tiles)\n"
    "      --framing F    how the photo goes into the network: auto (default: stretched,\n"
    "                     and letterboxed too when that mask is unsure, the surer kept),\n"
    "                     stretch or fit (letterboxed, its aspect kept)\n"
    "      --channels     also run the network on each colour channel alone and let a\n"
    "                     channel that separates the subject better decide its edges\n"
    "      --matting M    alpha matting at the photo's resolution over an automatic\n"
    "                     trimap: full (default: closed-form matting), fast (guided\n"
    "                     filter) or off (the network's mask; the default with --fast)\n"
    "      --trimap-fg N  mask >= N is sure foreground (default 240; rembg's -af)\n"
    "      --trimap-bg N  mask <= N is sure background (default 10; rembg's -ab)\n"
    "      --erode N      shrink the sure regions by N pixels (default: the photo's\n"
    "                     larger side / 400, at least 2; rembg's -ae)\n"
    "      --slic         snap the trimap's unknown band to SLIC superpixels\n"
    "      --trimap FILE  use this trimap (grey: 0 background, 255 foreground, else\n"
    "                     unknown); the trimap options imply --matting full\n"
    "      --refiner M    run the tile refiner M (model.onnx of cutout train --arch unet\n"
    "                     or unet-gan) over the trimap's unknown band, before matting\n"
    "      --subject S    keep only these instances, each masked on its own box: all\n"
    "                     (every object the detector finds), largest, or a class (person,\n"
    "                     dog, chair, ...: every one of them); see 'cutout instances'\n"
    "      --detector P   --subject's detector, a model.json (default: $CUTOUT_DETECTOR,\n"
    "                     or centernet.json from the model folders)\n"
    "      --no-fg        keep the photo's own colours in soft edges (default: the\n"
    "                     estimated foreground colour, with no trace of the background)\n"
    "      --bg-color C   put the cutout over colour C: R,G,B (opaque) or R,G,B,A\n"
    "      --bg-image F   put the cutout over image F, scaled to cover the photo\n"
    "      --precision P  auto (default: bfloat16 convolutions where the CPU multiplies\n"
    "                     bfloat16, AVX512_BF16 or AMX; float32 elsewhere), f32 or bf16\n"
    "      --no-cache     prepare the model from its file, without the prepared-model\n"
    "                     cache ($CUTOUT_CACHE_DIR, else ~/.cache/cutout)\n"
    "  -t, --threads N    worker threads (default: all cores)\n";

/* A positive number of pixels or threads for option name; -1 after saying why not. */
static int positive(const char *name, const char *what, const char *v) {
  int n = cli_parse_int(v);
  if (n <= 0) cli_error("%s needs a positive number%s, not '%s'", name, what, v);
  return n;
}

int remove_args_parse(int argc, char **argv, int *i, remove_args *r) {
  const char *a = argv[*i];
  int has_next = *i + 1 < argc;
  if (!strcmp(a, "--mask")) {
    r->mask = 1;
  } else if (!strcmp(a, "--tiles")) {
    r->tiles = 1;
  } else if (!strcmp(a, "--slic")) {
    r->slic = 1;
  } else if (!strcmp(a, "--no-tiles")) {
    r->no_tiles = 1;
  } else if (!strcmp(a, "--fast")) {
    r->fast = 1;
  } else if (!strcmp(a, "--framing")) {
    const char *v = argv[++*i];
    if (!strcmp(v, "auto")) r->framing = CT_FRAMING_AUTO;
    else if (!strcmp(v, "stretch")) r->framing = CT_FRAMING_STRETCH;
    else if (!strcmp(v, "fit")) r->framing = CT_FRAMING_FIT;
    else {
      cli_error("--framing is auto, stretch or fit, not '%s'", v);
      return -1;
    }
  } else if (!strcmp(a, "--channels")) {
    r->channels = 1;
  } else if (!strcmp(a, "--no-fg")) {
    r->no_fg = 1;
  } else if (!strcmp(a, "--no-cache")) {
    r->no_cache = 1;
  } else if (!has_next) {
    return 0; /* the options below take a value */
  } else if (!strcmp(a, "-m") || !strcmp(a, "--model")) {
    r->model = argv[++*i];
  } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
    if ((r->threads = positive("--threads", "", argv[++*i])) < 0) return -1;
  } else if (!strcmp(a, "--tile")) {
    if ((r->tile = positive("--tile", " of pixels", argv[++*i])) < 0) return -1;
    r->tiles = 1;
  } else if (!strcmp(a, "--overlap")) {
    if ((r->overlap = positive("--overlap", " of pixels", argv[++*i])) < 0) return -1;
    r->tiles = 1;
  } else if (!strcmp(a, "--tile-scale")) {
    const char *v = argv[++*i];
    char *end;
    r->tile_scale = strtod(v, &end);
    if (end == v || *end || !(r->tile_scale >= 1 && r->tile_scale <= 64)) {
      cli_error("--tile-scale needs a number from 1 to 64, not '%s'", v);
      return -1;
    }
    r->tiles = 1;
  } else if (!strcmp(a, "--precision")) {
    const char *v = argv[++*i];
    if (!strcmp(v, "auto")) r->precision = CT_PRECISION_AUTO;
    else if (!strcmp(v, "f32")) r->precision = CT_PRECISION_F32;
    else if (!strcmp(v, "bf16")) r->precision = CT_PRECISION_BF16;
    else {
      cli_error("--precision is auto, f32 or bf16, not '%s'", v);
      return -1;
    }
    r->precision_set = 1;
  } else if (!strcmp(a, "--bg-color")) {
    const char *v = argv[++*i];
    if (parse_colour(v, r->bg_color)) {
      cli_error("--bg-color is R,G,B or R,G,B,A with numbers 0-255, not '%s'", v);
      return -1;
    }
    r->bg_color_set = 1;
  } else if (!strcmp(a, "--bg-image")) {
    r->bg_image = argv[++*i];
  } else if (!strcmp(a, "--refiner")) {
    r->refiner = argv[++*i];
  } else if (!strcmp(a, "--subject")) {
    const char *v = argv[++*i];
    if (strcmp(v, "all") && strcmp(v, "largest") && ct_class_id(v) < 0) {
      cli_error("--subject is all, largest or a class of the detector (COCO's: person, car, "
                "chair, dog, ...), not '%s'", v);
      return -1;
    }
    r->subject = v;
  } else if (!strcmp(a, "--detector")) {
    r->detector = argv[++*i];
  } else if (!strcmp(a, "--matting")) {
    const char *v = argv[++*i];
    if (!strcmp(v, "off")) r->matting = CT_MATTING_OFF;
    else if (!strcmp(v, "fast")) r->matting = CT_MATTING_FAST;
    else if (!strcmp(v, "full")) r->matting = CT_MATTING_FULL;
    else {
      cli_error("--matting is off, fast or full, not '%s'", v);
      return -1;
    }
  } else if (!strcmp(a, "--trimap-fg") || !strcmp(a, "-af") || !strcmp(a, "--trimap-bg") ||
             !strcmp(a, "-ab")) {
    int fg = !strcmp(a, "--trimap-fg") || !strcmp(a, "-af");
    int v = cli_parse_int(argv[++*i]);
    if (v < 1 || v > 254) {
      cli_error("%s needs a level from 1 to 254, not '%s'", a, argv[*i]);
      return -1;
    }
    *(fg ? &r->trimap_fg : &r->trimap_bg) = v;
  } else if (!strcmp(a, "--erode") || !strcmp(a, "-ae")) {
    if ((r->erode = positive(a, " of pixels", argv[++*i])) < 0) return -1;
  } else if (!strcmp(a, "--trimap")) {
    r->trimap = argv[++*i];
  } else {
    return 0;
  }
  return 1;
}

static int is_jpeg(const char *path) {
  const char *dot = strrchr(path, '.');
  return dot && (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

int remove_args_check(const remove_args *r, const char *out) {
  int mask_only = r->mask;
  if (r->no_tiles && r->tiles) {
    cli_error("--no-tiles and the tile options (--tiles, --tile, --overlap, --tile-scale): "
              "choose");
    return -1;
  }
  if (r->bg_color_set && r->bg_image) {
    cli_error("--bg-color and --bg-image: choose one");
    return -1;
  }
  if (r->subject && r->trimap) {
    cli_error("--subject masks each instance's crop on its own: it takes no --trimap");
    return -1;
  }
  if (r->detector && !r->subject) {
    cli_error("--detector is for --subject: give one, or leave --detector out");
    return -1;
  }
  if (r->trimap_fg && r->trimap_bg && r->trimap_bg >= r->trimap_fg) {
    cli_error("--trimap-bg (%d) must be below --trimap-fg (%d)", r->trimap_bg, r->trimap_fg);
    return -1;
  }
  if (r->matting == CT_MATTING_OFF &&
      (r->trimap || r->trimap_fg || r->trimap_bg || r->erode || r->slic)) {
    cli_error("--matting off: the trimap options need matting");
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

int remove_args_model(const remove_args *r, char *buf, size_t len, const char **path) {
  if (r->model) {
    *path = r->model;
    return 0;
  }
  if (cli_default_model(buf, len) != 0) return -1;
  *path = buf;
  return 0;
}

/* Prefixes err's message with what was being loaded. */
static void prefix_error(ct_error *err, const char *prefix) {
  size_t p = strlen(prefix), m = strnlen(err->message, sizeof err->message - 1 - p);
  memmove(err->message + p, err->message, m);
  memcpy(err->message, prefix, p);
  err->message[p + m] = 0;
}

int remove_args_apply(const remove_args *r, ct_remove_options *opts, remove_inputs *in,
                      ct_error *err) {
  memset(in, 0, sizeof *in);
  if (r->precision_set) ct_set_precision(r->precision);
  if (r->no_cache) ct_set_cache(0, NULL);
  opts->mask_only = r->mask;
  opts->tiles = r->no_tiles ? 0 : r->tiles ? 1 : r->fast ? 0 : CT_TILES_AUTO;
  opts->tile_size = r->tile;
  opts->tile_overlap = r->overlap;
  opts->tile_scale = r->tile_scale;
  opts->channels = r->channels;
  opts->framing = r->framing >= 0 ? (ct_framing)r->framing
                  : r->fast       ? CT_FRAMING_STRETCH
                                  : CT_FRAMING_AUTO;
  opts->foreground = !r->no_fg;
  int trimap_opts = r->trimap || r->trimap_fg || r->trimap_bg || r->erode || r->slic;
  opts->matting = r->matting >= 0 ? (ct_matting)r->matting
                  : trimap_opts   ? CT_MATTING_FULL
                  : r->fast       ? CT_MATTING_OFF
                                  : CT_MATTING_FULL;
  opts->trimap_fg = r->trimap_fg;
  opts->trimap_bg = r->trimap_bg;
  opts->trimap_erode = r->erode;
  opts->trimap_slic = r->slic;
  if (r->bg_color_set) memcpy(opts->bg_color, r->bg_color, 4);
  if (r->bg_image) {
    if (ct_image_load(r->bg_image, &in->bg, err)) {
      prefix_error(err, "background image: ");
      return -1;
    }
    opts->bg_image = in->bg;
  }
  if (r->trimap) {
    if (ct_image_load_grey(r->trimap, &in->trimap, err)) {
      prefix_error(err, "trimap: ");
      remove_inputs_free(in);
      return -1;
    }
    opts->trimap = in->trimap;
  }
  if (r->refiner) {
    if (ct_refiner_load(r->refiner, &in->refiner, err)) {
      remove_inputs_free(in);
      return -1;
    }
    opts->refiner = in->refiner;
  }
  if (r->subject) {
    char buf[4096];
    const char *path = r->detector;
    if (!path && cli_default_detector(buf, sizeof buf) == 0) path = buf;
    if (!path) {
      err->code = CT_ERR_IO;
      snprintf(err->message, sizeof err->message, "--subject needs the detector (above)");
      remove_inputs_free(in);
      return -1;
    }
    if (ct_detector_load(path, &in->detector, err)) {
      prefix_error(err, "detector: ");
      remove_inputs_free(in);
      return -1;
    }
    opts->subject = r->subject;
    opts->detector = in->detector;
  }
  return 0;
}
