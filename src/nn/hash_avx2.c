/* XXH3-128 built for AVX2 (this file alone is compiled with -mavx2; nn/hash.c calls it
 * only where the CPU has AVX2). */
#include "nn/hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

nn_hash128 nn_hash128_avx2(const void *p, size_t n);
void nn_hasher_update_avx2(XXH3_state_t *s, const void *p, size_t n);

nn_hash128 nn_hash128_avx2(const void *p, size_t n) {
  XXH128_hash_t h = XXH3_128bits(p, n);
  return (nn_hash128){h.high64, h.low64};
}

/* (the state is the same whichever vector width updates it) */
void nn_hasher_update_avx2(XXH3_state_t *s, const void *p, size_t n) {
  XXH3_128bits_update(s, p, n);
}
