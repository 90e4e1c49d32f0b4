/* The training run: data, networks, epochs, validation, checkpoints, export. */
#define _POSIX_C_SOURCE 200809L
#include "train/train.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "eval/metrics.h"
#include "nn/nn.h"
#include "train/checkpoint.h"
#include "train/data.h"
#include "train/export.h"
#include "train/loader.h"
#include "train/step.h"

void tr_train_defaults(tr_train_opts *o) {
  memset(o, 0, sizeof *o);
  o->kind = TR_RUN_UNET;
  o->epochs = 10;
  o->batch = 8;
  o->crop = 128;
  o->base = 16;
  o->levels = 3;
  o->export_size = 1024;
  o->seed = 1;
  o->optim = tr_optim_defaults(TR_ADAM);
  o->gan = TR_GAN_LSGAN;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct run {
  const tr_train_opts *o;
  tr_arch arch;
  tr_net net; /* encoder-decoder or U-Net alone */
  tr_gan gan;
  tr_net *nets[3];
  const char *prefixes[3];
  int n_nets;
  tr_net *gen; /* the network exported */
} run;

static int build(run *r, nn_err *err) {
  const tr_train_opts *o = r->o;
  r->arch = o->kind == TR_RUN_ENCDEC ? TR_ENCDEC : TR_UNET;
  tr_arch_cfg cfg = {.arch = r->arch, .base = o->base, .levels = o->levels, .batch = o->batch,
                     .height = o->crop, .width = o->crop, .training = 1, .seed = o->seed};
  if (o->kind == TR_RUN_UNET_GAN) {
    tr_optim_cfg d = o->optim;
    int rc = tr_gan_init(&r->gan, &cfg, o->base, &o->optim, &d, o->gan, err);
    if (rc) return rc;
    r->nets[0] = &r->gan.g, r->nets[1] = &r->gan.dl, r->nets[2] = &r->gan.dg;
    r->prefixes[0] = "", r->prefixes[1] = "dlocal/", r->prefixes[2] = "dglobal/";
    r->n_nets = 3;
    r->gen = &r->gan.g;
    return NN_OK;
  }
  int rc = tr_net_init(&r->net, &cfg, &o->optim, err);
  r->nets[0] = &r->net, r->prefixes[0] = "", r->n_nets = 1, r->gen = &r->net;
  return rc;
}

static void unbuild(run *r) {
  if (r->o->kind == TR_RUN_UNET_GAN) tr_gan_free(&r->gan);
  else tr_net_free(&r->net);
}

/* held-out samples: the generator rebuilt for inference at the crop size, on each one's
 * crop drawn from a generator seeded by its index */
static int validate(run *r, const tr_dataset *d, int from, double *sad, double *mse, nn_err *err) {
  const tr_train_opts *o = r->o;
  tr_arch_cfg cfg = {.arch = r->arch, .base = o->base, .levels = o->levels, .batch = 1,
                     .height = o->crop, .width = o->crop, .training = 0, .seed = o->seed};
  tr_model m;
  int rc = tr_model_build(&cfg, &m, err);
  if (rc) return rc;
  rc = tr_model_copy_weights(r->gen->m.g, m.g, err);
  int ch = tr_arch_inputs(r->arch);
  int64_t dims[4] = {1, ch, o->crop, o->crop};
  nn_tensor *in = rc ? NULL : nn_tensor_new(NN_F32, 4, dims, err);
  size_t plane = (size_t)o->crop * o->crop;
  float *target = malloc(sizeof(float) * plane);
  double *pd = malloc(sizeof(double) * plane), *gd = malloc(sizeof(double) * plane);
  if (!rc && (!in || !target || !pd || !gd)) rc = nn_fail(err, NN_ENOMEM, "out of memory");
  *sad = *mse = 0;
  int n = 0;
  for (int i = from; !rc && i < d->n; i++, n++) {
    uint64_t rng = (uint64_t)i * 7919 + 17;
    nn_tensor *y = NULL;
    rc = tr_batch_fill(d, &i, 1, o->crop, r->arch, &rng, in->data, target, err);
    if (!rc) rc = nn_run(m.g, &in, 1, &y, 1, err);
    if (rc) break;
    const float *p = y->data;
    for (size_t k = 0; k < plane; k++) pd[k] = p[k], gd[k] = target[k];
    *sad += eval_sad(pd, gd, NULL, plane); /* the eval module's definitions (SAD / 1000) */
    *mse += eval_mse(pd, gd, NULL, plane);
    nn_tensor_free(y);
  }
  if (n) *sad /= n, *mse /= n;
  nn_tensor_free(in);
  free(target);
  free(pd);
  free(gd);
  tr_model_free(&m);
  return rc;
}

static int save(run *r, const char *path, int epoch, nn_err *err) {
  const tr_train_opts *o = r->o;
  char v[9][32];
  snprintf(v[0], sizeof v[0], "%d", epoch);
  snprintf(v[1], sizeof v[1], "%s", o->kind == TR_RUN_ENCDEC ? "encdec" :
                                    o->kind == TR_RUN_UNET ? "unet" : "unet-gan");
  snprintf(v[2], sizeof v[2], "%d", o->base);
  snprintf(v[3], sizeof v[3], "%d", o->levels);
  snprintf(v[4], sizeof v[4], "%d", o->crop);
  snprintf(v[5], sizeof v[5], "%d", o->batch);
  snprintf(v[6], sizeof v[6], "%" PRIu64, o->seed);
  snprintf(v[7], sizeof v[7], "%s", tr_optim_name(o->optim.kind));
  snprintf(v[8], sizeof v[8], "%" PRId64, r->gen->o.step);
  st_meta meta[9] = {{"epoch", v[0]}, {"arch", v[1]},  {"base", v[2]},
                     {"levels", v[3]}, {"crop", v[4]}, {"batch", v[5]},
                     {"seed", v[6]},  {"optimizer", v[7]}, {"optim_step", v[8]}};
  return tr_checkpoint_save(path, r->nets, r->prefixes, r->n_nets, meta, 9, err);
}

static int resume(run *r, int *epoch, nn_err *err) {
  st_file f;
  int rc = tr_checkpoint_load(r->o->resume, r->nets, r->prefixes, r->n_nets, &f, err);
  if (rc) return rc;
  const char *e = tr_checkpoint_meta(&f, "epoch"), *s = tr_checkpoint_meta(&f, "optim_step");
  *epoch = e ? atoi(e) : 0;
  for (int i = 0; i < r->n_nets; i++) r->nets[i]->o.step = s ? atoll(s) : 0;
  st_free(&f);
  return NN_OK;
}

int tr_train(const tr_train_opts *o, void (*progress)(const tr_progress *p, void *user),
             void *user, nn_err *err) {
  tr_dataset d;
  if (o->masks_dir && o->kind == TR_RUN_ENCDEC)
    return nn_fail(err, NN_EINVAL, "masks are an input of the refiner (unet, unet-gan) only");
  int rc = tr_dataset_open(&d, o->data_dir, err);
  if (!rc && o->masks_dir) rc = tr_dataset_masks(&d, o->masks_dir, err);
  if (rc) {
    tr_dataset_free(&d); /* nothing left after a failed open */
    return rc;
  }
  if (o->max_samples > 0 && d.n > o->max_samples) d.n = o->max_samples; /* the rest unused */
  int n_val = d.n >= 10 ? d.n / 10 : d.n > 1 ? 1 : 0, n_train = d.n - n_val;
  int steps = n_train / o->batch;
  if (steps < 1) {
    tr_dataset_free(&d);
    return nn_fail(err, NN_EINVAL, "%d training samples are fewer than a batch of %d", n_train,
                   o->batch);
  }
  tr_train_opts oc = *o; /* the schedules span the whole run */
  if (!oc.optim.total_steps) oc.optim.total_steps = (int64_t)o->epochs * steps;
  if (oc.optim.schedule == TR_LR_STEP && !oc.optim.step_size)
    oc.optim.step_size = oc.optim.total_steps / 3 > 0 ? oc.optim.total_steps / 3 : 1;
  o = &oc;
  run r = {.o = o};
  rc = build(&r, err);
  int epoch = 0;
  if (!rc && o->resume) rc = resume(&r, &epoch, err);
  char path[4096];
  int *order = malloc(sizeof(int) * (size_t)(n_train + 1));
  int ch = tr_arch_inputs(r.arch);
  int64_t dims[4] = {o->batch, ch, o->crop, o->crop};
  nn_tensor *in = rc ? NULL : nn_tensor_new(NN_F32, 4, dims, err);
  float *target = malloc(sizeof(float) * (size_t)o->batch * o->crop * o->crop);
  if (!rc && (!order || !in || !target)) rc = nn_fail(err, NN_ENOMEM, "out of memory");
  for (; !rc && epoch < o->epochs; epoch++) {
    uint64_t rng = o->seed * 1000003u + (uint64_t)epoch;
    tr_shuffle(order, n_train, &rng);
    tr_loader l;
    rc = tr_loader_start(&l, &d, order, steps, o->batch, o->crop, r.arch, rng, err);
    double t0 = now(), sum = 0;
    for (int s = 0; !rc && s < steps; s++) {
      double loss, l3[3];
      rc = tr_loader_next(&l, s, in->data, target, err);
      if (!rc && o->kind == TR_RUN_UNET_GAN)
        rc = tr_step_gan(&r.gan, in, target, l3, err), loss = l3[0];
      else if (!rc)
        rc = tr_step_supervised(&r.net, in, target, o->kind == TR_RUN_UNET, &loss, err);
      if (rc) break;
      sum += loss;
      tr_progress p = {.epoch = epoch + 1, .epochs = o->epochs, .step = s + 1,
                       .steps_per_epoch = steps, .loss = sum / (s + 1),
                       .samples_per_s = (s + 1) * o->batch / (now() - t0)};
      if (progress) progress(&p, user);
    }
    tr_loader_stop(&l);
    tr_progress p = {.epoch = epoch + 1, .epochs = o->epochs, .step = steps,
                     .steps_per_epoch = steps, .loss = sum / steps,
                     .samples_per_s = steps * o->batch / (now() - t0), .validated = 1};
    if (!rc && n_val) rc = validate(&r, &d, n_train, &p.val_sad, &p.val_mse, err);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", o->out_dir);
    if (!rc) rc = save(&r, path, epoch + 1, err);
    if (!rc && progress) progress(&p, user);
  }
  if (!rc) { /* the generator for inference at the export size */
    tr_arch_cfg cfg = {.arch = r.arch, .base = o->base, .levels = o->levels, .batch = 1,
                       .height = o->export_size, .width = o->export_size, .training = 0,
                       .seed = o->seed};
    tr_model m;
    rc = tr_model_build(&cfg, &m, err);
    if (!rc) rc = tr_model_copy_weights(r.gen->m.g, m.g, err);
    snprintf(path, sizeof path, "%s/model.onnx", o->out_dir);
    if (!rc) rc = tr_export_onnx(m.g, path, err);
    tr_model_free(&m);
  }
  nn_tensor_free(in);
  free(target);
  free(order);
  unbuild(&r);
  tr_dataset_free(&d);
  return rc;
}
