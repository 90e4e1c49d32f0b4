/* Helpers shared by the image module's files (not part of its interface). */
#ifndef CUTOUT_IMAGE_INTERNAL_H
#define CUTOUT_IMAGE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "image/vips_api.h" /* (libvips, through the pointers img_init fills) */

#include "image/image.h"

/* Starts libvips with argv0 "cutout" if nobody did yet. */
int img_ensure_init(char *err, size_t errlen);

/* Makes libvips' operation op (a nickname, "heifload_source") available, loading its
 * module (a file of CUTOUT_VIPS_MODULE_DIR) the first time one is needed: libvips starts
 * without its modules (img_init). 0 when op exists now, -1 when it cannot be had. */
int img_need_module(const char *module, const char *op);

/* Checks that path names a non-empty file libvips can read, before decoding it; writes the
 * quoted path into name (for messages). IMG_OK, or the code with the reason in err. */
int img_check_file(const char *path, char *name, size_t namelen, char *err, size_t errlen);
/* Opens an image file with the one libvips source loader its first bytes call for (JPEG,
 * PNG, WebP, TIFF, GIF, HEIF/AVIF, PNM), fail_on error, sequential
 * access or random. libvips' own sniffing would probe every loader, the untrusted ones too
 * (libvips 8.14 probes blocked loaders): cfitsio's probe of a 208-byte gzip file asked for
 * 3.4 GB. NULL with libvips' error set. */
VipsImage *img_open_file(const char *path, int sequential);

int img_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Takes libvips' pending error text as one line (newlines joined with "; ") into buf and
 * clears it. Writes "unknown libvips error" when there is none. */
void img_vips_error(char *buf, size_t buflen);

/* A libvips view of an image's pixels (not copied: im must outlive it), tagged sRGB for 3 or 4
 * channels and B_W for 1. NULL with the libvips error pending on failure. */
VipsImage *img_to_vips(const ct_img *im);

#endif
