/* Where the command line finds the default model when --model is not given. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef CUTOUT_DATADIR /* the install prefix's data folder (CMake: CMAKE_INSTALL_FULL_DATADIR) */
#define CUTOUT_DATADIR "/usr/local/share"
#endif

#define MAX_PLACES 6

typedef struct {
  char dir[PATH_MAX];
  const char *why; /* how the folder was chosen, for the error message (may be "") */
} place;

static int is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Appends a folder unless it is already listed. */
static void add(place *list, int *n, const char *dir, const char *why) {
  if (*n == MAX_PLACES || !dir[0]) return;
  for (int i = 0; i < *n; i++)
    if (!strcmp(list[i].dir, dir)) return;
  snprintf(list[*n].dir, sizeof list[*n].dir, "%s", dir);
  list[*n].why = why;
  (*n)++;
}

/* The folder of the running program, or "" when it cannot be told. */
static void program_dir(char *dir, size_t len) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  dir[0] = 0;
  if (n <= 0) return;
  exe[n] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return;
  *slash = 0;
  snprintf(dir, len, "%s", exe);
}

/* The parent of folder dir ("/" for "/x"), or "" when dir has no slash. */
static void parent_of(const char *dir, char *out, size_t len) {
  const char *slash = strrchr(dir, '/');
  out[0] = 0;
  if (slash) snprintf(out, len, "%.*s", slash == dir ? 1 : (int)(slash - dir), dir);
}

const char *cli_data_dir(void) { return CUTOUT_DATADIR; }

/* dir + tail into out; 0 when it fits (a longer path cannot name a file anyway). The root
 * folder "/" counts as "" so that no path starts with "//". */
static int join(char *out, size_t len, const char *dir, const char *tail) {
  int n = snprintf(out, len, "%s%s", strcmp(dir, "/") ? dir : "", tail);
  return n >= 0 && (size_t)n < len ? 0 : -1;
}

static int places(place *list, const char *fetcher, char *fetch, size_t fetch_len) {
  int n = 0;
  char buf[PATH_MAX];
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  /* The XDG base directory rules: an unset, empty or relative XDG_DATA_HOME means
   * $HOME/.local/share. */
  if (xdg && xdg[0] == '/') {
    if (!join(buf, sizeof buf, xdg, "/cutout/models")) add(list, &n, buf, "$XDG_DATA_HOME");
  } else if (home && home[0] == '/') {
    if (!join(buf, sizeof buf, home, "/.local/share/cutout/models")) add(list, &n, buf, "");
  }
  add(list, &n, CUTOUT_DATADIR "/cutout/models", "");
  char exe_dir[PATH_MAX], up[PATH_MAX];
  program_dir(exe_dir, sizeof exe_dir);
  parent_of(exe_dir, up, sizeof up);
  const char *base = strrchr(exe_dir, '/');
  int installed = base && !strcmp(base + 1, "bin") && up[0];
  /* The model fetcher: installed beside the models' folder, or in the source tree. */
  char tail[128];
  snprintf(tail, sizeof tail, "/share/cutout/%s", fetcher);
  if (!installed || join(fetch, fetch_len, up, tail))
    snprintf(fetch, fetch_len, "scripts/%s", fetcher);
  /* Installed under another prefix than the one compiled in: that prefix's data. */
  if (installed && !join(buf, sizeof buf, up, "/share/cutout/models")) add(list, &n, buf, "");
  add(list, &n, "./models", "");
  /* A build folder inside the source tree: the source tree's models/. */
  if (!installed && up[0] && !join(buf, sizeof buf, up, "/models")) add(list, &n, buf, "");
  return n;
}

/* file from $env_name, else the first of the places that has it; fetcher names the script that
 * fetches it, for the error message. */
static int find_model(const char *file, const char *env_name, const char *fetcher,
                      const char *option, char *buf, size_t len) {
  const char *env = getenv(env_name);
  if (env && env[0]) {
    snprintf(buf, len, "%s", env);
    return 0;
  }
  place list[MAX_PLACES];
  char fetch[PATH_MAX];
  int n = places(list, fetcher, fetch, sizeof fetch);
  for (int i = 0; i < n; i++) {
    snprintf(buf, len, "%s/%s", list[i].dir, file);
    if (is_file(buf)) return 0;
  }
  char looked[MAX_PLACES * (PATH_MAX + 32)];
  size_t at = 0;
  looked[0] = 0;
  for (int i = 0; i < n && at < sizeof looked; i++)
    at += (size_t)snprintf(looked + at, sizeof looked - at, "%s%s%s%s%s", i ? ", " : "",
                           list[i].dir, list[i].why[0] ? " (" : "", list[i].why,
                           list[i].why[0] ? ")" : "");
  cli_error("no model: %s is in none of %s, and $%s is not set; put it in the first (%s --to "
            "%s) or pass %s PATH",
            file, looked, env_name, fetch, n ? list[0].dir : "DIR", option);
  buf[0] = 0;
  return -1;
}

int cli_default_model(char *buf, size_t len) {
  return find_model("isnet-fp16.onnx", "CUTOUT_MODEL", "fetch-models.sh", "--model", buf, len);
}

int cli_default_detector(char *buf, size_t len) {
  return find_model("centernet.json", "CUTOUT_DETECTOR", "fetch-tfjs-models.sh", "--detector", buf,
                    len);
}
