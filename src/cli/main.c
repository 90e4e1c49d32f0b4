/* cutout: remove the background from photos. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/remove_opts.h"
#include "image/image.h"

static void usage(FILE *f) {
  fprintf(f,
          "cutout %s - remove the background from photos of any size\n"
          "\n"
          "usage:\n"
          "  cutout remove IN [-o OUT] [options]   cut out the subject of photo IN\n"
          "  cutout i IN OUT [options]             the same (rembg-style short form)\n"
          "  cutout batch IN_DIR -o OUT_DIR ...    cut out a folder of photos (cutout batch --help)\n"
          "  cutout p IN_DIR OUT_DIR [options]     the same (rembg-style short form)\n"
          "  cutout instances IN -o DIR            one cutout per person or object (cutout instances --help)\n"
          "  cutout trimap IN -o OUT               the automatic trimap (cutout trimap --help)\n"
          "  cutout matte IN TRIMAP -o OUT         alpha matting over a trimap (cutout matte --help)\n"
          "  cutout synth ... -n N -o OUT          synthesise a set (cutout synth --help)\n"
          "  cutout eval ...                       score mattes or the pipeline (cutout eval --help)\n"
          "  cutout train --arch A --data DIR -o D train a mask generator or refiner (cutout train --help)\n"
          "  cutout serve [--port P] ...           HTTP API and web page (cutout serve --help)\n"
          "  cutout version                        print the version\n"
          "  cutout help                           this text\n"
          "\n"
          "remove options:\n"
          "  -o, --output OUT   output file (.png, .webp, .tif; default IN's name + .cutout.png)\n"
          "%s"
          "      --debug-dir D  write the intermediate masks into folder D (global.png,\n"
          "                     tiles.png, tiles-chosen.png, fused.png, trimap.png, matte.png)\n"
          "  -q, --quiet        print nothing but errors\n"
          "\n"
          "models: without --model, $CUTOUT_MODEL, else isnet-fp16.onnx from the first of\n"
          "  $XDG_DATA_HOME/cutout/models (default ~/.local/share/cutout/models)\n"
          "  %s/cutout/models (the install prefix's)\n"
          "  PREFIX/share/cutout/models, when the program runs from PREFIX/bin\n"
          "  ./models, then models/ beside the program's folder\n"
          "scripts/fetch-models.sh --to DIR (installed: PREFIX/share/cutout/fetch-models.sh)\n"
          "puts the models in DIR.\n",
          ct_version(), remove_args_help, cli_data_dir());
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    cli_error("no command given");
    return 2;
  }
  /* Past a file-size limit, writes fail (EFBIG) and are reported like a full disk, with the
   * temporary file removed, instead of the signal ending the program mid-write. */
  signal(SIGXFSZ, SIG_IGN);
  const char *cmd = argv[1];
  /* libvips' shared libraries load on a thread of their own while the command starts */
  if (strcmp(cmd, "help") && strcmp(cmd, "--help") && strcmp(cmd, "-h")) img_preload();
  if (!strcmp(cmd, "remove") || !strcmp(cmd, "i")) return cmd_remove(argc - 1, argv + 1);
  if (!strcmp(cmd, "synth")) return cmd_synth(argc - 1, argv + 1);
  if (!strcmp(cmd, "eval")) return cmd_eval(argc - 1, argv + 1);
  if (!strcmp(cmd, "serve") || !strcmp(cmd, "s")) return cmd_serve(argc - 1, argv + 1);
  if (!strcmp(cmd, "batch") || !strcmp(cmd, "p")) return cmd_batch(argc - 1, argv + 1);
  if (!strcmp(cmd, "matte")) return cmd_matte(argc - 1, argv + 1);
  if (!strcmp(cmd, "trimap")) return cmd_trimap(argc - 1, argv + 1);
  if (!strcmp(cmd, "train")) return cmd_train(argc - 1, argv + 1);
  if (!strcmp(cmd, "instances")) return cmd_instances(argc - 1, argv + 1);
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    char info[256];
    ct_runtime_info(info, sizeof info);
    printf("cutout %s (%s)\n", ct_version(), info);
    return 0;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    usage(stdout);
    return 0;
  }
  cli_error("unknown command '%s' (try 'cutout help')", cmd);
  return 2;
}
