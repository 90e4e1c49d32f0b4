/* Images inside cutout: decode, encode and resample (libvips underneath).
 *
 * Every function that can fail returns 0 on success or one of the IMG_E* codes, and then writes a
 * one-line message for a person into err (errlen bytes, always NUL-terminated when errlen > 0;
 * err may be NULL). */
#ifndef CUTOUT_IMAGE_IMAGE_H
#define CUTOUT_IMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Interleaved 8-bit pixels, row-major without padding: channels is 1 (grey), 3 (RGB) or
 * 4 (RGBA). data holds width * height * channels bytes. */
typedef struct ct_img {
  int width, height, channels;
  uint8_t *data;
} ct_img;

enum {
  IMG_OK = 0,
  IMG_EARG = 1,     /* bad argument (sizes, channels, unknown output format) */
  IMG_EINIT = 2,    /* libvips could not start */
  IMG_EIO = 3,      /* file missing, unreadable or unwritable */
  IMG_EFORMAT = 4,  /* not an image libvips can read */
  IMG_ECORRUPT = 5, /* damaged or truncated image data */
  IMG_ETOOBIG = 6,  /* over the pixel limit */
  IMG_ENOMEM = 7,   /* out of memory */
  IMG_EENCODE = 8   /* encoding failed */
};

/* Starts libvips once for the process; thread-safe and idempotent (later calls return the
 * first call's result). The load/save functions call it themselves with argv0 = "cutout". */
int img_init(const char *argv0, char *err, size_t errlen);
/* Starts opening libvips on a thread of its own (image/vips_api.h), so that a program that
 * calls this first pays for libvips' shared libraries while it does other work; img_init
 * waits for it. Optional, and harmless to call twice. */
void img_preload(void);
/* "libvips 8.14.1" once libvips has started (img_init), else why it could not. */
const char *img_library_version(void);

/* Zero-filled image, or NULL when out of memory or the arguments are invalid. */
ct_img *img_new(int w, int h, int channels);
void img_free(ct_img *im);
/* The w x h rectangle of im at (x, y) as a new image; NULL when it does not lie inside im or
 * out of memory. */
ct_img *img_crop(const ct_img *im, int x, int y, int w, int h);

/* The image's pixels as interleaved RGB: its own buffer when it has 3 channels, else *copy
 * (grey replicated, or RGBA without its alpha; the caller frees it). NULL when out of
 * memory. */
const uint8_t *img_rgb_view(const ct_img *im, uint8_t **copy);

/* Largest width * height the loaders accept (default IMG_DEFAULT_MAX_PIXELS); 0 means no limit.
 * The check is made from the header, before the pixels are decoded. */
#define IMG_DEFAULT_MAX_PIXELS ((uint64_t)300 * 1000 * 1000)
/* The longest side the loaders accept, whatever the pixel limit: a 1 x 4-million image took
 * 16 s to go through the pipeline's line-by-line stages (found by fuzz/fuzz_mask.c). No
 * camera or panorama comes near it. */
#define IMG_MAX_SIDE 262144
void img_set_max_pixels(uint64_t max_pixels);
uint64_t img_get_max_pixels(void);

/* Decodes any format libvips reads into 8-bit sRGB with 3 channels: EXIF orientation applied,
 * embedded ICC profile (or the colourspace: CMYK, grey, 16-bit, ...) converted to sRGB, alpha
 * dropped. A truncated or damaged file is an error, not a padded image. */
/* Reads a photo's header alone: its format, its size after EXIF orientation, the size
 * limits (IMG_ETOOBIG), without decoding pixels. */
int img_probe(const char *path, int *width, int *height, char *err, size_t errlen);
int img_load_rgb(const char *path, ct_img **out, char *err, size_t errlen);
int img_load_mem_rgb(const void *buf, size_t len, ct_img **out, char *err, size_t errlen);

/* Decodes like img_load_rgb but keeps transparency: 4 channels, straight (unpremultiplied)
 * alpha, opaque when the file has none. *had_alpha (may be NULL) tells whether it had one. */
int img_load_rgba(const char *path, ct_img **out, int *had_alpha, char *err, size_t errlen);

/* Encodes a grey or RGB image to JPEG at quality 1..100 in memory (freed with free()). */
int img_encode_jpeg(const ct_img *im, int quality, void **buf, size_t *len, char *err,
                    size_t errlen);

/* Writes by the path's extension (case-insensitive): .png (fast compression; grey, RGB, RGBA),
 * .webp (lossless for RGBA, quality 90 otherwise), .jpg/.jpeg (grey or RGB only), .tif/.tiff.
 * The file is written under a temporary name in the same folder and renamed over path, so a
 * failure leaves path as it was and no partial file behind. */
int img_save(const ct_img *im, const char *path, char *err, size_t errlen);

/* 1 when img_save knows the path's extension. */
int img_can_save(const char *path);

/* Encodes to memory: format is "png", "webp", "jpg"/"jpeg" or "tif"/"tiff" (same settings as
 * img_save). *buf is allocated with malloc; the caller frees it with free(). */
int img_encode(const ct_img *im, const char *format, void **buf, size_t *len, char *err,
               size_t errlen);

/* Resizes an RGB image (3 channels; a 4th is ignored) to w x h with a bilinear kernel that
 * antialiases when shrinking (each axis scaled on its own), and writes planar CHW floats:
 * out[c*w*h + y*w + x] = (v/255 - mean[c]) * scale[c]. out holds 3*w*h floats. */
int img_resize_to_planar(const ct_img *rgb, int w, int h, float *out, const float mean[3],
                         const float scale[3]);

/* Any image (1, 3 or 4 channels) resized to exactly w x h with img_resize_to_planar's
 * kernel; *out is a new image. */
int img_resize(const ct_img *im, int w, int h, ct_img **out);
/* Bilinear resampling of a float mask (mw x mh, values nominally in [0,1]) to w x h 8-bit with
 * half-pixel-centre alignment (source x = (x + 0.5) * mw / w - 0.5, clamped at the borders);
 * out[i] = round(clamp(v, 0, 1) * 255). */
int img_upscale_mask(const float *mask, int mw, int mh, int w, int h, uint8_t *out);
/* The same resampling of a signed change (mw x mh, in units of 1 = 255) added to base (w x h
 * bytes): out = round(clamp(base / 255 + delta, 0, 1) * 255). out may alias base. */
int img_upscale_add(const float *delta, int mw, int mh, int w, int h, const uint8_t *base,
                    uint8_t *out);

#endif
