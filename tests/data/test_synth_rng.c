/* The generator: published first outputs, ranges and rough moments. */
#include "check.h"
#include "data/rng.h"

int main(void) {
  /* splitmix64 from state 0 (the reference implementation's first outputs) */
  uint64_t st = 0;
  CHECK(syn_splitmix64(&st) == 0xe220a8397b1dcdafull);
  CHECK(syn_splitmix64(&st) == 0x6e789e6aa1b965f4ull);
  /* xoshiro256** from state {1, 2, 3, 4}: first output rotl(2 * 5, 7) * 9 = 1280 * 9 */
  syn_rng r = {{1, 2, 3, 4}};
  CHECK(syn_rng_next(&r) == 11520);

  /* same seed, same sequence; another seed, another */
  syn_rng a, b, c;
  syn_rng_seed(&a, 42);
  syn_rng_seed(&b, 42);
  syn_rng_seed(&c, 43);
  int same = 1, differ = 0;
  for (int i = 0; i < 100; i++) {
    uint64_t x = syn_rng_next(&a), y = syn_rng_next(&b), z = syn_rng_next(&c);
    same &= x == y;
    differ += x != z;
  }
  CHECK(same);
  CHECK(differ == 100);
  CHECK(syn_seed_mix(1, 0) != syn_seed_mix(1, 1) && syn_seed_mix(1, 0) != syn_seed_mix(2, 0));

  /* ranges and moments over 200000 draws */
  syn_rng_seed(&a, 7);
  double sum = 0, sum_n = 0, sum_n2 = 0;
  int hits[5] = {0}, out_of_range = 0;
  const int n = 200000;
  for (int i = 0; i < n; i++) {
    double u = syn_rng_uniform(&a);
    out_of_range += u < 0 || u >= 1;
    sum += u;
    int k = syn_rng_int(&a, -2, 2);
    if (k < -2 || k > 2) out_of_range++;
    else hits[k + 2]++;
    double z = syn_rng_normal(&a);
    sum_n += z;
    sum_n2 += z * z;
  }
  CHECK(out_of_range == 0);
  CHECK_NEAR(sum / n, 0.5, 0.005);
  for (int k = 0; k < 5; k++) CHECK_NEAR(hits[k] / (double)n, 0.2, 0.005);
  CHECK_NEAR(sum_n / n, 0.0, 0.01);
  CHECK_NEAR(sum_n2 / n, 1.0, 0.02);
  return CHECK_DONE();
}
