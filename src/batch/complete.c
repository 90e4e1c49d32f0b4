/* Completeness of outputs, from headers. */
#include "batch/complete.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "image/vips_api.h"

#include "image/image.h"
#include "image/image_internal.h"

static VipsImage *header(const char *path) {
  char err[256];
  if (img_init("cutout", err, sizeof err)) return NULL;
  VipsImage *im = img_open_file(path, 1);
  if (!im) vips_error_clear();
  return im;
}

int bt_photo_size(const char *path, int *width, int *height) {
  VipsImage *im = header(path);
  if (!im) return -1;
  int o = vips_image_get_orientation(im);
  int swap = o >= 5 && o <= 8;
  *width = swap ? im->Ysize : im->Xsize;
  *height = swap ? im->Xsize : im->Ysize;
  g_object_unref(im);
  return 0;
}

/* Reads n bytes at offset from the end (n <= 16). */
static int tail(const char *path, long from_end, unsigned char *buf, size_t n, long *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  int ok = fseek(f, 0, SEEK_END) == 0 && (*size = ftell(f)) >= from_end &&
           fseek(f, -from_end, SEEK_END) == 0 && fread(buf, 1, n, f) == n;
  fclose(f);
  return ok ? 0 : -1;
}

static int whole(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot) return 0;
  unsigned char b[16];
  long size;
  if (!strcasecmp(dot, ".png")) {
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                           0xae, 0x42, 0x60, 0x82};
    return tail(path, 12, b, 12, &size) == 0 && !memcmp(b, iend, 12);
  }
  if (!strcasecmp(dot, ".webp")) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int ok = fread(b, 1, 12, f) == 12 && fseek(f, 0, SEEK_END) == 0;
    long end = ok ? ftell(f) : -1;
    fclose(f);
    unsigned long riff = (unsigned long)b[4] | (unsigned long)b[5] << 8 |
                         (unsigned long)b[6] << 16 | (unsigned long)b[7] << 24;
    return ok && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4) && end >= 0 &&
           riff + 8 == (unsigned long)end;
  }
  if (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"))
    return tail(path, 2, b, 2, &size) == 0 && b[0] == 0xff && b[1] == 0xd9;
  return 1; /* TIFF: the header read is the check */
}

int bt_output_complete(const char *path, int width, int height, int bands) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return 0;
  if (!whole(path)) return 0;
  VipsImage *im = header(path);
  if (!im) return 0;
  const char *dot = strrchr(path, '.');
  int webp_grey = dot && !strcasecmp(dot, ".webp") && bands == 1 && im->Bands == 3;
  int ok = im->Xsize == width && im->Ysize == height && im->BandFmt == VIPS_FORMAT_UCHAR &&
           (im->Bands == bands || webp_grey);
  g_object_unref(im);
  return ok;
}

int bt_can_read_heif(void) {
  char err[256];
  if (img_init("cutout", err, sizeof err)) return 0;
  return vips_type_find("VipsOperation", "heifload") != 0;
}
