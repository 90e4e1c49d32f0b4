/* The options shared by the commands that cut photos out (`cutout remove`, `cutout batch`):
 * the model, threads, and everything that shapes the matte and the output (ct_remove_options).
 * A new remove option is added here once: a field, its parsing, its check, its application
 * and its help line. */
#ifndef CUTOUT_CLI_REMOVE_OPTS_H
#define CUTOUT_CLI_REMOVE_OPTS_H
#include <stddef.h>
#include <stdint.h>

#include "cutout.h"

typedef struct remove_args {
  const char *model;    /* -m/--model PATH (NULL: the default model) */
  int threads;          /* -t/--threads N (0: all cores) */
  int mask;             /* --mask */
  int tiles;            /* --tiles (also set by --tile, --overlap and --tile-scale); with
                           neither it nor --no-tiles: automatic (none with --fast) */
  int no_tiles;         /* --no-tiles */
  int tile, overlap;    /* --tile N, --overlap N (0: the defaults) */
  double tile_scale;    /* --tile-scale S (0: automatic) */
  int fast;             /* --fast: the global pass alone, stretched (the defaults change) */
  int framing;          /* --framing auto|stretch|fit (ct_framing; -1: not given) */
  int channels;         /* --channels */
  int precision_set;    /* --precision given */
  ct_precision precision;
  int no_fg;            /* --no-fg */
  int no_cache;         /* --no-cache */
  int bg_color_set;     /* --bg-color given */
  uint8_t bg_color[4];
  const char *bg_image; /* --bg-image FILE */
  int matting;          /* --matting off|fast|full (-1: not given: full, off with --fast) */
  int trimap_fg, trimap_bg, erode; /* --trimap-fg N, --trimap-bg N, --erode N (0: defaults) */
  int slic;             /* --slic */
  const char *trimap;   /* --trimap FILE */
  const char *refiner;  /* --refiner MODEL */
  const char *subject;  /* --subject all|largest|CLASS */
  const char *detector; /* --detector PATH (NULL: the default detector) */
} remove_args;

/* The images the options name, loaded by remove_args_apply. */
typedef struct remove_inputs {
  ct_image *bg;     /* --bg-image */
  ct_image *trimap; /* --trimap */
  ct_refiner *refiner; /* --refiner */
  ct_detector *detector; /* --subject's detector */
} remove_inputs;

void remove_inputs_free(remove_inputs *in);

/* The help lines of these options, one per line, indented as in `cutout help`. */
extern const char remove_args_help[];

void remove_args_init(remove_args *r);

/* When argv[*i] is one of these options, takes it (and its value, advancing *i) and
 * returns 1; prints the reason and returns -1 for a bad value; returns 0 for any other
 * argument. */
int remove_args_parse(int argc, char **argv, int *i, remove_args *r);

/* Checks, before any work, that the options go together and with an output file named
 * like out (its extension is what matters); prints the reason and returns -1 when not. */
int remove_args_check(const remove_args *r, const char *out);

/* The model's path: --model, or the default one. Prints the reason and returns -1 when no
 * model is found. buf holds the default's path. */
int remove_args_model(const remove_args *r, char *buf, size_t len, const char **path);

/* Sets the fields of opts (and the process's precision when --precision was given); loads
 * the background image, the trimap, the refiner and --subject's detector (when given) into
 * in, which opts then points to.
 * Returns 0, or -1 with the reason in err (in holds nothing then). */
int remove_args_apply(const remove_args *r, ct_remove_options *opts, remove_inputs *in,
                      ct_error *err);

#endif
