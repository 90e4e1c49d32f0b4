/* Training on a tiny synthesised set (16 samples of 48x48, crops of 32): for each
 * architecture the loss of the last 10 steps is well below that of the first 2, and two runs
 * with the same seed on one thread end with bitwise the same weights. */
#include <string.h>

#include "check.h"
#include "nn/nn.h"
#include "train/data.h"
#include "train/step.h"

enum { SAMPLES = 16, SIZE = 48, CROP = 32, BATCH = 4, STEPS = 120, AVG = 10 };

typedef struct run {
  double first, last;
  float *weights; /* every parameter, concatenated */
  size_t n;
} run;

static void keep_weights(const tr_model *m, run *r) {
  r->n = 0;
  for (int i = 0; i < m->n_params; i++) r->n += (size_t)nn_numel(&m->g->values[m->params[i]].t);
  r->weights = malloc(sizeof(float) * r->n);
  size_t at = 0;
  for (int i = 0; i < m->n_params; i++) {
    const nn_tensor *t = &m->g->values[m->params[i]].t;
    memcpy(r->weights + at, t->data, nn_nbytes(t));
    at += (size_t)nn_numel(t);
  }
}

/* arch TR_ENCDEC or TR_UNET; gan: the U-Net with its discriminators */
static run train(const tr_dataset *d, tr_arch arch, int gan, tr_optim_kind opt, float lr) {
  run r = {0};
  tr_arch_cfg cfg = {.arch = arch, .base = 8, .levels = 3, .batch = BATCH, .height = CROP,
                     .width = CROP, .training = 1, .seed = 11};
  tr_optim_cfg oc = tr_optim_defaults(opt);
  oc.lr = lr;
  nn_err err;
  tr_net net;
  tr_gan g;
  int rc = gan ? tr_gan_init(&g, &cfg, 8, &oc, &oc, TR_GAN_LSGAN, &err)
               : tr_net_init(&net, &cfg, &oc, &err);
  if (rc) {
    fprintf(stderr, "init: %s\n", err.msg);
    check_failures++;
    return r;
  }
  int ch = tr_arch_inputs(arch);
  int64_t dims[4] = {BATCH, ch, CROP, CROP};
  nn_tensor *in = nn_tensor_new(NN_F32, 4, dims, &err);
  float *target = malloc(sizeof(float) * BATCH * CROP * CROP);
  int order[SAMPLES];
  uint64_t rng = 99;
  for (int s = 0; s < STEPS && !rc; s++) {
    if (s % (SAMPLES / BATCH) == 0) tr_shuffle(order, SAMPLES, &rng);
    rc = tr_batch_fill(d, order + (s % (SAMPLES / BATCH)) * BATCH, BATCH, CROP, arch, &rng,
                       in->data, target, &err);
    double loss = 0, l3[3];
    if (!rc && gan) rc = tr_step_gan(&g, in, target, l3, &err), loss = l3[0];
    else if (!rc) rc = tr_step_supervised(&net, in, target, arch == TR_UNET, &loss, &err);
    if (s < 2) r.first += loss / 2;
    if (s >= STEPS - AVG) r.last += loss / AVG;
  }
  if (rc) {
    fprintf(stderr, "step: %s\n", err.msg);
    check_failures++;
  }
  keep_weights(gan ? &g.g.m : &net.m, &r);
  if (gan) tr_gan_free(&g);
  else tr_net_free(&net);
  nn_tensor_free(in);
  free(target);
  return r;
}

static void check_arch(const tr_dataset *d, const char *name, tr_arch arch, int gan,
                       tr_optim_kind opt, float lr, double below) {
  run a = train(d, arch, gan, opt, lr), b = train(d, arch, gan, opt, lr);
  printf("%-8s (%s) loss: first 2 steps %.4f, last %d steps %.4f (x%.2f)\n", name,
         tr_optim_name(opt), a.first, AVG, a.last, a.last / a.first);
  CHECK(a.last < below * a.first);
  CHECK(a.n == b.n && a.n > 0 && !memcmp(a.weights, b.weights, sizeof(float) * a.n));
  free(a.weights);
  free(b.weights);
}

int main(void) {
  nn_set_threads(1);
  tr_dataset d;
  nn_err err;
  CHECK(tr_dataset_synth(&d, SAMPLES, SIZE, SIZE, 5, &err) == NN_OK);
  check_arch(&d, "encdec", TR_ENCDEC, 0, TR_RMSPROP, 3e-3f, 0.5);
  check_arch(&d, "unet", TR_UNET, 0, TR_ADAM, 2e-3f, 0.3);
  check_arch(&d, "unet-gan", TR_UNET, 1, TR_ADAM, 2e-4f, 0.6);
  tr_dataset_free(&d);
  return CHECK_DONE();
}
