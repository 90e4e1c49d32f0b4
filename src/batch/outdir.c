/* The output folder of a batch run: writes stay inside it. */
#include "batch/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/paths.h"

/* mkdir -p */
static int make_dirs(const char *path, char *err, size_t errlen) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
    snprintf(err, errlen, "the output folder's name is too long");
    return -1;
  }
  for (char *p = buf + 1;; p++) {
    if (*p != '/' && *p) continue;
    char c = *p;
    *p = 0;
    struct stat st;
    if (stat(buf, &st) != 0) {
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make the folder '%s': %s", buf, strerror(errno));
        return -1;
      }
    } else if (!S_ISDIR(st.st_mode)) {
      snprintf(err, errlen, "'%s' is not a folder", buf);
      return -1;
    }
    *p = c;
    if (!c) return 0;
  }
}

int bt_outdir_open(bt_outdir *o, const char *path, char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--;
  if (len == 0) {
    snprintf(err, errlen, "no output folder given");
    return -1;
  }
  if (!(o->path = strndup(path, len))) goto oom;
  if (make_dirs(o->path, err, errlen)) goto fail;
  struct stat st;
  if (!(o->real = realpath(o->path, NULL)) || stat(o->real, &st) != 0) {
    snprintf(err, errlen, "cannot open the output folder '%s': %s", o->path, strerror(errno));
    goto fail;
  }
  if (access(o->real, W_OK | X_OK) != 0) {
    snprintf(err, errlen, "cannot write into the output folder '%s': %s", o->path,
             strerror(errno));
    goto fail;
  }
  o->dev = st.st_dev;
  o->ino = st.st_ino;
  return 0;
oom:
  snprintf(err, errlen, "out of memory");
fail:
  bt_outdir_close(o);
  return -1;
}

void bt_outdir_close(bt_outdir *o) {
  free(o->path);
  free(o->real);
  memset(o, 0, sizeof *o);
}

int bt_outdir_contains(const bt_outdir *o, const char *dir) {
  char real[PATH_MAX], rel[PATH_MAX];
  if (!realpath(dir, real)) return 0;
  return !strcmp(real, o->real) || !bt_rel_under(real, o->real, rel, sizeof rel);
}

int bt_outdir_prepare(const bt_outdir *o, const char *out_rel, char *path, size_t pathlen,
                      char *err, size_t errlen) {
  int n = snprintf(path, pathlen, "%s/%s", o->path, out_rel);
  if (n < 0 || (size_t)n >= pathlen) {
    snprintf(err, errlen, "the output path for '%s' is too long", out_rel);
    return -1;
  }
  size_t root = strlen(o->path) + 1;
  struct stat st;
  for (char *p = path + root; (p = strchr(p, '/')); p++) {
    *p = 0;
    int rc = lstat(path, &st);
    if (rc != 0 && errno == ENOENT) {
      if (mkdir(path, 0777) == 0) {
        *p = '/';
        continue;
      }
      if (errno != EEXIST) {
        snprintf(err, errlen, "cannot make the folder '%s': %s", path, strerror(errno));
        *p = '/';
        return -1;
      }
      rc = lstat(path, &st); /* made meanwhile by another worker */
    }
    if (rc != 0) {
      snprintf(err, errlen, "cannot open the folder '%s': %s", path, strerror(errno));
      *p = '/';
      return -1;
    }
    if (S_ISLNK(st.st_mode) && !bt_outdir_contains(o, path)) {
      snprintf(err, errlen, "refused: '%s' is a link to a folder outside the output folder "
               "'%s'", path, o->path);
      *p = '/';
      return -1;
    }
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
      snprintf(err, errlen, "cannot write into '%s': not a folder", path);
      *p = '/';
      return -1;
    }
    *p = '/';
  }
  if (lstat(path, &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      snprintf(err, errlen, "refused: the output '%s' exists as a symbolic link", path);
      return -1;
    }
    if (S_ISDIR(st.st_mode)) {
      snprintf(err, errlen, "cannot write '%s': it is a folder", path);
      return -1;
    }
  }
  return 0;
}

/* ---- leftovers of interrupted writes ---- */

/* When name is ".BASE.PID.XXXXXXXX.tmp", writes BASE into base and returns PID; else 0. */
static long temp_owner(const char *name, char *base, size_t len) {
  size_t n = strlen(name);
  if (n < 1 + 1 + 1 + 1 + 1 + 8 + 4 || name[0] != '.' || strcmp(name + n - 4, ".tmp")) return 0;
  const char *hex = name + n - 4 - 8;
  if (hex[-1] != '.') return 0;
  for (int i = 0; i < 8; i++)
    if (!strchr("0123456789abcdef", hex[i])) return 0;
  const char *pid_end = hex - 1, *pid = pid_end;
  while (pid > name + 1 && pid[-1] >= '0' && pid[-1] <= '9') pid--;
  if (pid == pid_end || pid[-1] != '.' || pid - 1 <= name + 1) return 0;
  size_t b = (size_t)(pid - 1 - (name + 1));
  if (b + 1 > len) return 0;
  memcpy(base, name + 1, b);
  base[b] = 0;
  return strtol(pid, NULL, 10);
}

static int running(long pid) {
  if (pid <= 0 || pid > INT_MAX) return 0;
  if (pid == (long)getpid()) return 1;
  return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* By folder, then by name: each folder's outputs together. */
static int cmp_dir(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  const char *xs = strrchr(x, '/'), *ys = strrchr(y, '/');
  size_t xl = xs ? (size_t)(xs - x) : 0, yl = ys ? (size_t)(ys - y) : 0;
  size_t m = xl < yl ? xl : yl;
  int c = strncmp(x, y, m);
  if (c) return c;
  if (xl != yl) return xl < yl ? -1 : 1;
  return strcmp(x, y);
}

int bt_outdir_clean_temps(const bt_outdir *o, const bt_joblist *l) {
  size_t n = 0;
  char **outs = malloc((l->n ? l->n : 1) * 2 * sizeof *outs);
  if (!outs) return 0;
  for (size_t i = 0; i < l->n; i++)
    if (l->jobs[i].state == BT_PENDING && l->jobs[i].out_rel) outs[n++] = l->jobs[i].out_rel;
  char **names = outs + n; /* the same, by name, to look up */
  memcpy(names, outs, n * sizeof *outs);
  qsort(outs, n, sizeof *outs, cmp_dir);
  qsort(names, n, sizeof *names, cmp_str);
  int removed = 0;
  char dir[PATH_MAX], key[PATH_MAX], base[NAME_MAX + 1], file[PATH_MAX + NAME_MAX + 2];
  for (size_t i = 0; i < n; i++) {
    /* Each folder once: sorted by folder, a folder's outputs come together. */
    const char *slash = strrchr(outs[i], '/');
    size_t dlen = slash ? (size_t)(slash - outs[i]) : 0;
    if (i > 0) {
      const char *ps = strrchr(outs[i - 1], '/');
      size_t plen = ps ? (size_t)(ps - outs[i - 1]) : 0;
      if (plen == dlen && !strncmp(outs[i - 1], outs[i], dlen)) continue;
    }
    snprintf(dir, sizeof dir, "%s%s%.*s", o->path, dlen ? "/" : "", (int)dlen, outs[i]);
    DIR *d = opendir(dir);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d))) {
      long pid = temp_owner(e->d_name, base, sizeof base);
      if (!pid) continue;
      snprintf(key, sizeof key, "%.*s%s%s", (int)dlen, outs[i], dlen ? "/" : "", base);
      const char *k = key;
      if (!bsearch(&k, names, n, sizeof *names, cmp_str) || running(pid)) continue;
      snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
      if (unlink(file) == 0) removed++;
    }
    closedir(d);
  }
  free(outs);
  return removed;
}
