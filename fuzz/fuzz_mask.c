/* Fuzz target: a grey mask or trimap as `cutout trimap --mask`, `cutout matte` and
 * `cutout remove --trimap` read it (ct_image_load_grey, which takes a path: the bytes go to
 * a memory file per input), then the trimap made from it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cutout.h"
#include "image/image.h"

/* The trimap's erosion and distance passes are linear in the pixels, but the fuzzer needs
 * many inputs a second: only small masks go on to it. */
#define TRIMAP_MAX_PIXELS (256 * 256)

static void trimap_of(const ct_image *mask) {
  if ((size_t)ct_image_width(mask) * ct_image_height(mask) > TRIMAP_MAX_PIXELS) return;
  ct_image *tri = NULL;
  ct_error err;
  if (ct_trimap(NULL, mask, NULL, &tri, &err) == CT_OK) {
    if (ct_image_width(tri) != ct_image_width(mask) ||
        ct_image_height(tri) != ct_image_height(mask) || ct_image_channels(tri) != 1)
      abort(); /* a trimap not the mask's size would be a bug, not a bad input */
    ct_image_free(tri);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    img_set_max_pixels(4 * 1000 * 1000);
    ready = 1;
  }
  int fd = memfd_create("fuzz-mask", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t off = 0;
  while (off < size) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  if (off == size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ct_image *mask = NULL;
    ct_error err;
    if (ct_image_load_grey(path, &mask, &err) == CT_OK) {
      if (ct_image_channels(mask) != 1) abort();
      trimap_of(mask);
      ct_image_free(mask);
    }
  }
  close(fd);
  return 0;
}
