/* The web page's files, embedded in the program at build time (cmake/embed.cmake turns
 * web/ into a generated C file). */
#ifndef CUTOUT_SERVE_ASSETS_H
#define CUTOUT_SERVE_ASSETS_H

#include <stddef.h>

typedef struct sv_web_file {
  const char *name; /* "index.html", "app.js", ... */
  const unsigned char *data;
  size_t len;
} sv_web_file;

extern const sv_web_file sv_web_files[];
extern const size_t sv_web_file_count;

/* The file served at a URL path ("/" is index.html), or NULL; *media_type is set from its
 * extension. */
const sv_web_file *sv_web_find(const char *path, const char **media_type);

#endif
