/* The prepared-model cache (nn/cache.h). */
#include "nn/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine_id.h"
#include "nn/cache_memo.h"
#include "nn/hash.h"
#include "nn/isa.h"
#include "nn/layout.h"
#include "nn/nn.h"
#include "nn/onnx.h"
#include "nn/ops/conv_common.h"
#include "nn/passes/passes.h"
#include "nn/precision.h"
#include "nn/serial.h"

#define MAGIC "CUTOUTPG"
#define HEADER_VERSION 1u
#define HEADER_BYTES 4096 /* the data that follows starts page-aligned */
#define SUFFIX ".prepared"
#define MEMO_SUFFIX ".checked" /* beside each: its content hash remembered (nn/cache_memo.h) */
#define MODEL_MEMO_SUFFIX ".modelhash" /* a model file's hash, by device and inode */

/* The memo's name beside a cache file's (a path or a bare name); 0 when it does not fit. */
static int memo_of(char *buf, size_t len, const char *file) {
  return snprintf(buf, len, "%s%s", file, MEMO_SUFFIX) < (int)len;
}

typedef struct header {
  char magic[8];
  uint32_t version, key_len;
  uint64_t meta_off, meta_len, data_off, data_len, file_len;
  uint64_t payload_hash[2]; /* XXH3-128 of bytes [meta_off, file_len) */
  uint64_t header_hash;     /* XXH3-64 of the header with this field 0 */
  char key[HEADER_BYTES - 8 - 2 * 4 - 5 * 8 - 3 * 8];
} header;
_Static_assert(sizeof(header) == HEADER_BYTES, "the header is one page");

static void note(nn_load_info *info, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(info->note, sizeof info->note, fmt, ap);
  va_end(ap);
}

static int key_of(char *key, size_t len, nn_hash128 h, size_t size, int outputs) {
  const dnnl_version_t *v = dnnl_version();
  int n = snprintf(key, len,
                   "cutout prepared graph\nmodel %016llx%016llx %zu bytes, %d outputs\n"
                   "engine %s\noneDNN %d.%d.%d %s\nisa %s\nlayout %d\nbf16 %d\nconv %s%s\n",
                   (unsigned long long)h.high, (unsigned long long)h.low, size, outputs,
                   NN_ENGINE_ID, v->major, v->minor, v->patch, v->hash ? v->hash : "",
                   nn_isa_name(nn_cpu_isa()), nn_layout_active(), nn_use_bf16(),
                   nn_conv_wino_on() ? "winograd-avx2" : "onednn",
                   nn_few_runs_key() ? ", few runs" : "");
  return n > 0 && (size_t)n < len;
}

/* ---- reading ---- */

/* The graph of a cache file; 1 (with info->note) when it is missing or cannot be used. */
static int read_cache(const char *file, const char *key, nn_graph **out, nn_load_info *info,
                      nn_err *err) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) note(info, "cannot open the cache file: %s", strerror(errno));
    return 1;
  }
  struct stat st;
  header h;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER_BYTES ||
      pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
    close(fd);
    note(info, "%s", "the cache file is shorter than its header");
    return 1;
  }
  size_t size = (size_t)st.st_size;
  int settled = nn_memo_settled(&st);
  char memo[1200];
  memo_of(memo, sizeof memo, file);
  uint64_t hh = h.header_hash;
  h.header_hash = 0;
  const char *why = NULL;
  if (memcmp(h.magic, MAGIC, 8) || h.version != HEADER_VERSION)
    why = "not a cache file of this version";
  else if (nn_hash64_of(&h, sizeof h) != hh)
    why = "its header is damaged";
  else if (h.key_len >= sizeof h.key || strlen(key) != h.key_len || memcmp(h.key, key, h.key_len))
    why = "it was made for another model, engine or CPU";
  else if (h.file_len != size)
    why = "it is truncated or has grown";
  else if (h.meta_off != HEADER_BYTES || h.meta_len > size - HEADER_BYTES ||
           h.data_off % 4096 || h.data_off < h.meta_off + h.meta_len || h.data_off > size ||
           h.data_len != size - h.data_off)
    why = "its sections are out of place";
  /* the content is checked a window at a time (nn_hash128_fd), not through the mapping the
   * graph keeps: the weights' pages come in as the nodes that use them run (and go after:
   * nn_graph_drop_pages), so the process never holds the whole file at once */
  nn_hash128 ph;
  int remembered = 0; /* unchanged since its bytes were last hashed whole (nn/cache_memo.h) */
  if (!why && nn_memo_get(memo, &st, &ph) && ph.high == h.payload_hash[0] &&
      ph.low == h.payload_hash[1])
    remembered = 1;
  else if (!why && nn_hash128_fd(fd, h.meta_off, size - h.meta_off, &ph) != 0)
    why = "it cannot be read";
  else if (!why && (ph.high != h.payload_hash[0] || ph.low != h.payload_hash[1]))
    why = "its content does not match its hash (damaged)";
  if (!why && !remembered && settled) nn_memo_put(memo, &st, ph);
  void *map = NULL;
  if (!why) {
    map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      map = NULL;
      why = "it cannot be mapped";
    }
  }
  close(fd);
  nn_graph *g = NULL;
  nn_packed *packed = NULL;
  nn_err e = {0};
  if (!why && nn_graph_deserialize((char *)map + h.meta_off, h.meta_len, (char *)map + h.data_off,
                                   h.data_len, &g, &packed, &e))
    why = e.msg;
  else if (!why && !g)
    why = "it holds no graph";
  if (g) {
    g->map = map; /* the graph's constants point into it */
    g->map_size = size;
    map = NULL;
    /* weights that do not fit the kernels oneDNN makes now (their plain copies are not
     * kept) make the pack fail: the file is then rebuilt */
    if (nn_pass_pack(g, packed, 1, &e)) {
      why = e.msg;
      nn_graph_free(g);
      g = NULL;
    }
  }
  free(packed);
  if (map) munmap(map, size);
  if (why) {
    note(info, "the cache file could not be used: %s", why);
    return 1;
  }
  (void)err;
  /* used now: kept longest by the clean-up (the memo's time, where there is one, so that
   * the file itself keeps the ctime its memo holds) */
  if (utimensat(AT_FDCWD, memo, NULL, 0) != 0) utimensat(AT_FDCWD, file, NULL, 0);
  *out = g;
  return 0;
}

/* ---- writing ---- */

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = write(fd, c, n > ((size_t)1 << 30) ? (size_t)1 << 30 : n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

static int write_zeros(int fd, size_t n) {
  static const char zeros[4096];
  while (n) {
    size_t k = n < sizeof zeros ? n : sizeof zeros;
    if (write_all(fd, zeros, k)) return -1;
    n -= k;
  }
  return 0;
}

/* folder and its parents, as mkdir -p */
static int make_dirs(const char *dir) {
  char path[1024];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) return -1;
  for (char *p = path + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(path, 0755) != 0 && errno != EEXIST) return -1;
      *p = '/';
    }
  return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* The files of the folder beyond NN_CACHE_MAX_BYTES, those used longest ago first, but for
 * keep (the one just written). */
static void clean_up(const char *dir, const char *keep) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct entry {
    char name[256];
    off_t size;
    struct timespec used;
  } *list = NULL;
  int n = 0, cap = 0;
  uint64_t total = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    struct stat st;
    if (len <= strlen(SUFFIX) || len >= 256 || strcmp(de->d_name + len - strlen(SUFFIX), SUFFIX) ||
        fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 16;
      struct entry *l = realloc(list, sizeof *l * (size_t)cap);
      if (!l) break;
      list = l;
    }
    memcpy(list[n].name, de->d_name, len + 1);
    list[n].size = st.st_size;
    list[n].used = st.st_mtim;
    char memo[256 + sizeof MEMO_SUFFIX];
    struct stat ms; /* a file with a memo: last used when the memo was touched */
    memo_of(memo, sizeof memo, de->d_name);
    if (!fstatat(dirfd(d), memo, &ms, AT_SYMLINK_NOFOLLOW) &&
        (ms.st_mtim.tv_sec > st.st_mtim.tv_sec ||
         (ms.st_mtim.tv_sec == st.st_mtim.tv_sec && ms.st_mtim.tv_nsec > st.st_mtim.tv_nsec)))
      list[n].used = ms.st_mtim;
    total += (uint64_t)st.st_size;
    n++;
  }
  while (total > NN_CACHE_MAX_BYTES) {
    int oldest = -1;
    for (int i = 0; i < n; i++) {
      if (!list[i].name[0] || !strcmp(list[i].name, keep)) continue;
      if (oldest < 0 || list[i].used.tv_sec < list[oldest].used.tv_sec ||
          (list[i].used.tv_sec == list[oldest].used.tv_sec &&
           list[i].used.tv_nsec < list[oldest].used.tv_nsec))
        oldest = i;
    }
    if (oldest < 0) break;
    unlinkat(dirfd(d), list[oldest].name, 0);
    char memo[256 + sizeof MEMO_SUFFIX];
    if (memo_of(memo, sizeof memo, list[oldest].name)) unlinkat(dirfd(d), memo, 0);
    total -= (uint64_t)list[oldest].size;
    list[oldest].name[0] = 0;
  }
  free(list);
  closedir(d);
}

/* The content hash of the file just written, remembered (nn/cache_memo.h) once the clock has
 * moved past its ctime (a few milliseconds at most), so that the next load need not read it
 * through. */
static void remember_written(const char *file, const uint64_t hash[2]) {
  char memo[1200];
  struct stat st;
  if (!memo_of(memo, sizeof memo, file)) return;
  for (int i = 0; i < 50 && stat(file, &st) == 0; i++) {
    if (nn_memo_settled(&st)) {
      nn_memo_put(memo, &st, (nn_hash128){hash[0], hash[1]});
      return;
    }
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  }
}

/* g as a cache file under the name file; 1 (with info->note) when it cannot be written. */
static int write_cache(const char *dir, const char *file, const char *key, const nn_graph *g,
                       nn_load_info *info) {
  nn_serial s;
  nn_err e = {0};
  if (nn_graph_serialize(g, &s, &e)) {
    note(info, "the model cannot be kept in the cache: %s", e.msg);
    return 1;
  }
  header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, MAGIC, 8);
  h.version = HEADER_VERSION;
  h.key_len = (uint32_t)strlen(key);
  memcpy(h.key, key, h.key_len);
  h.meta_off = HEADER_BYTES;
  h.meta_len = s.meta_len;
  h.data_off = (h.meta_off + h.meta_len + 4095) / 4096 * 4096;
  h.data_len = s.data_len;
  h.file_len = h.data_off + h.data_len;
  /* the payload's hash, over the bytes as they will be in the file */
  nn_hasher *hs = nn_hasher_new();
  int rc = hs == NULL;
  static const char zeros[4096];
  uint64_t at = 0; /* offset in the data section */
  if (hs) {
    nn_hasher_add(hs, s.meta, s.meta_len);
    nn_hasher_add(hs, zeros, h.data_off - h.meta_off - h.meta_len);
    for (int i = 0; i < s.n_blobs; i++) {
      for (uint64_t z = s.blobs[i].off - at; z; ) { /* (padding: under 64 bytes) */
        size_t k = z < sizeof zeros ? (size_t)z : sizeof zeros;
        nn_hasher_add(hs, zeros, k);
        z -= k;
      }
      nn_hasher_add(hs, s.blobs[i].data, s.blobs[i].len);
      at = s.blobs[i].off + s.blobs[i].len;
    }
    nn_hash128 ph = nn_hasher_done(hs);
    h.payload_hash[0] = ph.high;
    h.payload_hash[1] = ph.low;
    h.header_hash = nn_hash64_of(&h, sizeof h);
  }
  char tmp[1100];
  int fd = -1;
  if (rc) {
    note(info, "%s", "out of memory hashing the cache file");
  } else if (make_dirs(dir) != 0) {
    note(info, "cannot make the cache folder: %s", strerror(errno));
    rc = 1;
  } else if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", file) >= (int)sizeof tmp ||
             (fd = mkstemp(tmp)) < 0) {
    note(info, "cannot write in the cache folder: %s", strerror(errno));
    rc = 1;
  }
  if (!rc) {
    rc = write_all(fd, &h, sizeof h) || write_all(fd, s.meta, s.meta_len) ||
         write_zeros(fd, h.data_off - h.meta_off - h.meta_len);
    at = 0;
    for (int i = 0; i < s.n_blobs && !rc; i++) {
      rc = write_zeros(fd, s.blobs[i].off - at) ||
           write_all(fd, s.blobs[i].data, s.blobs[i].len);
      at = s.blobs[i].off + s.blobs[i].len;
    }
    int saved = errno;
    if (close(fd) != 0 && !rc) {
      rc = 1;
      saved = errno;
    }
    if (!rc && rename(tmp, file) != 0) {
      rc = 1;
      saved = errno;
    }
    if (rc) {
      unlink(tmp); /* a partial file is never left behind */
      note(info, "cannot write the cache file: %s", strerror(saved));
    }
  }
  nn_serial_free(&s);
  if (!rc) remember_written(file, h.payload_hash);
  if (!rc) {
    const char *base = strrchr(file, '/');
    clean_up(dir, base ? base + 1 : file);
  }
  return rc;
}

/* The cache file's name for key into info->file; 0 when it is too long (info says so). */
static int file_of(const char *dir, const char *key, nn_load_info *info) {
  uint64_t name = nn_hash64_of(key, strlen(key));
  if (snprintf(info->file, sizeof info->file, "%s/%016llx%s", dir, (unsigned long long)name,
               SUFFIX) < (int)sizeof info->file)
    return 1;
  info->file[0] = 0;
  note(info, "%s", "the cache folder's name is too long");
  return 0;
}

/* The model file's hash and size, read without mapping it (a hit never needs its pages),
 * or remembered in dir from an earlier load of the same unchanged file; 1 when it cannot be
 * read (nn_map_file then says why). */
static int hash_model(const char *dir, const char *path, nn_hash128 *h, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  struct stat st;
  int rc = fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
           (uint64_t)st.st_size > NN_MAX_FILE_BYTES;
  int settled = !rc && nn_memo_settled(&st);
  char memo[1200];
  uint64_t id[2] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino};
  int named = !rc && snprintf(memo, sizeof memo, "%s/%016llx%s", dir,
                              (unsigned long long)nn_hash64_of(id, sizeof id),
                              MODEL_MEMO_SUFFIX) < (int)sizeof memo;
  if (!rc && !(named && nn_memo_get(memo, &st, h))) {
    rc = nn_hash128_fd(fd, 0, (uint64_t)st.st_size, h) != 0;
    if (!rc && named && settled) nn_memo_put(memo, &st, *h);
  }
  close(fd);
  *size = (size_t)st.st_size;
  return rc;
}

int nn_load_prepared(const char *path, const nn_load_opts *o, nn_graph **out,
                     nn_load_info *info, nn_err *err) {
  nn_load_info local;
  if (!info) info = &local;
  memset(info, 0, sizeof *info);
  *out = NULL;
  char key[2048];
  const char *dir = o ? o->cache_dir : NULL;
  int outputs = o ? o->outputs : 0;
  nn_hash128 mh;
  size_t size;
  if (dir && !hash_model(dir, path, &mh, &size) && key_of(key, sizeof key, mh, size, outputs)) {
    if (!file_of(dir, key, info)) {
      info->cache = NN_CACHE_UNWRITABLE;
      dir = NULL;
    } else if (!read_cache(info->file, key, out, info, err)) {
      info->cache = NN_CACHE_HIT;
      return NN_OK;
    }
  }
  void *model;
  int rc = nn_map_file(path, &model, &size, err);
  if (rc) return rc;
  /* the key again, of the bytes being loaded (the file may have changed since) */
  if (dir && !key_of(key, sizeof key, nn_hash128_of(model, size), size, outputs)) dir = NULL;
  if (dir && !file_of(dir, key, info)) {
    info->cache = NN_CACHE_UNWRITABLE;
    dir = NULL;
  }
  rc = nn_load_buffer(model, size, outputs, out, err);
  nn_unmap_file(model, size);
  if (rc) {
    nn_err_prefix(err, path);
    return rc;
  }
  if (dir) {
    int had = info->note[0] != 0;
    if (write_cache(dir, info->file, key, *out, info))
      info->cache = NN_CACHE_UNWRITABLE;
    else
      info->cache = had ? NN_CACHE_REBUILT : NN_CACHE_WRITTEN;
  }
  return NN_OK;
}

int nn_cache_default_dir(char *buf, size_t len) {
  const char *v = getenv("CUTOUT_CACHE_DIR");
  int n;
  if (v && v[0])
    n = snprintf(buf, len, "%s", v);
  else if ((v = getenv("XDG_CACHE_HOME")) && v[0] == '/')
    n = snprintf(buf, len, "%s/cutout", v);
  else if ((v = getenv("HOME")) && v[0])
    n = snprintf(buf, len, "%s/.cache/cutout", v);
  else
    return 0;
  return n > 0 && (size_t)n < len;
}
