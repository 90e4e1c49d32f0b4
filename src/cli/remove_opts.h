/* The options of `cutout remove` that shape the matte and the output: matting, trimap,
 * foreground colours, background. */
#ifndef CUTOUT_CLI_REMOVE_OPTS_H
#define CUTOUT_CLI_REMOVE_OPTS_H
#include <stdint.h>

#include "cutout.h"

typedef struct remove_args {
  int no_fg;            /* --no-fg */
  int bg_color_set;     /* --bg-color given */
  uint8_t bg_color[4];
  const char *bg_image; /* --bg-image FILE */
} remove_args;

void remove_args_init(remove_args *r);

/* When argv[*i] is one of these options, takes it (and its value, advancing *i) and
 * returns 1; prints the reason and returns -1 for a bad value; returns 0 for any other
 * argument. */
int remove_args_parse(int argc, char **argv, int *i, remove_args *r);

/* Checks, before any work, that the options go together (mask_only: --mask given) and with
 * the output file; prints the reason and returns -1 when not. */
int remove_args_check(const remove_args *r, int mask_only, const char *out);

/* Sets the fields of opts; loads the background image (when given) into *bg. Returns 0, or
 * -1 with the reason in err. */
int remove_args_apply(const remove_args *r, ct_remove_options *opts, ct_image **bg,
                      ct_error *err);

#endif
