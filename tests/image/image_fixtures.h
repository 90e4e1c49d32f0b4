/* Fixtures for the image tests: scratch folders and images written with libvips directly. */
#ifndef CUTOUT_TESTS_IMAGE_FIXTURES_H
#define CUTOUT_TESTS_IMAGE_FIXTURES_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vips/vips.h>

#include "image/image.h"

/* A fresh folder under TMPDIR (or /tmp); the caller frees the path. */
static inline char *fx_tempdir(void) {
  const char *base = getenv("TMPDIR");
  char *path = malloc(4096);
  snprintf(path, 4096, "%s/cutout-image-XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(path)) {
    perror("mkdtemp");
    exit(1);
  }
  return path;
}

/* Removes a folder and the plain files in it (the tests make nothing deeper). */
static inline void fx_rmdir(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      snprintf(p, sizeof p, "%.3800s/%.255s", dir, e->d_name);
      chmod(p, 0700);
      if (unlink(p) != 0) fx_rmdir(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* Number of entries (other than . and ..) in a folder; -1 when it cannot be read. */
static inline int fx_count_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static inline char *fx_path(const char *dir, const char *name) {
  char *p = malloc(4096);
  snprintf(p, 4096, "%s/%s", dir, name);
  return p;
}

static inline int fx_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Whole file into memory (NULL if unreadable); *len gets its size. */
static inline uint8_t *fx_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  *len = fread(buf, 1, (size_t)n, f);
  fclose(f);
  return buf;
}

static inline void fx_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len) {
    perror(path);
    exit(1);
  }
  fclose(f);
}

/* A libvips image holding a copy of the given samples (uchar or ushort). */
static inline VipsImage *fx_vips(const void *px, int w, int h, int bands, VipsBandFormat fmt,
                          VipsInterpretation type) {
  size_t size = (size_t)w * h * bands * (fmt == VIPS_FORMAT_USHORT ? 2 : 1);
  VipsImage *raw = vips_image_new_from_memory_copy(px, size, w, h, bands, fmt);
  VipsImage *out = NULL;
  if (!raw || vips_copy(raw, &out, "interpretation", type, NULL)) {
    fprintf(stderr, "libvips: %s\n", vips_error_buffer());
    exit(1);
  }
  g_object_unref(raw);
  return out;
}

/* Reads a file with libvips as it is stored (no conversion); exits on failure. */
static inline VipsImage *fx_vips_load(const char *path) {
  VipsImage *im = vips_image_new_from_file(path, "access", VIPS_ACCESS_RANDOM, NULL);
  if (!im) {
    fprintf(stderr, "libvips: %s\n", vips_error_buffer());
    exit(1);
  }
  return im;
}

static inline uint8_t *fx_vips_pixels(VipsImage *im, size_t *len) {
  uint8_t *px = vips_image_write_to_memory(im, len);
  if (!px) {
    fprintf(stderr, "libvips: %s\n", vips_error_buffer());
    exit(1);
  }
  return px;
}

static inline void fx_init(void) {
  char err[256];
  if (img_init("test", err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    exit(1);
  }
}

#endif
