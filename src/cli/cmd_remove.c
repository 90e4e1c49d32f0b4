/* cutout remove IN [-o OUT] [--tiles ...]  /  cutout i IN OUT */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/remove_opts.h"

static void default_output(const char *in, char *buf, size_t len) {
  const char *slash = strrchr(in, '/');
  const char *dot = strrchr(in, '.');
  size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - in) : strlen(in);
  snprintf(buf, len, "%.*s.cutout.png", (int)stem, in);
}

typedef struct model_load {
  const char *path;
  pthread_t thread;
  ct_model *model;
  ct_status st;
  ct_error err;
  double seconds;
} model_load;

static void *load_model(void *arg) {
  model_load *ml = arg;
  double t = cli_now();
  ml->st = ct_model_load(ml->path, &ml->model, &ml->err);
  ml->seconds = cli_now() - t;
  return NULL;
}

/* What each stage of the cutout did (stats), on one line. */
static void print_stages(const ct_remove_options *opts, const ct_remove_stats *stats) {
  if (opts->subject) {
    printf("subject %s: %d found, %d kept (detector %.2f s, masks %.2f s)", opts->subject,
           stats->instances_found, stats->instances_kept, stats->detect_s, stats->instances_s);
    return;
  }
  printf("global pass %.2f s", stats->global_s);
  if (stats->unsure_stretched >= 0 && stats->unsure_fitted >= 0)
    printf(" (%s: %.1f%% of the stretched mask unsure, %.1f%% of the letterboxed)",
           stats->framing == CT_FRAMING_FIT ? "letterboxed" : "stretched",
           100 * stats->unsure_stretched, 100 * stats->unsure_fitted);
  else if (stats->framing == CT_FRAMING_FIT)
    printf(" (letterboxed)");
  if (stats->tiles_total)
    printf("; tiles: %d run, %d skipped of %d (%.2f s)", stats->tiles_run,
           stats->tiles_total - stats->tiles_run, stats->tiles_total, stats->tiles_s);
  if (opts->matting)
    printf("; matting %.2f s (%ld unknown pixels, %d iterations, residual %.1e)",
           stats->matting_s, stats->unknown, stats->iterations, stats->residual);
}

int cmd_remove(int argc, char **argv) {
  const char *in = NULL, *out = NULL, *model_path = NULL, *debug_dir = NULL;
  int quiet = 0, positional = 0, taken;
  remove_args margs;
  remove_args_init(&margs);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has_next = i + 1 < argc;
    if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
      out = argv[++i];
    } else if (!strcmp(a, "--debug-dir") && has_next) {
      debug_dir = argv[++i];
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if ((taken = remove_args_parse(argc, argv, &i, &margs)) != 0) {
      if (taken < 0) return 2;
    } else if (a[0] == '-' && a[1]) {
      cli_error("unknown or incomplete option '%s' (try 'cutout help')", a);
      return 2;
    } else if (positional == 0) {
      in = a;
      positional++;
    } else if (positional == 1 && !out) {
      out = a;
      positional++;
    } else {
      cli_error("unexpected argument '%s'", a);
      return 2;
    }
  }
  if (!in) {
    cli_error("no input photo given (usage: cutout remove IN [-o OUT])");
    return 2;
  }
  char out_buf[4096], model_buf[4096];
  if (!out) {
    default_output(in, out_buf, sizeof out_buf);
    out = out_buf;
  }
  if (!strcmp(in, out) || cli_same_file(in, out)) {
    cli_error("the output '%s' is the input photo; choose another output name", out);
    return 2;
  }
  if (cli_check_output(out) != 0) return 1;
  if (remove_args_check(&margs, out) != 0) return 2;
  if (debug_dir && cli_make_dir(debug_dir) != 0) return 1;
  if (remove_args_model(&margs, model_buf, sizeof model_buf, &model_path) != 0) return 1;
  ct_set_threads(margs.threads);
  ct_error err = {0};
  double t0 = cli_now();
  ct_image *photo = NULL, *result = NULL;
  remove_inputs inputs = {0};
  ct_model *model = NULL;
  int rc = 1;
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  ct_remove_stats stats;
  if (remove_args_apply(&margs, &opts, &inputs, &err)) goto done;
  /* One photo without tiles runs the network once or twice (framing): the kernels that are
   * fastest in a fresh process, not per run (tiles come from CT_TILES_AUTO_MIN inputs of
   * the default network's 1024 pixels). Where that needs the photo's size, a photo that
   * cannot be read (or is over the size limits) is refused from its header before the model
   * takes its memory; where it does not (--fast, --no-tiles, --tiles, --subject), the model
   * starts loading at once, beside libvips' opening (img_preload) and the header's reading.
   * Then the photo decodes while the model loads on its own thread. */
  int sized = !opts.subject && opts.tiles == CT_TILES_AUTO;
  int width = 0, height = 0;
  if (sized && ct_image_probe(in, &width, &height, &err)) goto done;
  int long_side = width > height ? width : height;
  ct_set_one_shot(!opts.subject &&
                  (opts.tiles == 0 || (sized && long_side < CT_TILES_AUTO_MIN * 1024)));
  model_load ml = {.path = model_path, .err = {0}};
  int threaded = pthread_create(&ml.thread, NULL, load_model, &ml) == 0;
  if (!threaded) load_model(&ml);
  if (!sized && ct_image_probe(in, &width, &height, &err)) {
    if (threaded) pthread_join(ml.thread, NULL);
    model = ml.model;
    goto done;
  }
  double t_photo = -cli_now();
  ct_status photo_st = ct_image_load(in, &photo, &err);
  t_photo += cli_now();
  if (threaded) pthread_join(ml.thread, NULL);
  model = ml.model;
  if (photo_st) goto done;
  if (ml.st) {
    err = ml.err;
    goto done;
  }
  opts.debug_dir = debug_dir;
  opts.stats = &stats;
  if (ct_remove(model, photo, &opts, &result, &err)) goto done;
  if (ct_image_save(result, out, &err)) goto done;
  rc = 0;
  if (opts.subject && !stats.instances_found && !quiet)
    fprintf(stderr, "cutout: %s: %s\n", in,
            ct_class_id(opts.subject) >= 0
                ? "the detector found no instance of the subject: the cutout is empty"
                : "the detector found nothing: the ordinary cutout");
  if (!quiet) {
    printf("photo %.2f s, model %.2f s (%s), ", t_photo, ml.seconds,
           ct_model_cache_note(model));
    print_stages(&opts, &stats);
    printf("\n%s -> %s (%dx%d, %.2f s)\n", in, out, ct_image_width(result),
           ct_image_height(result), cli_now() - t0);
  }
done:
  if (rc) cli_error("%s", err.message);
  ct_image_free(result);
  ct_image_free(photo);
  remove_inputs_free(&inputs);
  ct_model_free(model);
  return rc;
}
