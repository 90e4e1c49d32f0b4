/* ONNX export: a U-Net trained for a few steps, rebuilt for inference (batch 1, 64x64) with
 * the trained weights, exported; cutout's importer (optimised, float32) and onnxruntime
 * (tests/tools/ort_run.js) give the same output as the graph before export, within 1e-5. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nn/nn.h"
#include "nn/precision.h"
#include "train/data.h"
#include "train/export.h"
#include "train/step.h"

static double max_diff(const float *a, const float *b, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - b[i]));
  return m;
}

/* arch rebuilt for inference at 64x64 (weights from trained when given), exported and run
 * three ways */
static void check_export(tr_arch arch, const nn_graph *trained, const char *dir) {
  nn_err err;
  tr_arch_cfg icfg = {.arch = arch, .base = 8, .levels = 3, .batch = 1, .height = 64,
                      .width = 64, .training = 0, .seed = 9};
  tr_model inf;
  CHECK(tr_model_build(&icfg, &inf, &err) == NN_OK);
  if (trained) CHECK(tr_model_copy_weights(trained, inf.g, &err) == NN_OK);
  int ch = tr_arch_inputs(arch);
  int64_t xd[4] = {1, ch, 64, 64};
  nn_tensor *x = nn_tensor_new(NN_F32, 4, xd, &err);
  float *xv = x->data;
  for (int i = 0; i < ch * 64 * 64; i++) xv[i] = (float)((i * 7919) % 1000) / 1000.0f;
  nn_tensor *ref = NULL;
  CHECK(nn_run(inf.g, &x, 1, &ref, 1, &err) == NN_OK);
  char path[128], xin[128], xout[128], cmd[1024];
  snprintf(path, sizeof path, "%s/model.onnx", dir);
  CHECK(tr_export_onnx(inf.g, path, &err) == NN_OK);
  /* back through cutout's importer, optimised as remove runs models */
  nn_graph *back = NULL;
  nn_tensor *got = NULL;
  CHECK(nn_load(path, &back, &err) == NN_OK);
  if (back) CHECK(nn_run(back, &x, 1, &got, 1, &err) == NN_OK);
  double d1 = -1, d2 = -1;
  if (ref && got) d1 = max_diff(ref->data, got->data, nn_numel(ref));
  /* and through onnxruntime */
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  snprintf(xin, sizeof xin, "%s/x.f32", dir);
  snprintf(xout, sizeof xout, "%s/y.f32", dir);
  FILE *f = fopen(xin, "wb");
  fwrite(x->data, sizeof(float), (size_t)nn_numel(x), f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "node '%s/tests/tools/ort_run.js' '%s' '%s' '%s' >/dev/null",
           src ? src : ".", path, xin, xout);
  int rc = system(cmd);
  if (rc == 0 && ref) {
    float *ort = malloc(nn_nbytes(ref));
    f = fopen(xout, "rb");
    size_t n = f ? fread(ort, sizeof(float), (size_t)nn_numel(ref), f) : 0;
    if (f) fclose(f);
    if (n == (size_t)nn_numel(ref)) d2 = max_diff(ref->data, ort, nn_numel(ref));
    free(ort);
  }
  printf("%-8s exported: max |diff| to the graph before export: cutout %.2e, onnxruntime %.2e\n",
         arch == TR_ENCDEC ? "encdec" : arch == TR_UNET ? "unet" : arch == TR_DLOCAL ? "dlocal"
                                                                               : "dglobal",
         d1, d2);
  CHECK(d1 >= 0 && d1 <= 1e-5);
  CHECK(d2 >= 0 && d2 <= 1e-5);
  unlink(xin), unlink(xout), unlink(path);
  nn_tensor_free(ref);
  nn_tensor_free(got);
  nn_tensor_free(x);
  nn_graph_free(back);
  tr_model_free(&inf);
}

int main(void) {
  nn_set_threads(1);
  nn_set_precision(NN_PREC_F32);
  nn_err err;
  /* a few training steps, so that batch norm's running statistics are not the initial ones */
  tr_dataset d;
  CHECK(tr_dataset_synth(&d, 4, 40, 40, 3, &err) == NN_OK);
  tr_arch_cfg cfg = {.arch = TR_UNET, .base = 8, .levels = 3, .batch = 2, .height = 32,
                     .width = 32, .training = 1, .seed = 4};
  tr_optim_cfg oc = tr_optim_defaults(TR_ADAM);
  tr_net net;
  CHECK(tr_net_init(&net, &cfg, &oc, &err) == NN_OK);
  int64_t dims[4] = {2, 5, 32, 32};
  nn_tensor *in = nn_tensor_new(NN_F32, 4, dims, &err);
  float target[2 * 32 * 32];
  uint64_t rng = 1;
  for (int s = 0; s < 3; s++) {
    double loss;
    int idx[2] = {s % 4, (s + 1) % 4};
    CHECK(tr_batch_fill(&d, idx, 2, 32, TR_UNET, &rng, in->data, target, &err) == NN_OK);
    CHECK(tr_step_supervised(&net, in, target, 1, &loss, &err) == NN_OK);
  }
  char dir[] = "/tmp/cutout-export-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  check_export(TR_UNET, net.m.g, dir);
  check_export(TR_ENCDEC, NULL, dir);
  check_export(TR_DLOCAL, NULL, dir);
  check_export(TR_DGLOBAL, NULL, dir);
  rmdir(dir);
  nn_tensor_free(in);
  tr_net_free(&net);
  tr_dataset_free(&d);
  return CHECK_DONE();
}
