/* A 208-byte gzip file (found by fuzz_mask, kept in fuzz/regress/mask) made libvips probe it
 * with cfitsio, which asked malloc for 3.4 GB from the gzip trailer before reading anything.
 * Loading it as a photo and as a mask must fail as "not an image" without any request of
 * more than 64 MB. This program interposes malloc (for the shared libraries too) to see the
 * requests, so it does not run in the sanitizer build, whose allocator owns malloc. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "cutout.h"

static size_t largest;
#if !defined(__SANITIZE_ADDRESS__)
extern void *__libc_malloc(size_t n);
void *malloc(size_t n) {
  if (n > largest) largest = n;
  return __libc_malloc(n);
}
#endif

int main(void) {
#if defined(__SANITIZE_ADDRESS__)
  SKIP("the sanitizer's allocator owns malloc");
#endif
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/fuzz/regress/mask/fits-probe-3gb", src ? src : ".");
  FILE *f = fopen(path, "rb");
  if (!f) SKIP("%s not found (set CUTOUT_SOURCE_DIR)", path);
  fclose(f);
  ct_error err;
  ct_image *im = NULL;
  largest = 0;
  CHECK(ct_image_load(path, &im, &err) != CT_OK && !im);
  printf("photo: %s; largest malloc %zu bytes\n", err.message, largest);
  CHECK(largest < ((size_t)64 << 20));
  largest = 0;
  CHECK(ct_image_load_grey(path, &im, &err) != CT_OK && !im);
  printf("mask: %s; largest malloc %zu bytes\n", err.message, largest);
  CHECK(largest < ((size_t)64 << 20));
  return CHECK_DONE();
}
