/* The refiner's training batches:
 *   - with a network's masks (tr_dataset_masks): the coarse-alpha plane is the mask and the
 *     trimap plane the mask's automatic trimap (ct_trimap), pixel for pixel, and the target
 *     the true alpha; a missing mask is refused by name;
 *   - crops are centred on an unknown pixel of the trimap about three times in four for the
 *     refiner, and fall there only by chance for the encoder-decoder. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cutout.h"
#include "train/data.h"

enum { S = 32 }; /* the files' side, and the crop: the crop is the whole image */

static void save(const ct_img *im, const char *dir, const char *name) {
  char path[512], why[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (img_save(im, path, why, sizeof why)) {
    fprintf(stderr, "%s: %s\n", path, why);
    check_failures++;
  }
}

/* 1 when plane (S x S, values / 255) is im's pixels, flipped left-right when flip */
static int plane_is(const float *plane, const ct_img *im, int flip) {
  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++) {
      float want = im->data[y * S + (flip ? S - 1 - x : x)] / 255.0f;
      if (plane[y * S + x] != want) return 0;
    }
  return 1;
}

static void check_masks(const char *dir) {
  char sub[512];
  const char *folders[] = {"image", "alpha", "trimap", "masks"};
  for (int i = 0; i < 4; i++) {
    snprintf(sub, sizeof sub, "%s/%s", dir, folders[i]);
    CHECK(mkdir(sub, 0700) == 0);
  }
  ct_img *rgb = img_new(S, S, 3), *alpha = img_new(S, S, 1), *tri = img_new(S, S, 1),
         *mask = img_new(S, S, 1);
  for (int y = 0; y < S; y++)
    for (int x = 0; x < S; x++) {
      int p = y * S + x;
      for (int c = 0; c < 3; c++) rgb->data[p * 3 + c] = (uint8_t)(x * 7 + y * 3 + c * 50);
      alpha->data[p] = (uint8_t)(x < 12 ? 255 : x < 20 ? (20 - x) * 30 : 0);
      tri->data[p] = (uint8_t)(x < 10 ? 255 : x < 22 ? 128 : 0);
      mask->data[p] = (uint8_t)(x < 8 ? 255 : x < 24 ? (24 - x) * 15 + y : 0); /* not the alpha */
    }
  snprintf(sub, sizeof sub, "%s/image", dir), save(rgb, sub, "000000.png");
  snprintf(sub, sizeof sub, "%s/alpha", dir), save(alpha, sub, "000000.png");
  snprintf(sub, sizeof sub, "%s/trimap", dir), save(tri, sub, "000000.png");
  snprintf(sub, sizeof sub, "%s/manifest.jsonl", dir);
  FILE *f = fopen(sub, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("{\"files\":{\"image\":\"image/000000.png\",\"alpha\":\"alpha/000000.png\","
          "\"trimap\":\"trimap/000000.png\"}}\n", f);
    fclose(f);
  }
  tr_dataset d;
  nn_err err;
  snprintf(sub, sizeof sub, "%s/masks", dir);
  CHECK(tr_dataset_open(&d, dir, &err) == NN_OK);
  CHECK(tr_dataset_masks(&d, sub, &err) != NN_OK); /* not written yet */
  CHECK(strstr(err.msg, "masks/000000.png") != NULL);
  save(mask, sub, "000000.png");
  CHECK(tr_dataset_masks(&d, sub, &err) == NN_OK);

  ct_error e;
  ct_img *auto_tri = NULL;
  CHECK(ct_trimap(NULL, mask, NULL, &auto_tri, &e) == CT_OK);
  float in[5 * S * S], target[S * S];
  int idx = 0, flips[2] = {0, 0};
  for (uint64_t seed = 1; seed <= 8; seed++) {
    uint64_t rng = seed;
    CHECK(tr_batch_fill(&d, &idx, 1, S, TR_UNET, &rng, in, target, &err) == NN_OK);
    int flip = plane_is(target, alpha, 1) && !plane_is(target, alpha, 0);
    flips[flip]++;
    CHECK(plane_is(target, alpha, flip));
    CHECK(plane_is(in + 3 * S * S, mask, flip));
    CHECK(plane_is(in + 4 * S * S, auto_tri, flip));
  }
  CHECK(flips[0] > 0 && flips[1] > 0); /* both orientations were drawn */
  /* without masks: the set's own trimap */
  tr_dataset_free(&d);
  CHECK(tr_dataset_open(&d, dir, &err) == NN_OK);
  uint64_t rng = 3;
  CHECK(tr_batch_fill(&d, &idx, 1, S, TR_UNET, &rng, in, target, &err) == NN_OK);
  int flip = !plane_is(target, alpha, 0);
  CHECK(plane_is(in + 4 * S * S, tri, flip));
  tr_dataset_free(&d);
  img_free(rgb), img_free(alpha), img_free(tri), img_free(mask), img_free(auto_tri);
}

/* A 128 x 128 sample whose only unknown pixel is at (100, 20), its alpha 255 there and 0
 * elsewhere: the share of n crops of 32 for arch that hold that pixel. */
static double share_on_unknown(tr_arch arch, int n) {
  tr_dataset d = {calloc(1, sizeof(tr_sample)), 1};
  d.s[0].rgb = img_new(128, 128, 3);
  d.s[0].alpha = img_new(128, 128, 1);
  d.s[0].trimap = img_new(128, 128, 1);
  memset(d.s[0].rgb->data, 90, 128 * 128 * 3);
  memset(d.s[0].alpha->data, 0, 128 * 128);
  memset(d.s[0].trimap->data, 0, 128 * 128);
  d.s[0].trimap->data[20 * 128 + 100] = 128;
  d.s[0].alpha->data[20 * 128 + 100] = 255;
  int ch = tr_arch_inputs(arch), idx = 0, hits = 0;
  float *in = malloc(sizeof(float) * ch * S * S), target[S * S];
  uint64_t rng = 77;
  nn_err err;
  for (int i = 0; i < n; i++) {
    CHECK(tr_batch_fill(&d, &idx, 1, S, arch, &rng, in, target, &err) == NN_OK);
    for (int p = 0; p < S * S; p++) hits += target[p] > 0;
  }
  free(in);
  tr_dataset_free(&d);
  return (double)hits / n;
}

int main(void) {
  char dir[] = "/tmp/cutout-test-data-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  check_masks(dir);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);

  double unet = share_on_unknown(TR_UNET, 400), encdec = share_on_unknown(TR_ENCDEC, 400);
  printf("crops holding the unknown pixel: refiner %.2f, encoder-decoder %.2f\n", unet, encdec);
  CHECK(unet > 0.70 && unet < 0.90); /* 3/4 centred on it, plus random ones by chance */
  CHECK(encdec < 0.25);              /* chance alone: about (32/97)^2 */
  return CHECK_DONE();
}
