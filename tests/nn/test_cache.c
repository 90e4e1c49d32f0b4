/* The prepared-model cache (nn/cache.h) on a small encoder-decoder exported to ONNX:
 * the first load writes the file, later ones map it, and every load gives the same output,
 * bit for bit, as one without the cache. A damaged, truncated, foreign or garbage file, or
 * meta bytes damaged under a valid hash, is never used: the load reports it, rebuilds it and
 * still gives the same output. A model changed in place gets a file of its own, a folder
 * that cannot be written costs only the cache, and the plain copies of packed weights are
 * gone from a loaded graph. A run from a mapped file holds each node's packed weights only
 * while the node runs. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nn/cache.h"
#include "nn/hash.h"
#include "nn/nn.h"
#include "nn/op.h"
#include "nn/precision.h"
#include "train/export.h"
#include "train/models.h"

static char dir[] = "/tmp/cutout-cache-XXXXXX";
static char model[256], cache[1024];
static nn_tensor *x;

/* Resident bytes of the mapping that starts at p (/proc/self/smaps), -1 if not found. */
static long mapped_rss(const void *p) {
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return -1;
  char line[512];
  int in = 0;
  long kb = -1;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
      in = lo == (uintptr_t)p;
    else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
      break;
  }
  fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}

/* The model's output through nn_load_prepared with folder d (NULL: no cache), and what the
 * cache did. */
static nn_tensor *run(const char *d, nn_load_info *info) {
  nn_err err = {0};
  nn_graph *g = NULL;
  nn_load_opts o = {.outputs = 1, .cache_dir = d};
  int rc = nn_load_prepared(model, &o, &g, info, &err);
  CHECK(rc == NN_OK);
  if (rc) {
    fprintf(stderr, "load: %s\n", err.msg);
    return NULL;
  }
  if (info->cache == NN_CACHE_HIT) CHECK(g->map != NULL); /* its constants point there */
  /* packed weights have no plain copy left */
  int packed = 0, dropped = 0;
  for (int v = 0; v < g->n_values; v++)
    if (g->values[v].is_const && g->values[v].t.ndim == 4) {
      packed++;
      dropped += g->values[v].t.data == NULL;
    }
  CHECK(packed > 0);
  nn_tensor *y = NULL;
  /* (the file's pages mapped one by one, not as 2 MiB folios that a touch of one page
   * would map back whole) */
  if (info->cache == NN_CACHE_HIT) madvise(g->map, g->map_size, MADV_NOHUGEPAGE);
  CHECK(nn_run(g, &x, 1, &y, 1, &err) == NN_OK);
  if (info->cache == NN_CACHE_HIT) { /* each node's packed weights were let go after it ran */
    size_t whole = 0; /* bytes of whole pages inside packed weights */
    for (int i = 0; i < g->n_nodes; i++) {
      nn_packed pk;
      const nn_node *n = &g->nodes[i];
      if (!n->op->packed || !n->op->packed(n, &pk)) continue;
      uintptr_t a = ((uintptr_t)pk.data + 4095) & ~(uintptr_t)4095;
      uintptr_t b = ((uintptr_t)pk.data + pk.data_bytes) & ~(uintptr_t)4095;
      if (b > a) whole += b - a;
    }
    long rss = mapped_rss(g->map);
    CHECK(whole >= 64 * 1024 && rss >= 0);
    /* at least half of them are gone (a later touch maps the file's pages that are in the
     * page cache back in 64 KiB around it: the kernel's fault-around) */
    CHECK(rss >= 0 && (size_t)rss + whole / 2 <= g->map_size);
  }
  nn_graph_free(g);
  printf("  %-12s %d of %d weight tensors held in kernel layouts only%s%s\n",
         info->cache == NN_CACHE_OFF ? "no cache" : info->cache == NN_CACHE_HIT ? "hit"
         : info->cache == NN_CACHE_WRITTEN ? "written" : info->cache == NN_CACHE_REBUILT
         ? "rebuilt" : "unwritable", dropped, packed, info->note[0] ? ": " : "", info->note);
  return y;
}

static int same(const nn_tensor *a, const nn_tensor *b) {
  return a && b && nn_numel(a) == nn_numel(b) && !memcmp(a->data, b->data, nn_nbytes(a));
}

/* Loads through the cache expecting state; the output must equal ref. */
static void expect(const nn_tensor *ref, nn_cache_state state, const char *why) {
  nn_load_info info;
  nn_tensor *y = run(dir, &info);
  CHECK(info.cache == state);
  if (why) CHECK(strstr(info.note, why) != NULL);
  CHECK(same(y, ref));
  nn_tensor_free(y);
}

static void write_model(int seed) {
  nn_err err;
  tr_arch_cfg cfg = {.arch = TR_ENCDEC, .base = 48, .levels = 2, .batch = 1, .height = 64,
                     .width = 64, .training = 0, .seed = (uint64_t)seed};
  tr_model m;
  CHECK(tr_model_build(&cfg, &m, &err) == NN_OK);
  CHECK(tr_export_onnx(m.g, model, &err) == NN_OK);
  tr_model_free(&m);
}

static size_t file_size(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 ? (size_t)st.st_size : 0;
}

static unsigned char *slurp(size_t *n) {
  *n = file_size(cache);
  unsigned char *b = malloc(*n ? *n : 1);
  FILE *f = fopen(cache, "rb");
  CHECK(f && fread(b, 1, *n, f) == *n);
  if (f) fclose(f);
  return b;
}

static void spill(const unsigned char *b, size_t n) {
  FILE *f = fopen(cache, "wb");
  CHECK(f && fwrite(b, 1, n, f) == n);
  if (f) fclose(f);
}

/* The header's fields (nn/cache.c's layout) after magic: version, key length, then seven
 * u64: meta_off, meta_len, data_off, data_len, file_len, payload hash (2), header hash. */
#define H_META_OFF 16
#define H_META_LEN 24
#define H_PAYLOAD 56
#define H_HEADER_HASH 72
#define H_KEY 80
#define HEADER 4096

/* Hashes put right after a change, as a writer of a foreign file would have them. */
static void rehash(unsigned char *b, size_t n) {
  uint64_t meta_off;
  memcpy(&meta_off, b + H_META_OFF, 8);
  nn_hash128 ph = nn_hash128_of(b + meta_off, n - meta_off);
  memcpy(b + H_PAYLOAD, &ph.high, 8);
  memcpy(b + H_PAYLOAD + 8, &ph.low, 8);
  memset(b + H_HEADER_HASH, 0, 8);
  uint64_t hh = nn_hash64_of(b, HEADER);
  memcpy(b + H_HEADER_HASH, &hh, 8);
}

int main(void) {
  nn_set_threads(2);
  nn_err err;
  CHECK(mkdtemp(dir) != NULL);
  snprintf(model, sizeof model, "%s/model.onnx", dir);
  write_model(3);
  int64_t xd[4] = {1, 3, 64, 64};
  x = nn_tensor_new(NN_F32, 4, xd, &err);
  for (int i = 0; i < 3 * 64 * 64; i++) ((float *)x->data)[i] = (float)((i * 7919) % 1000) / 1000.0f;

  nn_load_info info;
  nn_tensor *ref = run(NULL, &info);
  CHECK(info.cache == NN_CACHE_OFF);
  expect(ref, NN_CACHE_WRITTEN, NULL);
  nn_load_opts o = {.outputs = 1, .cache_dir = dir};
  nn_graph *g;
  CHECK(nn_load_prepared(model, &o, &g, &info, &err) == NN_OK);
  nn_graph_free(g);
  snprintf(cache, sizeof cache, "%s", info.file);
  CHECK(strncmp(cache, dir, strlen(dir)) == 0 && file_size(cache) > HEADER);
  expect(ref, NN_CACHE_HIT, NULL);

  size_t n;
  unsigned char *good = slurp(&n), *b = malloc(n);
  /* a hit remembers the file's content hash beside it (nn/cache_memo.h), and so does the
   * model's: the next hit reads neither through */
  char memo[sizeof cache + 16];
  snprintf(memo, sizeof memo, "%s.checked", cache);
  CHECK(file_size(memo) > 0);
  int memos = 0;
  DIR *dd = opendir(dir);
  for (struct dirent *de; dd && (de = readdir(dd));)
    memos += strstr(de->d_name, ".modelhash") != NULL;
  if (dd) closedir(dd);
  CHECK(memos == 1);
  expect(ref, NN_CACHE_HIT, NULL);
  FILE *mf = fopen(memo, "wb"); /* a damaged memo is not believed: the file is hashed again */
  if (mf) fputs("not a memo", mf), fclose(mf);
  expect(ref, NN_CACHE_HIT, NULL);
  CHECK(file_size(memo) > strlen("not a memo")); /* and the memo made again */
  /* one byte of the weights flipped in place, the file's mtime put back as it was: its
   * ctime still moves, so the memo no longer vouches for it */
  struct stat before;
  CHECK(stat(cache, &before) == 0);
  memcpy(b, good, n);
  b[n - 100] ^= 0x40;
  spill(b, n);
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  CHECK(utimensat(AT_FDCWD, cache, times, 0) == 0);
  expect(ref, NN_CACHE_REBUILT, "damaged");
  expect(ref, NN_CACHE_HIT, NULL); /* made whole again */
  /* truncated */
  spill(good, n - 4096);
  expect(ref, NN_CACHE_REBUILT, "truncated");
  spill(good, 100);
  expect(ref, NN_CACHE_REBUILT, "shorter");
  /* made by another engine: another key, with hashes that hold */
  memcpy(b, good, n);
  char *k = strstr((char *)b + H_KEY, "oneDNN ");
  CHECK(k != NULL);
  if (k) k[7] = k[7] == '9' ? '8' : '9';
  rehash(b, n);
  spill(b, n);
  expect(ref, NN_CACHE_REBUILT, "another model");
  /* garbage */
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(i * 2654435761u >> 13);
  spill(b, n);
  expect(ref, NN_CACHE_REBUILT, "not a cache file");
  /* the graph's meta bytes damaged under hashes that hold: each load either refuses the
   * file or loads a graph that runs or fails with a message, and never reads out of bounds */
  uint64_t meta_len;
  memcpy(&meta_len, good + H_META_LEN, 8);
  int refused = 0;
  for (int t = 0; t < 60; t++) {
    memcpy(b, good, n);
    size_t at = HEADER + (size_t)((t * 2654435761u) % meta_len);
    b[at] ^= (unsigned char)(1u << (t % 8));
    rehash(b, n);
    spill(b, n);
    g = NULL;
    if (nn_load_prepared(model, &o, &g, &info, &err) == NN_OK) {
      refused += info.cache == NN_CACHE_REBUILT;
      nn_tensor *y = NULL;
      if (nn_run(g, &x, 1, &y, 1, &err) == NN_OK) nn_tensor_free(y);
      nn_graph_free(g);
    }
  }
  printf("  damaged meta bytes under valid hashes: %d of 60 loads refused the file\n", refused);
  CHECK(refused > 0);
  spill(good, n);
  expect(ref, NN_CACHE_HIT, NULL);

  /* the model changed in place: its own file, its own output */
  write_model(4);
  nn_tensor *ref2 = run(NULL, &info);
  CHECK(!same(ref, ref2));
  expect(ref2, NN_CACHE_WRITTEN, NULL);
  expect(ref2, NN_CACHE_HIT, NULL);
  CHECK(file_size(cache) == n); /* the first model's file is still there */

  /* few runs: a file of its own where it changes the kernels (float32 at AVX-512), the same
   * file elsewhere; the same results (no convolution here reaches the Winograd bound) */
  char many_file[sizeof info.file];
  CHECK(nn_load_prepared(model, &o, &g, &info, &err) == NN_OK);
  nn_graph_free(g);
  snprintf(many_file, sizeof many_file, "%s", info.file);
  nn_set_few_runs(1);
  int own = nn_few_runs_key();
  printf("few runs: %s\n", own ? "a cache file of its own" : "the same cache file");
  expect(ref2, own ? NN_CACHE_WRITTEN : NN_CACHE_HIT, NULL);
  expect(ref2, NN_CACHE_HIT, NULL);
  CHECK(nn_load_prepared(model, &o, &g, &info, &err) == NN_OK);
  nn_graph_free(g);
  CHECK(own == (strcmp(info.file, many_file) != 0));
  nn_set_few_runs(0);
  expect(ref2, NN_CACHE_HIT, NULL);

  /* a folder that cannot be made (under a regular file): the load works without it */
  char bad[300];
  snprintf(bad, sizeof bad, "%s/sub", model);
  nn_tensor *y = run(bad, &info);
  CHECK(info.cache == NN_CACHE_UNWRITABLE && strstr(info.note, "folder"));
  CHECK(same(y, ref2));
  nn_tensor_free(y);
  if (geteuid() != 0) { /* (root writes anywhere) */
    char ro[300];
    snprintf(ro, sizeof ro, "%s/ro", dir);
    CHECK(mkdir(ro, 0555) == 0);
    y = run(ro, &info);
    CHECK(info.cache == NN_CACHE_UNWRITABLE);
    CHECK(same(y, ref2));
    nn_tensor_free(y);
    rmdir(ro);
  }

  /* a model file that is not a model: the load fails with its name */
  spill(good, 0);
  FILE *f = fopen(model, "wb");
  if (f) fputs("not a model", f), fclose(f);
  g = NULL;
  CHECK(nn_load_prepared(model, &o, &g, &info, &err) != NN_OK && g == NULL);
  CHECK(strstr(err.msg, model) != NULL);

  free(good);
  free(b);
  nn_tensor_free(ref);
  nn_tensor_free(ref2);
  nn_tensor_free(x);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return CHECK_DONE();
}
