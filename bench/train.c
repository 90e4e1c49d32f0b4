/* Training throughput: samples per second of a training step (forward, backward, optimizer)
 * of each architecture at a stated crop size and batch, on synthesised samples, with the
 * same model's forward pass alone measured in the same run as the reference (a step costs a
 * few forwards: the ratio shows how much the backward adds).
 *
 *   build/bench/bench_train [--crop N] [--batch N] [--base N] [--levels N] [--steps N]
 *                           [--threads N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn/nn.h"
#include "train/data.h"
#include "train/step.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int crop = 128, batch = 8, base = 16, levels = 3, steps = 10, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    int v = atoi(argv[i + 1]);
    if (!strcmp(argv[i], "--crop")) crop = v;
    else if (!strcmp(argv[i], "--batch")) batch = v;
    else if (!strcmp(argv[i], "--base")) base = v;
    else if (!strcmp(argv[i], "--levels")) levels = v;
    else if (!strcmp(argv[i], "--steps")) steps = v;
    else if (!strcmp(argv[i], "--threads")) threads = v;
    else {
      fprintf(stderr, "bench_train: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  nn_set_threads(threads);
  nn_err err;
  tr_dataset d;
  if (tr_dataset_synth(&d, batch, crop + 16, crop + 16, 7, &err)) {
    fprintf(stderr, "bench_train: %s\n", err.msg);
    return 1;
  }
  printf("training throughput: crop %dx%d, batch %d, base %d, %d levels, %d threads, %d steps "
         "after 2 warm-up steps\n", crop, crop, batch, base, levels, threads, steps);
  printf("%-9s %12s %14s %16s %10s\n", "arch", "step ms", "samples/s", "forward ms", "step/fwd");
  const char *names[3] = {"encdec", "unet", "unet-gan"};
  int *idx = malloc(sizeof(int) * (size_t)batch);
  for (int i = 0; i < batch; i++) idx[i] = i;
  for (int k = 0; k < 3; k++) {
    tr_arch arch = k == 0 ? TR_ENCDEC : TR_UNET;
    tr_arch_cfg cfg = {.arch = arch, .base = base, .levels = levels, .batch = batch,
                       .height = crop, .width = crop, .training = 1, .seed = 1};
    tr_optim_cfg oc = tr_optim_defaults(TR_ADAM);
    tr_net net;
    tr_gan gan;
    int rc = k == 2 ? tr_gan_init(&gan, &cfg, base, &oc, &oc, TR_GAN_LSGAN, &err)
                    : tr_net_init(&net, &cfg, &oc, &err);
    if (rc) {
      fprintf(stderr, "bench_train: %s\n", err.msg);
      return 1;
    }
    tr_net *g = k == 2 ? &gan.g : &net;
    int64_t dims[4] = {batch, tr_arch_inputs(arch), crop, crop};
    nn_tensor *in = nn_tensor_new(NN_F32, 4, dims, &err);
    float *target = malloc(sizeof(float) * (size_t)batch * crop * crop);
    uint64_t rng = 3;
    tr_batch_fill(&d, idx, batch, crop, arch, &rng, in->data, target, &err);
    double t0 = 0, loss, l3[3];
    for (int s = 0; s < steps + 2 && !rc; s++) {
      if (s == 2) t0 = now();
      rc = k == 2 ? tr_step_gan(&gan, in, target, l3, &err)
                  : tr_step_supervised(&net, in, target, arch == TR_UNET, &loss, &err);
    }
    double step = (now() - t0) / steps;
    for (int s = 0; s < 2 && !rc; s++) rc = tr_forward(&g->t, &in, &err);
    t0 = now();
    for (int s = 0; s < steps && !rc; s++) rc = tr_forward(&g->t, &in, &err);
    double fwd = (now() - t0) / steps;
    if (rc) fprintf(stderr, "bench_train: %s\n", err.msg);
    else
      printf("%-9s %12.1f %14.1f %16.1f %10.2f\n", names[k], step * 1e3, batch / step, fwd * 1e3,
             step / fwd);
    nn_tensor_free(in);
    free(target);
    if (k == 2) tr_gan_free(&gan);
    else tr_net_free(&net);
  }
  printf("(unet-gan's step also trains both discriminators; its forward is the generator's)\n");
  free(idx);
  tr_dataset_free(&d);
  return 0;
}
