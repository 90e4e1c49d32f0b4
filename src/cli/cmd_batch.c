/* cutout batch IN_DIR -o OUT_DIR  /  cutout batch --list FILE -o OUT_DIR  /  cutout p IN OUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/batch.h"
#include "cli/cli.h"
#include "cli/remove_opts.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: cutout batch IN_DIR -o OUT_DIR [options]\n"
          "       cutout batch [IN_DIR] --list FILE -o OUT_DIR [options]\n"
          "       cutout p IN_DIR OUT_DIR [options]   (rembg-style short form)\n"
          "\n"
          "Cuts out every photo under IN_DIR and its subfolders (.jpg .jpeg .png .webp .tif\n"
          ".tiff, and .heic .heif where libvips reads HEIF; any case; names starting with '.'\n"
          "are passed over) into OUT_DIR, keeping their relative paths: IN_DIR/a/b.jpg ->\n"
          "OUT_DIR/a/b.png. The model is loaded once.\n"
          "Every output is written under a temporary name and renamed when whole; outputs that\n"
          "are already complete are skipped, so the same command run again after a crash or\n"
          "Ctrl-C finishes the work. Inputs are never written; nothing is written outside OUT_DIR.\n"
          "\n"
          "  -o, --output DIR   the output folder (made when missing)\n"
          "      --list FILE    the photos to do, one path per line ('-': standard input), each\n"
          "                     relative to FILE's folder (to IN_DIR when given) or absolute\n"
          "                     inside it; '#' starts a comment line\n"
          "      --format F     png (default), webp, tif, or jpg (with --mask or an opaque\n"
          "                     --bg-color/--bg-image)\n"
          "      --keep-ext     name outputs after the whole input name (a.jpg -> a.jpg.png);\n"
          "                     without it, photos whose outputs would share a name (a.jpg and\n"
          "                     a.png in one folder) are refused and reported as failed\n"
          "      --overwrite    redo outputs that are already complete\n"
          "  -j, --jobs N       photos in progress at once (default 2): the network runs one\n"
          "                     at a time, decoding, colours and writing overlap it\n"
          "      --shard K/N    do the K-th of N shares only (K counts from 1), split by a hash\n"
          "                     of each photo's relative path: N machines, no coordinator\n"
          "      --shards N     the number of shares when the share comes from the environment:\n"
          "                     JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs, from 0; N also\n"
          "                     from CUTOUT_SHARDS) or SLURM_ARRAY_TASK_ID (Slurm job arrays;\n"
          "                     N defaults to SLURM_ARRAY_TASK_COUNT); --shard overrides both\n"
          "      --progress P   bar (the default on a terminal) or lines (one per photo)\n"
          "  -q, --quiet        print failures only\n"
          "%s"
          "\n"
          "Exit status: 0 every photo done or already complete, 1 some failed (each listed with\n"
          "its reason), 2 bad usage, 130 stopped by Ctrl-C or SIGTERM (run it again to finish).\n",
          remove_args_help);
}

int cmd_batch(int argc, char **argv) {
  bt_config cfg;
  bt_config_init(&cfg);
  remove_args margs;
  remove_args_init(&margs);
  bt_shard shard;
  const char *positional[2] = {NULL, NULL};
  int npos = 0, taken;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && v) {
      cfg.out_dir = argv[++i];
    } else if (!strcmp(a, "--list") && v) {
      cfg.list = argv[++i];
    } else if (!strcmp(a, "--format") && v) {
      cfg.format = argv[++i];
      if (*cfg.format == '.') cfg.format++;
    } else if (!strcmp(a, "--keep-ext")) {
      cfg.keep_ext = 1;
    } else if (!strcmp(a, "--overwrite")) {
      cfg.overwrite = 1;
    } else if (((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && v) ||
               (!strncmp(a, "-j", 2) && a[2])) {
      const char *n = a[2] && a[1] == 'j' ? a + 2 : argv[++i]; /* -j N, --jobs N or -jN */
      if ((cfg.jobs = cli_parse_int(n)) < 0) {
        cli_error("--jobs needs a positive number, not '%s'", n);
        return 2;
      }
    } else if (!strcmp(a, "--shard") && v) {
      char err[200];
      if (bt_shard_parse(argv[++i], &shard, err, sizeof err)) {
        cli_error("%s", err);
        return 2;
      }
      cfg.shard = &shard;
    } else if (!strcmp(a, "--shards") && v) {
      if ((cfg.shards = cli_parse_int(argv[++i])) < 0) {
        cli_error("--shards needs a positive number, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--progress") && v) {
      i++;
      if (!strcmp(v, "bar")) cfg.show = BT_SHOW_BAR;
      else if (!strcmp(v, "lines")) cfg.show = BT_SHOW_LINES;
      else {
        cli_error("--progress is bar or lines, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      cfg.show = BT_SHOW_QUIET;
    } else if ((taken = remove_args_parse(argc, argv, &i, &margs)) != 0) {
      if (taken < 0) return 2;
    } else if (a[0] == '-' && a[1]) {
      cli_error("unknown or incomplete option '%s' (try 'cutout batch --help')", a);
      return 2;
    } else if (npos < 2) {
      positional[npos++] = a;
    } else {
      cli_error("unexpected argument '%s'", a);
      return 2;
    }
  }
  cfg.in_dir = positional[0];
  if (positional[1]) {
    if (cfg.out_dir) {
      cli_error("two output folders given: '%s' and '%s'", positional[1], cfg.out_dir);
      return 2;
    }
    cfg.out_dir = positional[1];
  }
  if (!cfg.in_dir && !cfg.list) {
    cli_error("no input folder given (usage: cutout batch IN_DIR -o OUT_DIR)");
    return 2;
  }
  if (!cfg.out_dir) {
    cli_error("no output folder given (usage: cutout batch IN_DIR -o OUT_DIR)");
    return 2;
  }
  char sample[32];
  snprintf(sample, sizeof sample, "output.%.20s", cfg.format);
  if (remove_args_check(&margs, sample) != 0) return 2;
  char model_buf[4096];
  const char *model_path;
  if (remove_args_model(&margs, model_buf, sizeof model_buf, &model_path) != 0) return 1;
  if (access(model_path, R_OK) != 0) {
    cli_error("cannot read the model '%s'", model_path);
    return 1;
  }
  if (margs.trimap) {
    cli_error("--trimap belongs to one photo: batch makes a trimap for each");
    return 2;
  }
  remove_inputs inputs;
  ct_error err = {0};
  if (remove_args_apply(&margs, &cfg.opts, &inputs, &err)) {
    cli_error("%s", err.message);
    return 1;
  }
  ct_set_threads(margs.threads);
  bt_net *net = bt_net_new(model_path);
  if (!net) {
    cli_error("cannot start the network's thread");
    remove_inputs_free(&inputs);
    return 1;
  }
  cfg.engine = bt_net_engine(net);
  int rc = bt_run(&cfg);
  bt_net_free(net);
  remove_inputs_free(&inputs);
  return rc;
}
