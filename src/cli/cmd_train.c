/* cutout train: trains a mask generator or the tile refiner on a synth folder. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "nn/nn.h"
#include "train/train.h"

static const char train_usage[] =
    "usage: cutout train --arch encdec|unet|unet-gan --data DIR -o OUT_DIR [options]";

static const char train_help[] =
    "\n"
    "Trains a network on the samples of DIR (made by cutout synth: its manifest.jsonl), the\n"
    "last tenth held out for validation. OUT_DIR receives checkpoint.safetensors after each\n"
    "epoch and model.onnx (the trained network, for cutout and onnxruntime) at the end.\n"
    "\n"
    "  --arch A            encdec: the encoder-decoder mask generator (RGB in; MSE)\n"
    "                      unet: the U-Net tile refiner (RGB, coarse alpha, trimap in; L1)\n"
    "                      unet-gan: the refiner trained against a local (patch) and a global\n"
    "                      discriminator (L1 x 100 + adversarial)\n"
    "  --data DIR          the samples\n"
    "  --masks DIR         the refiner learns from a network's masks: DIR/NAME.png for each\n"
    "                      sample photo NAME (cutout batch DATA/image -o DIR --mask makes\n"
    "                      them), with their automatic trimaps, as remove gives it them\n"
    "                      (default: the true alpha at 1/8 resolution and the set's trimap)\n"
    "  -o, --out DIR       where the checkpoint and the model go (made if missing)\n"
    "  --epochs N          passes over the training samples (default 10)\n"
    "  --optimizer O       sgd (with momentum), rmsprop, adam or adadelta (default: rmsprop\n"
    "                      for encdec, adam otherwise)\n"
    "  --lr X              learning rate (default: the optimizer's usual one)\n"
    "  --weight-decay X    L2 weight decay (default 0)\n"
    "  --schedule S        constant, step (x0.1 every third of the run) or cosine\n"
    "  --batch N           samples per step (default 8)\n"
    "  --crop N            random crops of N x N pixels (default 128; a multiple of 2^levels);\n"
    "                      the refiner's are centred on an unknown pixel of the trimap three\n"
    "                      times in four\n"
    "  --base N            channels of the first level (default 16)\n"
    "  --levels N          levels down (default 3)\n"
    "  --gan G             lsgan (default) or nonsat: the adversarial loss of unet-gan\n"
    "  --export-size N     side of the exported model's input (default 1024, a tile)\n"
    "  --samples N         use the first N samples only\n"
    "  --seed S            weights, order and crops (default 1): the same seed on one thread\n"
    "                      gives the same weights\n"
    "  --resume FILE       go on from a checkpoint (same architecture and sizes)\n"
    "  -t, --threads N     worker threads (default: all cores)\n"
    "  -q, --quiet         print nothing but errors\n";

typedef struct bar {
  int tty, quiet;
} bar;

static void show(const tr_progress *p, void *user) {
  const bar *b = user;
  if (b->quiet) return;
  if (p->validated) {
    fprintf(stderr, "%sepoch %d/%d: loss %.4f, %.1f samples/s; held-out SAD %.3f, MSE %.5f\n",
            b->tty ? "\r\033[K" : "", p->epoch, p->epochs, p->loss, p->samples_per_s,
            p->val_sad, p->val_mse);
  } else if (b->tty) {
    int width = 30, done = (int)(width * p->step / p->steps_per_epoch);
    fprintf(stderr, "\repoch %d/%d [%.*s%*s] %" PRId64 "/%" PRId64 " loss %.4f %.1f samples/s",
            p->epoch, p->epochs, done, "##############################", width - done, "",
            p->step, p->steps_per_epoch, p->loss, p->samples_per_s);
  }
}

static int number(const char *opt, const char *v, int *out) {
  if ((*out = cli_parse_int(v)) <= 0) {
    cli_error("%s needs a positive number, not '%s'", opt, v);
    return -1;
  }
  return 0;
}

int cmd_train(int argc, char **argv) {
  tr_train_opts o;
  tr_train_defaults(&o);
  const char *arch = NULL, *optimizer = NULL, *schedule = "constant";
  float lr = 0, wd = 0;
  int threads = 0, quiet = 0, bad = 0;
  for (int i = 1; i < argc && !bad; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int used = 1;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("%s\n%s", train_usage, train_help);
      return 0;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1, used = 0;
    } else if (!v) {
      cli_error("unknown or incomplete option '%s'\n%s", a, train_usage);
      return 2;
    } else if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--data")) o.data_dir = v;
    else if (!strcmp(a, "--masks")) o.masks_dir = v;
    else if (!strcmp(a, "-o") || !strcmp(a, "--out")) o.out_dir = v;
    else if (!strcmp(a, "--optimizer")) optimizer = v;
    else if (!strcmp(a, "--schedule")) schedule = v;
    else if (!strcmp(a, "--resume")) o.resume = v;
    else if (!strcmp(a, "--lr")) lr = strtof(v, NULL), bad = !(lr > 0);
    else if (!strcmp(a, "--weight-decay")) wd = strtof(v, NULL), bad = !(wd >= 0);
    else if (!strcmp(a, "--epochs")) bad = number(a, v, &o.epochs);
    else if (!strcmp(a, "--batch")) bad = number(a, v, &o.batch);
    else if (!strcmp(a, "--crop")) bad = number(a, v, &o.crop);
    else if (!strcmp(a, "--base")) bad = number(a, v, &o.base);
    else if (!strcmp(a, "--levels")) bad = number(a, v, &o.levels);
    else if (!strcmp(a, "--export-size")) bad = number(a, v, &o.export_size);
    else if (!strcmp(a, "--samples")) bad = number(a, v, &o.max_samples);
    else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) bad = number(a, v, &threads);
    else if (!strcmp(a, "--seed")) o.seed = strtoull(v, NULL, 10);
    else if (!strcmp(a, "--gan")) {
      if (!strcmp(v, "lsgan")) o.gan = TR_GAN_LSGAN;
      else if (!strcmp(v, "nonsat")) o.gan = TR_GAN_NONSAT;
      else bad = 1;
    } else {
      cli_error("unknown option '%s'\n%s", a, train_usage);
      return 2;
    }
    if (bad && (!strcmp(a, "--lr") || !strcmp(a, "--weight-decay") || !strcmp(a, "--gan")))
      cli_error("bad value '%s' for %s", v, a);
    i += used;
  }
  if (bad) return 2;
  if (!arch || !o.data_dir || !o.out_dir) {
    cli_error("--arch, --data and -o are needed\n%s", train_usage);
    return 2;
  }
  if (!strcmp(arch, "encdec")) o.kind = TR_RUN_ENCDEC;
  else if (!strcmp(arch, "unet")) o.kind = TR_RUN_UNET;
  else if (!strcmp(arch, "unet-gan")) o.kind = TR_RUN_UNET_GAN;
  else {
    cli_error("--arch is encdec, unet or unet-gan, not '%s'", arch);
    return 2;
  }
  int kind = optimizer ? tr_optim_from_name(optimizer) : o.kind == TR_RUN_ENCDEC ? TR_RMSPROP
                                                                                  : TR_ADAM;
  if (kind < 0) {
    cli_error("--optimizer is sgd, rmsprop, adam or adadelta, not '%s'", optimizer);
    return 2;
  }
  o.optim = tr_optim_defaults((tr_optim_kind)kind);
  if (lr > 0) o.optim.lr = lr;
  o.optim.weight_decay = wd;
  if (!strcmp(schedule, "step")) o.optim.schedule = TR_LR_STEP;
  else if (!strcmp(schedule, "cosine")) o.optim.schedule = TR_LR_COSINE;
  else if (strcmp(schedule, "constant")) {
    cli_error("--schedule is constant, step or cosine, not '%s'", schedule);
    return 2;
  }
  if (cli_make_dir(o.out_dir)) return 1;
  if (threads) nn_set_threads(threads);
  bar b = {isatty(2), quiet};
  nn_err err = {0};
  int rc = tr_train(&o, show, &b, &err);
  if (rc) {
    if (b.tty && !quiet) fprintf(stderr, "\n");
    cli_error("%s", err.msg);
    return 1;
  }
  if (!quiet) printf("%s/model.onnx and %s/checkpoint.safetensors written\n", o.out_dir, o.out_dir);
  return 0;
}
