/* Listing the image files of a folder, in a stable order. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "data/synth.h"

static int is_image_name(const char *name) {
  static const char *const ext[] = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"};
  const char *dot = strrchr(name, '.');
  if (!dot || name[0] == '.') return 0;
  for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
    if (!strcasecmp(dot, ext[i])) return 1;
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void syn_free_names(char **names, int n) {
  if (!names) return;
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}

int syn_list_images(const char *dir, char ***names, char *err, size_t errlen) {
  *names = NULL;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "cannot read folder '%s': %s", dir, strerror(errno));
    return -1;
  }
  int n = 0, cap = 0;
  char **list = NULL;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!is_image_name(e->d_name)) continue;
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(list, cap * sizeof *grown);
      if (!grown) goto oom;
      list = grown;
    }
    if (!(list[n] = strdup(e->d_name))) goto oom;
    n++;
  }
  closedir(d);
  if (n) qsort(list, n, sizeof *list, by_name);
  *names = list;
  return n;
oom:
  closedir(d);
  syn_free_names(list, n);
  snprintf(err, errlen, "out of memory listing '%s'", dir);
  return -1;
}
