/* Content hashes for the prepared-model cache: XXH3 (xxHash 0.8, header-only here), 128 and
 * 64 bits, with AVX2 where the CPU has it (the same values either way). */
#ifndef CUTOUT_NN_HASH_H
#define CUTOUT_NN_HASH_H
#include <stddef.h>
#include <stdint.h>

typedef struct nn_hash128 {
  uint64_t high, low;
} nn_hash128;

nn_hash128 nn_hash128_of(const void *p, size_t n);
uint64_t nn_hash64_of(const void *p, size_t n);

/* The 128-bit hash of bytes given piece by piece (nn_hasher_add), as of their concatenation.
 * NULL when out of memory; nn_hasher_done frees it. */
typedef struct nn_hasher nn_hasher;
nn_hasher *nn_hasher_new(void);
void nn_hasher_add(nn_hasher *h, const void *p, size_t n);
nn_hash128 nn_hasher_done(nn_hasher *h);

/* The 128-bit hash of len bytes of the file fd from offset off, read piece by piece through
 * a small mapping, so that the process never holds more than 32 MiB of the file's pages.
 * 0, or -1 when the file cannot be mapped that far (errno) or on no memory. */
int nn_hash128_fd(int fd, uint64_t off, uint64_t len, nn_hash128 *out);

#endif
