/* The network in bfloat16 against float32 on the example photo: the masks must
 * agree to a few 1/255 steps (the speed-up is shown by bench/engine.c). The bounds hold
 * under every instruction set with bfloat16 arithmetic (AMX tiles and AVX512_BF16 dot
 * products sum in different orders): measured per ISA cap, the maximum is a handful of
 * pixels on the hair's edge, so the mean and the 99.99th percentile bear the tight bounds
 * and the maximum a loose one. Below AVX512_BF16 the engine computes float32 whatever the
 * precision asked for: there BF16 must give the float32 mask exactly. Skips when the model
 * or the photo is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "cutout.h"
#include "nn/precision.h"

static ct_image *mask_in(ct_model *model, const ct_image *photo, ct_precision p) {
  ct_image *mask = NULL;
  ct_error err;
  ct_set_precision(p);
  if (ct_predict_mask(model, photo, &mask, &err)) fprintf(stderr, "%s\n", err.message);
  return mask;
}

int main(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char model_path[1024], photo_path[1024];
  snprintf(model_path, sizeof model_path, "%s/models/isnet-fp16.onnx", src ? src : ".");
  snprintf(photo_path, sizeof photo_path, "%s/examples/portrait-curls.jpg", src ? src : ".");
  struct stat st;
  if (stat(model_path, &st) || stat(photo_path, &st)) SKIP("model or example photo absent");
  ct_set_threads(2);
  ct_model *model = NULL;
  ct_image *photo = NULL;
  ct_error err;
  if (ct_model_load(model_path, &model, &err) || ct_image_load(photo_path, &photo, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  ct_image *f32 = mask_in(model, photo, CT_PRECISION_F32);
  ct_image *bf16 = mask_in(model, photo, CT_PRECISION_BF16);
  ct_image *f32_again = mask_in(model, photo, CT_PRECISION_F32);
  CHECK(f32 && bf16 && f32_again);
  if (f32 && bf16 && f32_again) {
    size_t n = (size_t)ct_image_width(f32) * ct_image_height(f32);
    const uint8_t *a = ct_image_pixels(f32), *b = ct_image_pixels(bf16);
    const uint8_t *c = ct_image_pixels(f32_again);
    size_t hist[256] = {0};
    int worst = 0, same = 1;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
      int d = abs(a[i] - b[i]);
      hist[d]++;
      worst = d > worst ? d : worst;
      total += d;
      same &= a[i] == c[i];
    }
    /* the smallest differences that 99.9% and 99.99% of the pixels stay within */
    int p999 = 0, p9999 = 0;
    for (size_t below = hist[0]; below < n - n / 1000; below += hist[++p999]) {}
    for (size_t below = hist[0]; below < n - n / 10000; below += hist[++p9999]) {}
    printf("bfloat16 vs float32 mask: max %d/255, mean %.4f/255, 99.9th percentile %d/255, "
           "99.99th %d/255\n", worst, total / n, p999, p9999);
    if (nn_bf16_available()) {
      CHECK(worst > 0); /* bfloat16 did run */
      CHECK(total / n <= 0.08);
      CHECK(p999 <= 12);
      CHECK(p9999 <= 24);
      CHECK(worst <= 48);
    } else {
      printf("no bfloat16 convolutions at this instruction set: BF16 runs float32\n");
      CHECK(worst == 0);
    }
    CHECK(same); /* back to float32: the primitives are made again */
  }
  ct_image_free(f32);
  ct_image_free(bf16);
  ct_image_free(f32_again);
  ct_image_free(photo);
  ct_model_free(model);
  return CHECK_DONE();
}
