/* Path arithmetic for batch runs: which names are photos, relative paths made safe, and
 * the output name of an input. Pure string work: nothing here touches the file system. */
#ifndef CUTOUT_BATCH_PATHS_H
#define CUTOUT_BATCH_PATHS_H
#include <stddef.h>

/* 1 when name ends in .jpg, .jpeg, .png, .webp, .tif or .tiff (any case), or .heic/.heif
 * when heif is set. */
int bt_is_image_name(const char *name, int heif);

enum {
  BT_PATH_OK = 0,
  BT_PATH_EMPTY = -1,    /* nothing left ("", ".", "a/..") */
  BT_PATH_ABSOLUTE = -2, /* starts with '/' where a relative path was wanted */
  BT_PATH_ESCAPES = -3,  /* '..' climbs above the start */
  BT_PATH_TOO_LONG = -4  /* does not fit the buffer */
};

/* A relative path with "." and empty components dropped and "x/.." folded, components joined
 * by single '/'. BT_PATH_OK, or the reason it is refused. */
int bt_rel_normalize(const char *path, char *out, size_t len);

/* An absolute path with the same folding ("/.." stays "/"); BT_PATH_ABSOLUTE is returned
 * for a relative one. */
int bt_abs_normalize(const char *path, char *out, size_t len);

/* When the normalised absolute path abs lies strictly inside the normalised absolute folder
 * base, writes its path relative to base into rel and returns 0; -1 otherwise. */
int bt_rel_under(const char *abs, const char *base, char *rel, size_t len);

/* The output's path relative to OUT_DIR for input rel: rel with its extension (the last '.'
 * of its last component, unless that component starts with it) replaced by "." ext, or with
 * keep_ext, rel + "." ext (so "a.jpg" and "a.png" give distinct "a.jpg.png" and "a.png.png").
 * 0, or -1 when it does not fit. */
int bt_output_rel(const char *rel, const char *ext, int keep_ext, char *out, size_t len);

/* The error text for a BT_PATH_* code. */
const char *bt_path_error(int code);

#endif
