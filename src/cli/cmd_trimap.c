/* cutout trimap IN -o TRIMAP: the automatic trimap of a photo, from the network's mask (with
 * the remove options that shape it) or from a mask given with --mask. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/remove_opts.h"

static const char trimap_usage[] =
    "usage: cutout trimap IN -o OUT [--mask MASK] [--trimap-fg N] [--trimap-bg N] [--erode N]\n"
    "                    [--slic] [--tiles ...] [-m MODEL] [-t N] [-q]";

static const char trimap_help[] =
    "\n"
    "Writes the trimap cutout remove --matting would use for photo IN: 0 sure background,\n"
    "255 sure foreground, 128 unknown (greyscale, the photo's size).\n"
    "\n"
    "  -o, --output OUT   the trimap\n"
    "      --mask MASK    make it from this mask (grey, the photo's size) instead of the\n"
    "                     network's\n"
    "  -q, --quiet        print nothing but errors\n"
    "and the options of cutout remove that shape the mask and the trimap:\n";

int cmd_trimap(int argc, char **argv) {
  const char *in = NULL, *out = NULL, *mask_path = NULL;
  int quiet = 0, taken;
  remove_args margs;
  remove_args_init(&margs);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has_next = i + 1 < argc;
    if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
      out = argv[++i];
    } else if (!strcmp(a, "--mask") && has_next) {
      mask_path = argv[++i];
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("%s\n%s%s", trimap_usage, trimap_help, remove_args_help);
      return 0;
    } else if ((taken = remove_args_parse(argc, argv, &i, &margs)) != 0) {
      if (taken < 0) return 2;
    } else if (a[0] == '-' && a[1]) {
      cli_error("unknown or incomplete option '%s'\n%s", a, trimap_usage);
      return 2;
    } else if (!in) {
      in = a;
    } else {
      cli_error("unexpected argument '%s'\n%s", a, trimap_usage);
      return 2;
    }
  }
  if (!in || !out) {
    cli_error("give a photo and -o OUT\n%s", trimap_usage);
    return 2;
  }
  if (margs.trimap || margs.bg_image || margs.bg_color_set) {
    cli_error("cutout trimap makes a trimap: it takes no --trimap, --bg-color or --bg-image");
    return 2;
  }
  if (cli_same_file(in, out) || (mask_path && cli_same_file(mask_path, out))) {
    cli_error("the output '%s' is one of the inputs; choose another output name", out);
    return 2;
  }
  if (cli_check_output(out) != 0) return 1;
  char model_buf[4096];
  const char *model_path = NULL;
  if (!mask_path && remove_args_model(&margs, model_buf, sizeof model_buf, &model_path) != 0)
    return 1;
  ct_set_threads(margs.threads);
  double t0 = cli_now();
  ct_error err = {0};
  ct_image *photo = NULL, *mask = NULL, *trimap = NULL;
  ct_model *model = NULL;
  remove_inputs inputs = {0};
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  int rc = 1;
  if (ct_image_load(in, &photo, &err) || remove_args_apply(&margs, &opts, &inputs, &err))
    goto done;
  opts.mask_only = 1;
  opts.matting = CT_MATTING_OFF; /* the mask before matting */
  if (mask_path ? ct_image_load_grey(mask_path, &mask, &err)
                : ct_model_load(model_path, &model, &err) ||
                      ct_remove(model, photo, &opts, &mask, &err))
    goto done;
  if (ct_trimap(photo, mask, &opts, &trimap, &err) || ct_image_save(trimap, out, &err)) goto done;
  rc = 0;
  if (!quiet) {
    size_t n = (size_t)ct_image_width(trimap) * ct_image_height(trimap), unknown = 0;
    const uint8_t *t = ct_image_pixels(trimap);
    for (size_t i = 0; i < n; i++) unknown += t[i] != 0 && t[i] != 255;
    printf("%s -> %s (%dx%d, %zu unknown pixels, %.2f s)\n", in, out, ct_image_width(trimap),
           ct_image_height(trimap), unknown, cli_now() - t0);
  }
done:
  if (rc) cli_error("%s", err.message);
  ct_image_free(trimap);
  ct_image_free(mask);
  ct_image_free(photo);
  remove_inputs_free(&inputs);
  ct_model_free(model);
  return rc;
}
