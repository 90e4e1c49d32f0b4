/* Decoding: any format libvips reads, to upright 8-bit sRGB without alpha. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image/image_internal.h"

/* Replaces *cur by next (dropping the reference on the old one). */
static void step(VipsImage **cur, VipsImage *next) {
  g_object_unref(*cur);
  *cur = next;
}

/* Any colourspace, depth and band count to 3-band 8-bit sRGB. Takes over the reference on
 * in; on failure returns -1 with the libvips error pending. */
static int to_srgb8(VipsImage *in, VipsImage **out) {
  VipsImage *cur = in, *t = NULL;
  *out = NULL;
  if (vips_icc_present() && vips_image_get_typeof(cur, VIPS_META_ICC_NAME)) {
    if (vips_icc_transform(cur, &t, "srgb", "embedded", TRUE, "depth", 8, NULL) == 0)
      step(&cur, t);
    else
      vips_error_clear(); /* a broken profile: fall back to the colourspace below */
  }
  VipsInterpretation type = vips_image_guess_interpretation(cur);
  if (type != VIPS_INTERPRETATION_sRGB) {
    if (vips_colourspace(cur, &t, VIPS_INTERPRETATION_sRGB, NULL) == 0)
      step(&cur, t);
    else
      vips_error_clear(); /* no known route (e.g. plain multiband): treat the bands as RGB */
  }
  if (cur->BandFmt != VIPS_FORMAT_UCHAR) {
    /* 16-bit samples keep their top byte; other formats are clamped to 0..255. */
    gboolean shift = cur->BandFmt == VIPS_FORMAT_USHORT;
    if (vips_cast(cur, &t, VIPS_FORMAT_UCHAR, "shift", shift, NULL)) goto fail;
    step(&cur, t);
  }
  if (cur->Bands > 3) {
    if (vips_extract_band(cur, &t, 0, "n", 3, NULL)) goto fail;
    step(&cur, t);
  } else if (cur->Bands < 3) {
    VipsImage *grey = NULL;
    if (cur->Bands == 2) { /* grey + alpha */
      if (vips_extract_band(cur, &grey, 0, NULL)) goto fail;
      step(&cur, grey);
    }
    VipsImage *three[3] = {cur, cur, cur};
    if (vips_bandjoin(three, &t, 3, NULL)) goto fail;
    step(&cur, t);
  }
  if (vips_copy(cur, &t, "interpretation", VIPS_INTERPRETATION_sRGB, NULL)) goto fail;
  step(&cur, t);
  *out = cur;
  return 0;
fail:
  g_object_unref(cur);
  return -1;
}

/* vips_sink_disc callback: copies finished strips (top to bottom) into the ct_img. */
static int copy_strip(VipsRegion *region, VipsRect *area, void *a) {
  ct_img *im = a;
  size_t row = (size_t)im->width * im->channels;
  size_t span = (size_t)area->width * im->channels;
  for (int y = 0; y < area->height; y++) {
    uint8_t *dst = im->data + (size_t)(area->top + y) * row + (size_t)area->left * im->channels;
    memcpy(dst, VIPS_REGION_ADDR(region, area->left, area->top + y), span);
  }
  return 0;
}

/* Checks the limit from the header, then converts and decodes. Takes over the reference on
 * in; name says what is being read, for messages. */
/* The size limits, from the header alone; in is released when they refuse it. */
static int check_size(VipsImage *in, const char *name, char *err, size_t errlen) {
  uint64_t pixels = (uint64_t)in->Xsize * (uint64_t)in->Ysize;
  uint64_t limit = img_get_max_pixels();
  if (limit && pixels > limit) {
    int w = in->Xsize, h = in->Ysize;
    g_object_unref(in);
    return img_fail(err, errlen, IMG_ETOOBIG,
                    "%s is %dx%d (%.1f megapixels), over the limit of %.1f megapixels", name,
                    w, h, pixels / 1e6, limit / 1e6);
  }
  if (in->Xsize > IMG_MAX_SIDE || in->Ysize > IMG_MAX_SIDE) {
    int w = in->Xsize, h = in->Ysize;
    g_object_unref(in);
    return img_fail(err, errlen, IMG_ETOOBIG, "%s is %dx%d: a side over %d pixels", name, w,
                    h, IMG_MAX_SIDE);
  }
  return IMG_OK;
}

static int decode(VipsImage *in, const char *name, ct_img **out, char *err, size_t errlen) {
  char why[300];
  int rc = check_size(in, name, err, errlen);
  if (rc) return rc;
  int orientation = vips_image_get_orientation(in);
  VipsImage *rgb = NULL;
  if (to_srgb8(in, &rgb)) {
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_EFORMAT, "cannot convert %s to sRGB: %s", name, why);
  }
  VipsImage *src = rgb;
  if (orientation > 1 && orientation <= 8) {
    /* Rotation needs random access: decode once (sequentially) to memory, then turn. */
    VipsImage *mem = vips_image_copy_memory(rgb), *rot = NULL;
    g_object_unref(rgb);
    if (!mem) goto corrupt;
    int rc = vips_autorot(mem, &rot, NULL);
    g_object_unref(mem);
    if (rc) goto corrupt;
    src = rot;
  }
  ct_img *im = img_new(src->Xsize, src->Ysize, 3);
  if (!im) {
    int w = src->Xsize, h = src->Ysize;
    g_object_unref(src);
    return img_fail(err, errlen, IMG_ENOMEM, "out of memory for %s (%dx%d)", name, w, h);
  }
  rc = vips_sink_disc(src, copy_strip, im);
  g_object_unref(src);
  if (rc) {
    img_free(im);
    goto corrupt;
  }
  *out = im;
  return IMG_OK;
corrupt:
  img_vips_error(why, sizeof why);
  return img_fail(err, errlen, IMG_ECORRUPT, "%s is damaged or truncated: %s", name, why);
}

/* A source on an open descriptor (a source made from a file name would also let libvips
 * probe its file loaders). */
static VipsSource *open_source(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    vips_error("cutout", "cannot open %s", path);
    return NULL;
  }
  VipsSource *src = vips_source_new_from_descriptor(fd); /* it keeps a duplicate */
  close(fd);
  return src;
}

/* The bytes a loader is chosen from (and a PNM header read from). */
#define SNIFF_BYTES 512

/* 1 when these first bytes are a PNM header (P1-P6, Pf/PF) that gives a width or height of
 * 0: libvips' loader would fail on it only after GLib warnings about the 0. */
static int pnm_no_pixels(const unsigned char *b, size_t n) {
  if (n < 2 || b[0] != 'P' || !strchr("123456fF", b[1])) return 0;
  size_t i = 2;
  for (int k = 0; k < 2; k++) { /* width, then height */
    for (;;) {                  /* blanks and # comments */
      while (i < n && strchr(" \t\r\n\v\f", b[i])) i++;
      if (i < n && b[i] == '#')
        while (i < n && b[i] != '\n') i++;
      else
        break;
    }
    if (i >= n || b[i] < '0' || b[i] > '9') return 0; /* the loader says what is wrong */
    unsigned long v = 0;
    while (i < n && b[i] >= '0' && b[i] <= '9' && v < 1000000) v = v * 10 + (b[i++] - '0');
    if (v == 0) return 1;
  }
  return 0;
}

/* The libvips source loader for an image, from its first bytes: photos come as JPEG, PNG,
 * WebP, TIFF, GIF, HEIF/AVIF or PNM, and only those loaders are asked (JPEG XL and JPEG 2000
 * are among the loaders libvips calls untrusted, blocked in img_ensure_init).
 * Letting libvips sniff instead would run every loader's probe, untrusted and text ones
 * included (8.14 probes even blocked loaders): cfitsio's asked for 3.4 GB on a 208-byte
 * file, the matrix loader's reads past a short file's end. NULL when the bytes are none of
 * these (or this libvips cannot read that format). */
static const char *sniff_loader(const unsigned char *b, size_t n) {
  const char *nick = NULL;
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) nick = "jpegload_source";
  else if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) nick = "pngload_source";
  else if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)) nick = "webpload_source";
  else if (n >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4))) nick = "tiffload_source";
  else if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) nick = "gifload_source";
  else if (n >= 12 && !memcmp(b + 4, "ftyp", 4)) nick = "heifload_source";
  else if (n >= 2 && b[0] == 'P' && strchr("123456fF", b[1])) nick = "ppmload_source";
  if (nick && !strcmp(nick, "heifload_source")) /* (a module, loaded the first time) */
    return img_need_module("vips-heif", nick) ? NULL : nick;
  return nick && vips_type_find("VipsOperation", nick) ? nick : NULL;
}

/* The first bytes of a file (up to SNIFF_BYTES) into b; how many. */
static size_t head_of(const char *path, unsigned char *b) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(b, 1, SNIFF_BYTES, f);
  fclose(f);
  return n;
}

/* What img_check_file and the memory loader check in an image's first bytes. */
static int check_head(const unsigned char *b, size_t n, const char *name, char *err,
                      size_t errlen) {
  if (!sniff_loader(b, n)) {
    vips_error_clear();
    return img_fail(err, errlen, IMG_EFORMAT, "%s is not an image in a format cutout reads "
                    "(JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF, PNM)", name);
  }
  if (pnm_no_pixels(b, n))
    return img_fail(err, errlen, IMG_ECORRUPT, "%s has no pixels: its header gives a width "
                    "or height of 0", name);
  return IMG_OK;
}

int img_check_file(const char *path, char *name, size_t namelen, char *err, size_t errlen) {
  snprintf(name, namelen, "'%s'", path);
  struct stat st;
  if (stat(path, &st) != 0)
    return img_fail(err, errlen, IMG_EIO, "cannot open %s: %s", name, strerror(errno));
  if (S_ISDIR(st.st_mode))
    return img_fail(err, errlen, IMG_EIO, "cannot open %s: it is a folder, not an image", name);
  FILE *f = fopen(path, "rb");
  if (!f) return img_fail(err, errlen, IMG_EIO, "cannot open %s: %s", name, strerror(errno));
  fclose(f);
  if (st.st_size == 0)
    return img_fail(err, errlen, IMG_EFORMAT, "%s is empty, not an image", name);
  unsigned char b[SNIFF_BYTES];
  return check_head(b, head_of(path, b), name, err, errlen);
}

/* The image of src through the loader nick alone (no second round of sniffing). */
static VipsImage *load_source(const char *nick, VipsSource *src, int sequential) {
  VipsImage *im = NULL;
  int rc = sequential ? vips_call(nick, src, &im, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                  VIPS_FAIL_ON_ERROR, NULL)
                      : vips_call(nick, src, &im, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
  return rc ? NULL : im;
}

VipsImage *img_open_file(const char *path, int sequential) {
  unsigned char b[SNIFF_BYTES];
  const char *nick = sniff_loader(b, head_of(path, b));
  if (!nick) {
    vips_error("cutout", "%s is not an image in a format read here", path);
    return NULL;
  }
  VipsSource *src = open_source(path);
  if (!src) return NULL;
  VipsImage *im = load_source(nick, src, sequential);
  g_object_unref(src);
  return im;
}

int img_probe(const char *path, int *width, int *height, char *err, size_t errlen) {
  char name[300], why[300];
  if (!path || !*path) return img_fail(err, errlen, IMG_EARG, "no image path given");
  int rc = img_ensure_init(err, errlen);
  if (rc) return rc;
  rc = img_check_file(path, name, sizeof name, err, errlen);
  if (rc) return rc;
  VipsImage *in = img_open_file(path, 1);
  if (!in) {
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_ECORRUPT, "%s is damaged or truncated: %s", name, why);
  }
  rc = check_size(in, name, err, errlen);
  if (rc) return rc;
  int orientation = vips_image_get_orientation(in);
  int turned = orientation >= 5 && orientation <= 8; /* these swap the sides */
  if (width) *width = turned ? in->Ysize : in->Xsize;
  if (height) *height = turned ? in->Xsize : in->Ysize;
  g_object_unref(in);
  return IMG_OK;
}

int img_load_rgb(const char *path, ct_img **out, char *err, size_t errlen) {
  char name[300], why[300];
  if (!out) return img_fail(err, errlen, IMG_EARG, "img_load_rgb: no output pointer");
  *out = NULL;
  if (!path || !*path) return img_fail(err, errlen, IMG_EARG, "no image path given");
  int rc = img_ensure_init(err, errlen);
  if (rc) return rc;
  rc = img_check_file(path, name, sizeof name, err, errlen);
  if (rc) return rc;
  VipsImage *in = img_open_file(path, 1);
  if (!in) {
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_ECORRUPT, "%s is damaged or truncated: %s", name, why);
  }
  return decode(in, name, out, err, errlen);
}

int img_load_mem_rgb(const void *buf, size_t len, ct_img **out, char *err, size_t errlen) {
  char why[300];
  const char *name = "the image data";
  if (!out) return img_fail(err, errlen, IMG_EARG, "img_load_mem_rgb: no output pointer");
  *out = NULL;
  if (!buf || len == 0) return img_fail(err, errlen, IMG_EFORMAT, "the image data is empty");
  int rc = img_ensure_init(err, errlen);
  if (rc) return rc;
  rc = check_head(buf, len < SNIFF_BYTES ? len : SNIFF_BYTES, name, err, errlen);
  if (rc) return rc;
  /* the same loader as a file with these bytes gets, on a source over the buffer */
  VipsSource *src = vips_source_new_from_memory(buf, len);
  VipsImage *in = src ? load_source(sniff_loader(buf, len), src, 1) : NULL;
  if (src) g_object_unref(src);
  if (!in) {
    img_vips_error(why, sizeof why);
    return img_fail(err, errlen, IMG_ECORRUPT, "%s is damaged or truncated: %s", name, why);
  }
  return decode(in, name, out, err, errlen);
}
