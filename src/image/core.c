/* Image allocation, libvips start-up, the pixel limit and error messages. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_internal.h"

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_state; /* 0: not started, 1: running, -1: failed */
static char init_msg[256];
static _Atomic uint64_t max_pixels = IMG_DEFAULT_MAX_PIXELS;

int img_fail(char *err, size_t errlen, int code, const char *fmt, ...) {
  if (err && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

void img_vips_error(char *buf, size_t buflen) {
  char *text = vips_error_buffer_copy();
  size_t n = 0;
  if (buflen == 0) {
    g_free(text);
    return;
  }
  for (const char *p = text ? text : ""; *p && n + 1 < buflen; p++) {
    if (*p == '\n') {
      if (p[1] == '\0') break;
      if (n + 3 >= buflen) break;
      buf[n++] = ';';
      buf[n++] = ' ';
    } else {
      buf[n++] = *p;
    }
  }
  buf[n] = '\0';
  if (n == 0) snprintf(buf, buflen, "unknown libvips error");
  g_free(text);
}

/* libvips also prints its warnings (e.g. "error in tile 0 x 152" before a decode fails) on
 * stderr; what matters reaches the caller as the error message, so they are dropped. */
static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data) {
  (void)domain, (void)level, (void)msg, (void)data;
}

int img_init(const char *argv0, char *err, size_t errlen) {
  pthread_mutex_lock(&init_lock);
  if (init_state == 0 && img_vips_open(init_msg, sizeof init_msg) != 0) init_state = -1;
  if (init_state == 0) {
    /* libvips loads its modules (HEIF, JPEG XL, PDF, ImageMagick, OpenSlide, with some forty
     * shared libraries) at its start, from VIPSHOME's lib folder: pointed elsewhere for the
     * start (when the user has not set it), so that a process starts without them; the only
     * one read here, HEIF, is loaded when a HEIF or AVIF file comes (img_need_module). */
    int own_home = getenv("VIPSHOME") == NULL;
    if (own_home) setenv("VIPSHOME", "/nonexistent/cutout-modules-on-demand", 0);
    int vips_rc = VIPS_INIT(argv0 ? argv0 : "cutout");
    if (own_home) unsetenv("VIPSHOME");
    if (vips_rc != 0) {
      char why[200];
      img_vips_error(why, sizeof why);
      snprintf(init_msg, sizeof init_msg, "cannot start libvips: %s", why);
      init_state = -1;
    } else {
      /* Every pipeline here is built once and thrown away. libvips' operation cache would
       * only hold memory, and it would hand back a stale image when a file or a reused
       * buffer changes between two loads. */
      vips_cache_set_max(0);
      /* The loaders libvips marks untrusted (FITS, MATLAB, ImageMagick, ...) are not hardened
       * against hostile files: probing a 40-byte file, FITS (cfitsio) asked for 3.4 GB
       * (found by fuzz/fuzz_mask.c). Photos come in the formats the others read. PPM/PGM
       * stays: a plain format whose size the loaders check from its header. Blocking stops
       * them loading; libvips 8.14 still probes them when it looks for a file's loader, so
       * files are opened as sources (img_open_file), which those loaders do not read. */
      vips_block_untrusted_set(TRUE);
      vips_operation_block_set("VipsForeignLoadPpm", FALSE);
      g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, drop_log, NULL);
      init_state = 1;
    }
  }
  int state = init_state;
  pthread_mutex_unlock(&init_lock);
  if (state < 0) return img_fail(err, errlen, IMG_EINIT, "%s", init_msg);
  return IMG_OK;
}

int img_ensure_init(char *err, size_t errlen) { return img_init(NULL, err, errlen); }

ct_img *img_new(int w, int h, int channels) {
  if (w <= 0 || h <= 0 || !(channels == 1 || channels == 3 || channels == 4)) return NULL;
  if ((size_t)w > SIZE_MAX / (size_t)h / (size_t)channels) return NULL;
  ct_img *im = malloc(sizeof *im);
  if (!im) return NULL;
  im->data = calloc((size_t)w * (size_t)h, (size_t)channels);
  if (!im->data) {
    free(im);
    return NULL;
  }
  im->width = w;
  im->height = h;
  im->channels = channels;
  return im;
}

ct_img *img_crop(const ct_img *im, int x, int y, int w, int h) {
  if (!im || x < 0 || y < 0 || w <= 0 || h <= 0 || x > im->width - w || y > im->height - h)
    return NULL;
  ct_img *out = img_new(w, h, im->channels);
  if (!out) return NULL;
  size_t row = (size_t)w * im->channels;
  for (int r = 0; r < h; r++)
    memcpy(out->data + r * row, im->data + ((size_t)(y + r) * im->width + x) * im->channels,
           row);
  return out;
}

const uint8_t *img_rgb_view(const ct_img *im, uint8_t **copy) {
  *copy = NULL;
  if (im->channels == 3) return im->data;
  size_t n = (size_t)im->width * im->height;
  uint8_t *c = malloc(n * 3);
  if (!c) return NULL;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *s = im->data + i * im->channels;
    c[i * 3] = s[0];
    c[i * 3 + 1] = im->channels >= 3 ? s[1] : s[0];
    c[i * 3 + 2] = im->channels >= 3 ? s[2] : s[0];
  }
  *copy = c;
  return c;
}

void img_free(ct_img *im) {
  if (!im) return;
  free(im->data);
  free(im);
}

void img_set_max_pixels(uint64_t n) { atomic_store(&max_pixels, n); }

uint64_t img_get_max_pixels(void) { return atomic_load(&max_pixels); }

VipsImage *img_to_vips(const ct_img *im) {
  size_t size = (size_t)im->width * im->height * im->channels;
  VipsImage *raw = vips_image_new_from_memory(im->data, size, im->width, im->height,
                                              im->channels, VIPS_FORMAT_UCHAR);
  if (!raw) return NULL;
  VipsImage *tagged = NULL;
  VipsInterpretation type = im->channels >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
  int rc = vips_copy(raw, &tagged, "interpretation", type, NULL);
  g_object_unref(raw);
  return rc ? NULL : tagged;
}

const char *img_library_version(void) {
  static char version[64];
  char why[256];
  if (img_init(NULL, why, sizeof why)) return "libvips did not start";
  snprintf(version, sizeof version, "libvips %s", vips_version_string());
  return version;
}

#ifndef CUTOUT_VIPS_MODULE_DIR
#define CUTOUT_VIPS_MODULE_DIR ""
#endif

static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;

int img_need_module(const char *module, const char *op) {
  if (vips_type_find("VipsOperation", op)) return 0; /* built in, or loaded */
  pthread_mutex_lock(&module_lock);
  if (!vips_type_find("VipsOperation", op) && CUTOUT_VIPS_MODULE_DIR[0] &&
      g_module_supported()) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.so", CUTOUT_VIPS_MODULE_DIR, module);
    GModule *m = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (m) g_module_make_resident(m); /* its types stay registered */
  }
  pthread_mutex_unlock(&module_lock);
  return vips_type_find("VipsOperation", op) ? 0 : -1;
}
