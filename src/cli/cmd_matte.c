/* cutout matte IN TRIMAP -o ALPHA: alpha matting of a photo over a given trimap, without the
 * network. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char matte_usage[] =
    "usage: cutout matte IN TRIMAP -o OUT [--mode fast|full] [--mask MASK] [--rgba] [-t N] [-q]";

static const char matte_help[] =
    "\n"
    "Solves the alpha of photo IN over the unknown pixels of TRIMAP (grey, the photo's size:\n"
    "0 sure background, 255 sure foreground, anything else unknown) and writes it to OUT.\n"
    "\n"
    "  -o, --output OUT   the alpha (greyscale), or with --rgba the cutout\n"
    "      --mode M       full (default: closed-form matting) or fast (guided filter)\n"
    "      --mask MASK    the starting guess for the unknown pixels (grey, the photo's size;\n"
    "                     default: the trimap itself, unknown as half transparent)\n"
    "      --rgba         write the photo with the alpha and its estimated foreground\n"
    "                     colours (no trace of the old background)\n"
    "  -t, --threads N    worker threads (default: all cores)\n"
    "  -q, --quiet        print nothing but errors\n";

int cmd_matte(int argc, char **argv) {
  const char *in = NULL, *trimap_path = NULL, *out = NULL, *mask_path = NULL;
  int quiet = 0, rgba = 0, threads = 0, positional = 0;
  ct_matting mode = CT_MATTING_FULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has_next = i + 1 < argc;
    if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
      out = argv[++i];
    } else if (!strcmp(a, "--mode") && has_next) {
      const char *v = argv[++i];
      if (!strcmp(v, "full")) mode = CT_MATTING_FULL;
      else if (!strcmp(v, "fast")) mode = CT_MATTING_FAST;
      else {
        cli_error("--mode is fast or full, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--mask") && has_next) {
      mask_path = argv[++i];
    } else if (!strcmp(a, "--rgba")) {
      rgba = 1;
    } else if ((!strcmp(a, "-t") || !strcmp(a, "--threads")) && has_next) {
      if ((threads = cli_parse_int(argv[++i])) <= 0) {
        cli_error("--threads needs a positive number, not '%s'", argv[i]);
        return 2;
      }
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("%s\n%s", matte_usage, matte_help);
      return 0;
    } else if (a[0] == '-' && a[1]) {
      cli_error("unknown or incomplete option '%s'\n%s", a, matte_usage);
      return 2;
    } else if (positional < 2) {
      *(positional++ ? &trimap_path : &in) = a;
    } else {
      cli_error("unexpected argument '%s'\n%s", a, matte_usage);
      return 2;
    }
  }
  if (!in || !trimap_path || !out) {
    cli_error("give a photo, a trimap and -o OUT\n%s", matte_usage);
    return 2;
  }
  if (cli_same_file(in, out) || cli_same_file(trimap_path, out) ||
      (mask_path && cli_same_file(mask_path, out))) {
    cli_error("the output '%s' is one of the inputs; choose another output name", out);
    return 2;
  }
  if (cli_check_output(out) != 0) return 1;
  ct_set_threads(threads);
  double t0 = cli_now();
  ct_error err = {0};
  ct_image *photo = NULL, *trimap = NULL, *mask = NULL, *alpha = NULL, *cut = NULL;
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.matting = mode;
  ct_remove_stats stats = {0};
  opts.stats = &stats;
  int rc = 1;
  if (ct_image_load(in, &photo, &err) || ct_image_load_grey(trimap_path, &trimap, &err) ||
      (mask_path && ct_image_load_grey(mask_path, &mask, &err)))
    goto done;
  if (ct_matte(photo, mask ? mask : trimap, trimap, &opts, &alpha, &err)) goto done;
  if (rgba && ct_composite(photo, alpha, &opts, &cut, &err)) goto done;
  if (ct_image_save(cut ? cut : alpha, out, &err)) goto done;
  rc = 0;
  if (!quiet)
    printf("%s -> %s (%dx%d; %ld unknown pixels, %d iterations, residual %.1e; %.2f s)\n", in,
           out, ct_image_width(alpha), ct_image_height(alpha), stats.unknown, stats.iterations,
           stats.residual, cli_now() - t0);
done:
  if (rc) cli_error("%s", err.message);
  ct_image_free(cut);
  ct_image_free(alpha);
  ct_image_free(mask);
  ct_image_free(trimap);
  ct_image_free(photo);
  return rc;
}
