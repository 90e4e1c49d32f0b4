/* Encoding: PNG, WebP, JPEG and TIFF, to a file (written atomically) or to memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "image/image_internal.h"

typedef enum { FMT_NONE, FMT_PNG, FMT_WEBP, FMT_JPEG, FMT_TIFF } img_format;

static img_format format_named(const char *name) {
  if (!strcasecmp(name, "png")) return FMT_PNG;
  if (!strcasecmp(name, "webp")) return FMT_WEBP;
  if (!strcasecmp(name, "jpg") || !strcasecmp(name, "jpeg")) return FMT_JPEG;
  if (!strcasecmp(name, "tif") || !strcasecmp(name, "tiff")) return FMT_TIFF;
  return FMT_NONE;
}

static img_format format_of_path(const char *path) {
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  return dot && (!slash || dot > slash) ? format_named(dot + 1) : FMT_NONE;
}

int img_can_save(const char *path) { return format_of_path(path) != FMT_NONE; }

static int check_image(const ct_img *im, img_format fmt, const char *what, char *err,
                       size_t errlen) {
  if (!im || !im->data || im->width <= 0 || im->height <= 0 ||
      !(im->channels == 1 || im->channels == 3 || im->channels == 4))
    return img_fail(err, errlen, IMG_EARG, "cannot write %s: invalid image", what);
  if (fmt == FMT_JPEG && im->channels == 4)
    return img_fail(err, errlen, IMG_EARG,
                    "cannot write %s: JPEG has no transparency; save as .png or .webp to keep "
                    "the alpha channel",
                    what);
  return IMG_OK;
}

/* Runs the saver for fmt; -1 with the libvips error pending on failure. */
static int save_target(VipsImage *in, int channels, img_format fmt, VipsTarget *target) {
  switch (fmt) {
  case FMT_PNG:
    return vips_pngsave_target(in, target, "compression", 1, NULL);
  case FMT_WEBP:
    if (channels == 4) return vips_webpsave_target(in, target, "lossless", TRUE, NULL);
    return vips_webpsave_target(in, target, "Q", 90, NULL);
  case FMT_JPEG:
    return vips_jpegsave_target(in, target, "Q", 90, NULL);
  case FMT_TIFF:
    return vips_tiffsave_target(in, target, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE,
                                "predictor", VIPS_FOREIGN_TIFF_PREDICTOR_HORIZONTAL, NULL);
  case FMT_NONE:
    break;
  }
  vips_error("cutout", "no encoder");
  return -1;
}

static int encode_to(const ct_img *im, img_format fmt, VipsTarget *target) {
  VipsImage *in = img_to_vips(im);
  if (!in) return -1;
  int rc = save_target(in, im->channels, fmt, target);
  g_object_unref(in);
  return rc;
}

/* Creates a new file beside path (same folder, so rename() is atomic) and returns its
 * descriptor, or -1 with errno set. */
static int open_temp(const char *path, char *tmp, size_t tmplen) {
  static _Atomic unsigned counter;
  const char *slash = strrchr(path, '/');
  int dirlen = slash ? (int)(slash - path + 1) : 0;
  const char *base = slash ? slash + 1 : path;
  for (int attempt = 0; attempt < 100; attempt++) {
    unsigned n = atomic_fetch_add(&counter, 1) ^ (unsigned)time(NULL) * 2654435761u;
    int len = snprintf(tmp, tmplen, "%.*s.%s.%ld.%08x.tmp", dirlen, path, base, (long)getpid(), n);
    if (len < 0 || (size_t)len >= tmplen) {
      errno = ENAMETOOLONG;
      return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

/* Makes the rename itself durable; a failure here does not undo the write. */
static void sync_folder(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == path) snprintf(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

int img_save(const ct_img *im, const char *path, char *err, size_t errlen) {
  if (!path || !*path) return img_fail(err, errlen, IMG_EARG, "no output path given");
  img_format fmt = format_of_path(path);
  if (fmt == FMT_NONE)
    return img_fail(err, errlen, IMG_EARG,
                    "cannot write '%s': unknown image type (name it .png, .webp, .jpg or .tif)",
                    path);
  char what[300];
  snprintf(what, sizeof what, "'%s'", path);
  int rc = check_image(im, fmt, what, err, errlen);
  if (rc) return rc;
  rc = img_ensure_init(err, errlen);
  if (rc) return rc;

  char tmp[4096], why[300];
  int fd = open_temp(path, tmp, sizeof tmp);
  if (fd < 0)
    return img_fail(err, errlen, IMG_EIO, "cannot write %s: %s", what, strerror(errno));
  VipsTarget *target = vips_target_new_to_descriptor(fd);
  rc = target ? encode_to(im, fmt, target) : -1;
  if (target) g_object_unref(target);
  if (rc) {
    img_vips_error(why, sizeof why);
    close(fd);
    unlink(tmp);
    return img_fail(err, errlen, IMG_EENCODE, "cannot write %s: %s", what, why);
  }
  int e = fsync(fd) != 0 ? errno : 0;
  if (close(fd) != 0 && !e) e = errno;
  if (e) {
    unlink(tmp);
    return img_fail(err, errlen, IMG_EIO, "cannot write %s: %s", what, strerror(e));
  }
  if (rename(tmp, path) != 0) {
    e = errno;
    unlink(tmp);
    return img_fail(err, errlen, IMG_EIO, "cannot write %s: %s", what, strerror(e));
  }
  sync_folder(path);
  return IMG_OK;
}

int img_encode(const ct_img *im, const char *format, void **buf, size_t *len, char *err,
               size_t errlen) {
  if (!buf || !len) return img_fail(err, errlen, IMG_EARG, "img_encode: no output pointer");
  *buf = NULL;
  *len = 0;
  img_format fmt = format ? format_named(format) : FMT_NONE;
  if (fmt == FMT_NONE)
    return img_fail(err, errlen, IMG_EARG,
                    "unknown image type '%s' (use png, webp, jpg or tif)", format ? format : "");
  char what[64], why[300];
  snprintf(what, sizeof what, "%s data", format);
  int rc = check_image(im, fmt, what, err, errlen);
  if (rc) return rc;
  rc = img_ensure_init(err, errlen);
  if (rc) return rc;
  VipsTarget *target = vips_target_new_to_memory();
  if (!target || encode_to(im, fmt, target)) {
    if (target) g_object_unref(target);
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_EENCODE, "cannot encode %s: %s", what, why);
  }
  /* A finished memory target hands its bytes over as the "blob" property. */
  VipsBlob *blob = NULL;
  g_object_get(target, "blob", &blob, NULL);
  g_object_unref(target);
  size_t n = 0;
  const void *data = blob ? vips_blob_get(blob, &n) : NULL;
  void *copy = data && n ? malloc(n) : NULL;
  if (!copy) {
    if (blob) vips_area_unref(VIPS_AREA(blob));
    return img_fail(err, errlen, IMG_ENOMEM, "out of memory for %zu bytes of %s", n, what);
  }
  memcpy(copy, data, n);
  vips_area_unref(VIPS_AREA(blob));
  *buf = copy;
  *len = n;
  return IMG_OK;
}
