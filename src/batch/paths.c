/* Path arithmetic for batch runs (pure string work). */
#include "batch/paths.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int bt_is_image_name(const char *name, int heif) {
  static const char *const exts[] = {"jpg", "jpeg", "png", "webp", "tif", "tiff"};
  const char *slash = strrchr(name, '/');
  const char *base = slash ? slash + 1 : name;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base) return 0;
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (!strcasecmp(dot + 1, exts[i])) return 1;
  return heif && (!strcasecmp(dot + 1, "heic") || !strcasecmp(dot + 1, "heif"));
}

/* Folds the components of path (after any leading '/') into out, which starts with
 * prefix_len bytes already written ("/" or nothing). climb_ok: ".." at the start is dropped
 * (absolute paths) rather than refused. */
static int fold(const char *path, char *out, size_t len, size_t prefix_len, int climb_ok) {
  size_t n = prefix_len;
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *end = strchr(p, '/');
    size_t c = end ? (size_t)(end - p) : strlen(p);
    if (c == 1 && p[0] == '.') {
      /* nothing */
    } else if (c == 2 && p[0] == '.' && p[1] == '.') {
      if (n == prefix_len) {
        if (!climb_ok) return BT_PATH_ESCAPES;
      } else {
        while (n > prefix_len && out[n - 1] != '/') n--;
        if (n > prefix_len) n--; /* the '/' before the dropped component */
      }
    } else {
      int sep = n > prefix_len;
      if (n + sep + c + 1 > len) return BT_PATH_TOO_LONG;
      if (sep) out[n++] = '/';
      memcpy(out + n, p, c);
      n += c;
    }
    p += c;
  }
  out[n] = 0;
  return BT_PATH_OK;
}

int bt_rel_normalize(const char *path, char *out, size_t len) {
  if (len == 0) return BT_PATH_TOO_LONG;
  out[0] = 0;
  if (path[0] == '/') return BT_PATH_ABSOLUTE;
  int rc = fold(path, out, len, 0, 0);
  if (rc) {
    out[0] = 0;
    return rc;
  }
  return out[0] ? BT_PATH_OK : BT_PATH_EMPTY;
}

int bt_abs_normalize(const char *path, char *out, size_t len) {
  if (len < 2) return BT_PATH_TOO_LONG;
  out[0] = 0;
  if (path[0] != '/') return BT_PATH_ABSOLUTE;
  out[0] = '/';
  int rc = fold(path, out, len, 1, 1);
  if (rc) {
    out[0] = 0;
    return rc;
  }
  /* fold wrote components after the '/' without a separator of their own */
  return BT_PATH_OK;
}

int bt_rel_under(const char *abs, const char *base, char *rel, size_t len) {
  size_t b = strlen(base);
  if (b == 1 && base[0] == '/') b = 0; /* the root: every other absolute path is inside */
  if (strncmp(abs, base, b) != 0 || abs[b] != '/' || !abs[b + 1]) return -1;
  if (strlen(abs + b + 1) + 1 > len) return -1;
  strcpy(rel, abs + b + 1);
  return 0;
}

int bt_output_rel(const char *rel, const char *ext, int keep_ext, char *out, size_t len) {
  const char *slash = strrchr(rel, '/');
  const char *base = slash ? slash + 1 : rel;
  const char *dot = strrchr(base, '.');
  size_t stem = !keep_ext && dot && dot != base ? (size_t)(dot - rel) : strlen(rel);
  int n = snprintf(out, len, "%.*s.%s", (int)stem, rel, ext);
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *bt_path_error(int code) {
  switch (code) {
  case BT_PATH_OK: return "ok";
  case BT_PATH_EMPTY: return "names no file";
  case BT_PATH_ABSOLUTE: return "is an absolute path";
  case BT_PATH_ESCAPES: return "climbs out of its folder with '..'";
  case BT_PATH_TOO_LONG: return "is too long";
  }
  return "is not a usable path";
}
