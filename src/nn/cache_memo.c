/* Content hashes remembered by file identity (nn/cache_memo.h). */
#include "nn/cache_memo.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MEMO_MAGIC "cutmemo1"

typedef struct memo {
  char magic[8];
  uint64_t dev, ino, size;
  int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
  uint64_t hash[2];
  uint64_t check; /* XXH3-64 of the fields above */
} memo;

static void fill(memo *m, const struct stat *st, nn_hash128 h) {
  memset(m, 0, sizeof *m);
  memcpy(m->magic, MEMO_MAGIC, 8);
  m->dev = (uint64_t)st->st_dev;
  m->ino = (uint64_t)st->st_ino;
  m->size = (uint64_t)st->st_size;
  m->mtime_s = st->st_mtim.tv_sec;
  m->mtime_ns = st->st_mtim.tv_nsec;
  m->ctime_s = st->st_ctim.tv_sec;
  m->ctime_ns = st->st_ctim.tv_nsec;
  m->hash[0] = h.high;
  m->hash[1] = h.low;
  m->check = nn_hash64_of(m, offsetof(memo, check));
}

int nn_memo_settled(const struct stat *st) {
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME_COARSE, &now)) return 0;
  return now.tv_sec > st->st_ctim.tv_sec ||
         (now.tv_sec == st->st_ctim.tv_sec && now.tv_nsec > st->st_ctim.tv_nsec);
}

int nn_memo_get(const char *path, const struct stat *st, nn_hash128 *h) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  memo m, want;
  int ok = read(fd, &m, sizeof m) == (ssize_t)sizeof m;
  close(fd);
  if (!ok) return 0;
  fill(&want, st, (nn_hash128){m.hash[0], m.hash[1]});
  if (memcmp(&m, &want, sizeof m)) return 0; /* another file, a changed one, or damaged */
  h->high = m.hash[0];
  h->low = m.hash[1];
  return 1;
}

void nn_memo_put(const char *path, const struct stat *st, nn_hash128 h) {
  char tmp[1200];
  if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) return;
  int fd = mkstemp(tmp);
  if (fd < 0) return;
  memo m;
  fill(&m, st, h);
  int ok = write(fd, &m, sizeof m) == (ssize_t)sizeof m;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) unlink(tmp);
}
