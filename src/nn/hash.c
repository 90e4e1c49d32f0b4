/* XXH3 hashes (nn/hash.h): the SSE2 build every x86-64 runs, and the AVX2 one of
 * hash_avx2.c where the CPU has AVX2. */
#include "nn/hash.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

nn_hash128 nn_hash128_avx2(const void *p, size_t n);
void nn_hasher_update_avx2(XXH3_state_t *s, const void *p, size_t n);

nn_hash128 nn_hash128_of(const void *p, size_t n) {
#if defined(__x86_64__) && !defined(__AVX2__)
  if (__builtin_cpu_supports("avx2")) return nn_hash128_avx2(p, n);
#endif
  XXH128_hash_t h = XXH3_128bits(p, n);
  return (nn_hash128){h.high64, h.low64};
}

uint64_t nn_hash64_of(const void *p, size_t n) { return XXH3_64bits(p, n); }

struct nn_hasher {
  XXH3_state_t state;
};

nn_hasher *nn_hasher_new(void) {
  nn_hasher *h = XXH_alignedMalloc(sizeof *h, 64);
  if (h && XXH3_128bits_reset(&h->state) != XXH_OK) {
    XXH_alignedFree(h);
    h = NULL;
  }
  return h;
}

void nn_hasher_add(nn_hasher *h, const void *p, size_t n) {
  if (!n) return;
#if defined(__x86_64__) && !defined(__AVX2__)
  if (__builtin_cpu_supports("avx2")) {
    nn_hasher_update_avx2(&h->state, p, n);
    return;
  }
#endif
  XXH3_128bits_update(&h->state, p, n);
}

nn_hash128 nn_hasher_done(nn_hasher *h) {
  XXH128_hash_t d = XXH3_128bits_digest(&h->state);
  XXH_alignedFree(h);
  return (nn_hash128){d.high64, d.low64};
}

int nn_hash128_fd(int fd, uint64_t off, uint64_t len, nn_hash128 *out) {
  /* through a window mapped with its pages filled at once and unmapped after: reading the
   * pages in place costs a seventh of copying them out with pread */
  const uint64_t window = (uint64_t)32 << 20;
  struct stat st; /* (a mapping read past the file's end would fault) */
  if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < off || (uint64_t)st.st_size - off < len) {
    errno = EINVAL;
    return -1;
  }
  nn_hasher *h = nn_hasher_new();
  if (!h) return -1;
  int rc = 0;
  while (len) {
    uint64_t at = off / window * window, skip = off - at;
    uint64_t take = window - skip < len ? window - skip : len;
    void *m = mmap(NULL, (size_t)(skip + take), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
                   (off_t)at);
    if (m == MAP_FAILED) {
      rc = -1;
      break;
    }
    nn_hasher_add(h, (char *)m + skip, (size_t)take);
    munmap(m, (size_t)(skip + take));
    off += take;
    len -= take;
  }
  nn_hash128 d = nn_hasher_done(h);
  if (!rc) *out = d;
  return rc;
}
