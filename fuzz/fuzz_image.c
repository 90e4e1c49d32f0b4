/* Fuzz target: a photo decoded from memory the way the service and the library take it
 * (ct_image_load_memory: format sniffing, the pixel limit from the header, colourspace and
 * orientation handling, the copy out of libvips). */
#include <stddef.h>
#include <stdint.h>

#include "cutout.h"
#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    /* Small images only: a header claiming a huge size must fail the limit check, not make
     * the fuzzer spend its time decoding megapixels. */
    img_set_max_pixels(4 * 1000 * 1000);
    ready = 1;
  }
  ct_image *im = NULL;
  ct_error err;
  if (ct_image_load_memory(data, size, &im, &err) == CT_OK) {
    /* Touch every pixel so a short buffer shows up under the sanitizers. */
    size_t n = (size_t)ct_image_width(im) * ct_image_height(im) * ct_image_channels(im);
    const uint8_t *p = ct_image_pixels(im);
    volatile unsigned sum = 0;
    for (size_t i = 0; i < n; i++) sum += p[i];
    (void)sum;
    ct_image_free(im);
  }
  return 0;
}
