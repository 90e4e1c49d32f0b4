/* The content hashes of nn/hash.h agree however the bytes are given: at once, piece by
 * piece (nn_hasher), or as a range of a file read through windows (nn_hash128_fd, from
 * offsets that are not page-aligned and across its 32 MiB windows); a range past the end of
 * the file is an error, not a hash. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nn/hash.h"

static int same(nn_hash128 a, nn_hash128 b) { return a.high == b.high && a.low == b.low; }

int main(void) {
  const size_t n = ((size_t)70 << 20) + 12345; /* three windows and a bit */
  unsigned char *b = malloc(n);
  CHECK(b != NULL);
  if (!b) return CHECK_DONE();
  uint64_t s = 88172645463325252ull;
  for (size_t i = 0; i < n; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    b[i] = (unsigned char)(s >> 32);
  }
  char path[] = "/tmp/cutout-hash-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return CHECK_DONE();
  unlink(path);
  for (size_t at = 0; at < n;) {
    ssize_t w = write(fd, b + at, n - at);
    CHECK(w > 0);
    if (w <= 0) return CHECK_DONE();
    at += (size_t)w;
  }
  /* pieces of odd sizes give the hash of the whole */
  nn_hasher *h = nn_hasher_new();
  CHECK(h != NULL);
  size_t at = 0;
  for (size_t k = 1; at < n; k = k * 7 + 3) {
    size_t take = k % 5000001 < n - at ? k % 5000001 : n - at;
    nn_hasher_add(h, b + at, take);
    at += take;
  }
  nn_hash128 whole = nn_hash128_of(b, n);
  CHECK(same(nn_hasher_done(h), whole));
  /* file ranges */
  const struct { uint64_t off, len; } r[] = {
      {0, n}, {4096, n - 4096}, {1, 100}, {12345, (uint64_t)40 << 20},
      {((uint64_t)32 << 20) - 7, 14}, {n - 1, 1}, {17, 0}};
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
    nn_hash128 got = {0, 0};
    CHECK(nn_hash128_fd(fd, r[i].off, r[i].len, &got) == 0);
    CHECK(same(got, nn_hash128_of(b + r[i].off, (size_t)r[i].len)));
  }
  /* one byte differs: another hash */
  b[n / 2] ^= 1;
  CHECK(!same(nn_hash128_of(b, n), whole));
  /* past the end */
  nn_hash128 got;
  CHECK(nn_hash128_fd(fd, n - 10, 4096 + 20, &got) != 0);
  CHECK(nn_hash128_fd(fd, n + 4096, 10, &got) != 0);
  close(fd);
  free(b);
  return CHECK_DONE();
}
