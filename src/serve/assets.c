/* Looking up the embedded web files by URL path. */
#include "serve/assets.h"

#include <string.h>

static const struct {
  const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
};

const sv_web_file *sv_web_find(const char *path, const char **media_type) {
  if (!path || path[0] != '/') return NULL;
  const char *name = path[1] ? path + 1 : "index.html";
  for (size_t i = 0; i < sv_web_file_count; i++) {
    if (strcmp(sv_web_files[i].name, name)) continue;
    const char *dot = strrchr(name, '.');
    *media_type = "application/octet-stream";
    for (size_t t = 0; dot && t < sizeof types / sizeof *types; t++)
      if (!strcmp(dot, types[t].ext)) *media_type = types[t].type;
    return &sv_web_files[i];
  }
  return NULL;
}
