/* XXH3 hashes (nn/hash.h): the SSE2 build every x86-64 runs, and the AVX2 one of
 * hash_avx2.c where the CPU has AVX2. */
#include "nn/hash.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

nn_hash128 nn_hash128_avx2(const void *p, size_t n);

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
  if (n) XXH3_128bits_update(&h->state, p, n);
}

nn_hash128 nn_hasher_done(nn_hasher *h) {
  XXH128_hash_t d = XXH3_128bits_digest(&h->state);
  XXH_alignedFree(h);
  return (nn_hash128){d.high64, d.low64};
}

int nn_hash128_fd(int fd, uint64_t off, uint64_t len, nn_hash128 *out) {
  enum { CHUNK = 256 << 10 }; /* stays in L2 between the read and the hash */
  char *buf = malloc(CHUNK);
  nn_hasher *h = nn_hasher_new();
  int rc = buf && h ? 0 : -1;
  while (!rc && len) {
    size_t want = len < CHUNK ? (size_t)len : CHUNK;
    ssize_t got = pread(fd, buf, want, (off_t)off);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got == 0) errno = EIO; /* shorter than said */
      rc = -1;
      break;
    }
    nn_hasher_add(h, buf, (size_t)got);
    off += (uint64_t)got;
    len -= (uint64_t)got;
  }
  if (h) {
    nn_hash128 d = nn_hasher_done(h);
    if (!rc) *out = d;
  }
  free(buf);
  return rc;
}
