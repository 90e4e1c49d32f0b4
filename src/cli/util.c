/* Helpers shared by the subcommands. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/image.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cutout: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_check_output(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!img_can_save(path)) {
    cli_error("cannot write '%s': unknown image type (name it .png, .webp, .jpg or .tif)", path);
    return -1;
  }
  char dir[PATH_MAX];
  if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) + (slash == path), path);
  else snprintf(dir, sizeof dir, ".");
  if (access(dir, W_OK | X_OK) != 0) {
    cli_error("cannot write '%s': folder '%s' %s", path, dir,
              access(dir, F_OK) ? "does not exist" : "is not writable");
    return -1;
  }
  return 0;
}

int cli_parse_int(const char *s) {
  if (!s || !*s) return -1;
  char *end;
  long v = strtol(s, &end, 10);
  if (*end || v <= 0 || v > 4096) return -1;
  return (int)v;
}

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int cli_make_dir(const char *path) {
  struct stat st;
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    cli_error("cannot make the folder '%s': %s", path, strerror(errno));
    return -1;
  }
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    cli_error("'%s' is not a folder", path);
    return -1;
  }
  return 0;
}
