/* The tile refiner: a U-Net built here (64x64 input, its initial weights), exported to ONNX
 * and loaded with ct_refiner_load, refines a photo's unknown band.
 *   - Shared by threads (as batch workers share it): two threads refining at once, again
 *     and again, must each get exactly the single run's alpha.
 *   - A photo smaller than a tile (40x50) is refined as the same photo extended to 64x64 by
 *     repeating its last column and row would be, within the photo; sure pixels unchanged. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cutout.h"
#include "train/export.h"
#include "train/models.h"

#define W 320
#define H 256
#define RUNS 8

static ct_refiner *refiner;
static ct_image *photo, *mask, *trimap, *reference;

typedef struct job {
  int same; /* runs whose alpha equals the reference */
} job;

static void *worker(void *arg) {
  job *j = arg;
  for (int r = 0; r < RUNS; r++) {
    ct_image *alpha = NULL;
    ct_error err;
    if (ct_refine(refiner, photo, mask, trimap, &alpha, &err) == CT_OK &&
        !memcmp(ct_image_pixels(alpha), ct_image_pixels(reference), (size_t)W * H))
      j->same++;
    ct_image_free(alpha);
  }
  return NULL;
}

/* The 40x50 top-left corner of the photo, mask and trimap against the same extended to
 * 64x64 by edge repetition. */
enum { SW = 40, SH = 50, T = 64 };

static ct_image *corner(const ct_image *im, int w, int h, int c) {
  uint8_t *px = malloc((size_t)w * h * c);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int k = 0; k < c; k++) {
        int sx = x < SW ? x : SW - 1, sy = y < SH ? y : SH - 1; /* the edge repeated */
        px[((size_t)y * w + x) * c + k] = ct_image_pixels(im)[((size_t)(sy + 70) * W + sx + 60) * c + k];
      }
  ct_image *out = NULL;
  ct_error err;
  CHECK(ct_image_from_pixels(px, w, h, c, (size_t)w * c, &out, &err) == CT_OK);
  free(px);
  return out;
}

static void check_small(void) {
  ct_image *p = corner(photo, SW, SH, 3), *m = corner(mask, SW, SH, 1), *t = corner(trimap, SW, SH, 1);
  ct_image *pp = corner(photo, T, T, 3), *mp = corner(mask, T, T, 1), *tp = corner(trimap, T, T, 1);
  ct_image *a = NULL, *ap = NULL;
  ct_error err;
  CHECK(ct_refine(refiner, p, m, t, &a, &err) == CT_OK);
  CHECK(ct_refine(refiner, pp, mp, tp, &ap, &err) == CT_OK);
  if (a && ap) {
    int same = 1, sure_kept = 1, changed = 0;
    for (int y = 0; y < SH; y++)
      for (int x = 0; x < SW; x++) {
        uint8_t v = ct_image_pixels(a)[y * SW + x], tv = ct_image_pixels(t)[y * SW + x];
        same &= v == ct_image_pixels(ap)[y * T + x];
        if (tv == 0 || tv == 255) sure_kept &= v == ct_image_pixels(m)[y * SW + x];
        else changed += v != ct_image_pixels(m)[y * SW + x];
      }
    printf("40x50 photo: %d band pixels changed\n", changed);
    CHECK(same);
    CHECK(sure_kept);
    CHECK(changed > 0);
  }
  ct_image_free(a), ct_image_free(ap);
  ct_image_free(p), ct_image_free(m), ct_image_free(t);
  ct_image_free(pp), ct_image_free(mp), ct_image_free(tp);
}

int main(void) {
  nn_err e;
  tr_arch_cfg cfg = {.arch = TR_UNET, .base = 8, .levels = 3, .batch = 1, .height = 64,
                     .width = 64, .training = 0, .seed = 5};
  tr_model m;
  char dir[] = "/tmp/refiner-threads-XXXXXX", path[64];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/unet.onnx", dir);
  CHECK(tr_model_build(&cfg, &m, &e) == NN_OK);
  CHECK(tr_export_onnx(m.g, path, &e) == NN_OK);
  tr_model_free(&m);
  ct_error err;
  CHECK(ct_refiner_load(path, &refiner, &err) == CT_OK);
  unlink(path);
  rmdir(dir);
  if (!refiner) return CHECK_DONE();
  /* a photo with a soft disc; the band around it unknown */
  uint8_t *rgb = malloc((size_t)W * H * 3), *mk = malloc((size_t)W * H);
  uint8_t *tr = malloc((size_t)W * H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      size_t i = (size_t)y * W + x;
      int d2 = (x - 160) * (x - 160) + (y - 128) * (y - 128);
      rgb[3 * i] = (uint8_t)(x * 3), rgb[3 * i + 1] = (uint8_t)(y * 5), rgb[3 * i + 2] = 90;
      mk[i] = d2 < 80 * 80 ? 255 : d2 < 100 * 100 ? 128 : 0;
      tr[i] = d2 < 70 * 70 ? 255 : d2 < 110 * 110 ? 128 : 0;
    }
  CHECK(ct_image_from_pixels(rgb, W, H, 3, (size_t)W * 3, &photo, &err) == CT_OK);
  CHECK(ct_image_from_pixels(mk, W, H, 1, W, &mask, &err) == CT_OK);
  CHECK(ct_image_from_pixels(tr, W, H, 1, W, &trimap, &err) == CT_OK);
  CHECK(ct_refine(refiner, photo, mask, trimap, &reference, &err) == CT_OK);
  long changed = 0;
  for (size_t i = 0; reference && i < (size_t)W * H; i++)
    changed += ct_image_pixels(reference)[i] != mk[i];
  printf("the refiner changed %ld pixels of the band\n", changed);
  CHECK(changed > 0);
  job jobs[2] = {{0}, {0}};
  pthread_t t[2];
  for (int k = 0; k < 2; k++) pthread_create(&t[k], NULL, worker, &jobs[k]);
  for (int k = 0; k < 2; k++) pthread_join(t[k], NULL);
  printf("runs equal to the single run: %d and %d of %d\n", jobs[0].same, jobs[1].same, RUNS);
  CHECK(jobs[0].same == RUNS && jobs[1].same == RUNS);
  check_small();
  ct_image_free(reference);
  ct_image_free(trimap);
  ct_image_free(mask);
  ct_image_free(photo);
  ct_refiner_free(refiner);
  free(rgb);
  free(mk);
  free(tr);
  return CHECK_DONE();
}
