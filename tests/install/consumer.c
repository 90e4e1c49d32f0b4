/* A program of the library's users, built against an installed cutout (pkg-config or
 * find_package) by tests/install/: cuts out PHOTO with MODEL into OUT and checks the result
 * through the public API alone. Exit status 0 when the cutout is an RGBA image of the
 * photo's size whose alpha has both transparent and opaque pixels. */
#include <cutout.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: consumer MODEL PHOTO OUT\n");
    return 2;
  }
  if (strcmp(ct_version(), CUTOUT_VERSION) != 0) {
    fprintf(stderr, "library %s, header %s\n", ct_version(), CUTOUT_VERSION);
    return 1;
  }
  ct_model *model = NULL;
  ct_image *photo = NULL, *cut = NULL;
  ct_error err = {0};
  ct_set_threads(2);
  if (ct_model_load(argv[1], &model, &err) || ct_image_load(argv[2], &photo, &err) ||
      ct_remove(model, photo, NULL, &cut, &err) || ct_image_save(cut, argv[3], &err)) {
    fprintf(stderr, "consumer: %s (%s)\n", err.message, ct_status_name(err.code));
    ct_image_free(photo);
    ct_model_free(model);
    return 1;
  }
  int w = ct_image_width(cut), h = ct_image_height(cut), c = ct_image_channels(cut);
  long clear = 0, opaque = 0;
  const uint8_t *px = ct_image_pixels(cut);
  for (long i = 0; c == 4 && i < (long)w * h; i++) {
    clear += px[4 * i + 3] == 0;
    opaque += px[4 * i + 3] == 255;
  }
  printf("cutout %s: %dx%d, %d channels (photo %dx%d); alpha 0: %ld pixels, 255: %ld\n",
         ct_version(), w, h, c, ct_image_width(photo), ct_image_height(photo), clear, opaque);
  int ok = c == 4 && w == ct_image_width(photo) && h == ct_image_height(photo) && clear > 0 &&
           opaque > 0;
  ct_image_free(cut);
  ct_image_free(photo);
  ct_model_free(model);
  return ok ? 0 : 1;
}
