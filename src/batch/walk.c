/* Walking the input folder for photos. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/inputs.h"
#include "batch/paths.h"

typedef struct walker {
  bt_joblist *list;
  int heif, have_skip;
  dev_t skip_dev;
  ino_t skip_ino;
  char *path;     /* the folder walked, then the path below it being visited */
  size_t root;    /* length of the folder walked, without the '/' after it */
  size_t cap;
  struct { dev_t dev; ino_t ino; } up[256]; /* the folders being walked, for link loops */
  int depth;
} walker;

/* Extends w->path with "/" name; the new length, or 0 when out of memory. */
static size_t push(walker *w, size_t len, const char *name) {
  size_t need = len + 1 + strlen(name) + 1;
  if (need > w->cap) {
    size_t cap = need * 2;
    char *p = realloc(w->path, cap);
    if (!p) return 0;
    w->path = p;
    w->cap = cap;
  }
  w->path[len] = '/';
  strcpy(w->path + len + 1, name);
  return need - 1;
}

/* The path below the walked folder ("." for the folder itself). */
static const char *rel_of(const walker *w, size_t len) {
  return len > w->root ? w->path + w->root + 1 : ".";
}

static int walk_dir(walker *w, size_t len, const struct stat *st) {
  if (w->depth == (int)(sizeof w->up / sizeof w->up[0])) {
    if (!bt_joblist_add_failed(w->list, rel_of(w, len), "folder '%s' is nested too deeply",
                               w->path))
      return -1;
    return 0;
  }
  DIR *d = opendir(w->path);
  if (!d) {
    if (!bt_joblist_add_failed(w->list, rel_of(w, len), "cannot read folder '%s': %s", w->path,
                               strerror(errno)))
      return -1;
    return 0;
  }
  w->up[w->depth].dev = st->st_dev;
  w->up[w->depth].ino = st->st_ino;
  w->depth++;
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (errno = 0, e = readdir(d))) {
    if (e->d_name[0] == '.') continue; /* ".", "..", hidden files, temporary outputs */
    size_t n = push(w, len, e->d_name);
    if (!n) {
      rc = -1;
      break;
    }
    struct stat s;
    if (stat(w->path, &s) != 0) {
      if (bt_is_image_name(e->d_name, w->heif) &&
          !bt_joblist_add_failed(w->list, rel_of(w, n), "cannot open '%s': %s", w->path,
                                 strerror(errno)))
        rc = -1;
    } else if (S_ISDIR(s.st_mode)) {
      int loop = w->have_skip && s.st_dev == w->skip_dev && s.st_ino == w->skip_ino;
      for (int i = 0; i < w->depth && !loop; i++)
        loop = w->up[i].dev == s.st_dev && w->up[i].ino == s.st_ino;
      if (!loop) rc = walk_dir(w, n, &s);
    } else if (S_ISREG(s.st_mode) && bt_is_image_name(e->d_name, w->heif)) {
      bt_job *j = bt_joblist_add(w->list, rel_of(w, n), w->path);
      if (!j) rc = -1;
      else {
        j->dev = s.st_dev;
        j->ino = s.st_ino;
      }
    }
    w->path[len] = 0;
  }
  if (rc == 0 && errno &&
      !bt_joblist_add_failed(w->list, rel_of(w, len), "cannot read folder '%s': %s", w->path,
                             strerror(errno)))
    rc = -1;
  closedir(d);
  w->depth--;
  return rc;
}

int bt_walk(const char *dir, int heif, int have_skip, dev_t skip_dev, ino_t skip_ino,
            bt_joblist *l) {
  walker w = {.list = l, .heif = heif, .have_skip = have_skip, .skip_dev = skip_dev,
              .skip_ino = skip_ino};
  size_t len = strlen(dir);
  while (len > 1 && dir[len - 1] == '/') len--; /* "in/" walks as "in" */
  w.cap = len + 256;
  if (!(w.path = malloc(w.cap))) return -1;
  memcpy(w.path, dir, len);
  w.path[len] = 0;
  w.root = len;
  struct stat st;
  int rc;
  if (stat(w.path, &st) != 0 || !S_ISDIR(st.st_mode))
    rc = bt_joblist_add_failed(l, ".", "'%s' is not a folder", dir) ? 0 : -1;
  else
    rc = walk_dir(&w, len, &st);
  free(w.path);
  return rc;
}
