/* Reading a list file of inputs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/inputs.h"
#include "batch/paths.h"

typedef struct base_dir {
  const char *given;
  char lexical[PATH_MAX]; /* absolute, folded without looking at the disk */
  char real[PATH_MAX];    /* realpath(), or "" */
} base_dir;

static int base_open(base_dir *b, const char *given) {
  char cwd[PATH_MAX], joined[2 * PATH_MAX + 2];
  b->given = given;
  if (given[0] == '/') {
    snprintf(joined, sizeof joined, "%s", given);
  } else {
    if (!getcwd(cwd, sizeof cwd)) return -1;
    snprintf(joined, sizeof joined, "%s/%s", cwd, given);
  }
  if (bt_abs_normalize(joined, b->lexical, sizeof b->lexical)) return -1;
  if (!realpath(given, b->real)) b->real[0] = 0;
  return 0;
}

/* The rel of an absolute entry inside the base, looked at lexically and then through the
 * links of both; -1 when it lies outside. */
static int abs_rel(const base_dir *b, const char *entry, char *rel, size_t len) {
  char norm[PATH_MAX], real[PATH_MAX];
  if (bt_abs_normalize(entry, norm, sizeof norm)) return -1;
  if (!bt_rel_under(norm, b->lexical, rel, len)) return 0;
  if (b->real[0] && !bt_rel_under(norm, b->real, rel, len)) return 0;
  /* The folder holding the entry, resolved: the file itself may be a link elsewhere. */
  char *slash = strrchr(norm, '/');
  if (b->real[0] && slash && slash != norm) {
    *slash = 0;
    if (realpath(norm, real)) {
      size_t n = strlen(real);
      if (n + 1 + strlen(slash + 1) + 1 <= sizeof real) {
        real[n] = '/';
        strcpy(real + n + 1, slash + 1);
        if (!bt_rel_under(real, b->real, rel, len)) return 0;
      }
    }
  }
  return -1;
}

/* One line of the list (newline removed). 0, or -1 when out of memory. */
static int entry(const base_dir *b, const char *line, bt_joblist *l) {
  char rel[PATH_MAX], in[2 * PATH_MAX + 2];
  if (line[0] == '/') {
    if (abs_rel(b, line, rel, sizeof rel))
      return bt_joblist_add_failed(l, line, "'%s' is outside '%s', the folder the list's paths "
                                   "are taken from (give the folder holding it as IN_DIR)",
                                   line, b->given) ? 0 : -1;
    snprintf(in, sizeof in, "%s", line);
  } else {
    int rc = bt_rel_normalize(line, rel, sizeof rel);
    if (rc)
      return bt_joblist_add_failed(l, line, "list entry '%s' %s: refused (its output would "
                                   "lie outside the output folder)", line,
                                   bt_path_error(rc)) ? 0 : -1;
    snprintf(in, sizeof in, "%s/%s", b->given, line);
  }
  struct stat st;
  if (stat(in, &st) != 0)
    return bt_joblist_add_failed(l, rel, "cannot open '%s': %s", in, strerror(errno)) ? 0 : -1;
  if (S_ISDIR(st.st_mode))
    return bt_joblist_add_failed(l, rel, "'%s' is a folder, not an image", in) ? 0 : -1;
  bt_job *j = bt_joblist_add(l, rel, in);
  if (!j) return -1;
  j->dev = st.st_dev;
  j->ino = st.st_ino;
  return 0;
}

int bt_read_list(const char *list, const char *base, bt_joblist *l, char *err, size_t errlen) {
  int from_stdin = !strcmp(list, "-");
  FILE *f = from_stdin ? stdin : fopen(list, "r");
  if (!f) {
    snprintf(err, errlen, "cannot read the list '%s': %s", list, strerror(errno));
    return -1;
  }
  base_dir b;
  if (base_open(&b, base)) {
    snprintf(err, errlen, "cannot resolve the folder '%s'", base);
    if (!from_stdin) fclose(f);
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0 || line[0] == '#') continue;
    if (strlen(line) != (size_t)n) { /* a NUL inside: not a list of paths */
      snprintf(err, errlen, "'%s' is not a list of paths (it holds NUL bytes)", list);
      rc = -1;
    } else if (entry(&b, line, l)) {
      snprintf(err, errlen, "out of memory reading the list '%s'", list);
      rc = -1;
    }
  }
  if (rc == 0 && ferror(f)) {
    snprintf(err, errlen, "cannot read the list '%s': %s", list, strerror(errno));
    rc = -1;
  }
  free(line);
  if (!from_stdin) fclose(f);
  return rc;
}
