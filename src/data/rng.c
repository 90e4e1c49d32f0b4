/* xoshiro256** (Blackman and Vigna) with splitmix64 seeding. */
#include "data/rng.h"

#include <math.h>

uint64_t syn_splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t syn_seed_mix(uint64_t seed, uint64_t tag) {
  uint64_t s = seed ^ (tag * 0xd1342543de82ef95ull + 0x632be59bd9b4e019ull);
  syn_splitmix64(&s);
  return syn_splitmix64(&s);
}

void syn_rng_seed(syn_rng *r, uint64_t seed) {
  uint64_t s = seed;
  for (int i = 0; i < 4; i++) r->s[i] = syn_splitmix64(&s);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t syn_rng_next(syn_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double syn_rng_uniform(syn_rng *r) { return (syn_rng_next(r) >> 11) * 0x1.0p-53; }

double syn_rng_range(syn_rng *r, double lo, double hi) {
  return lo + (hi - lo) * syn_rng_uniform(r);
}

int syn_rng_int(syn_rng *r, int lo, int hi) {
  uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;
  uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  uint64_t v;
  do v = syn_rng_next(r);
  while (v >= limit);
  return (int)((int64_t)lo + (int64_t)(v % span));
}

int syn_rng_chance(syn_rng *r, double p) { return syn_rng_uniform(r) < p; }

double syn_rng_normal(syn_rng *r) {
  double u1 = 1.0 - syn_rng_uniform(r); /* (0, 1]: log is finite */
  double u2 = syn_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

void syn_rng_normal2(syn_rng *r, double *z0, double *z1) {
  double u1 = 1.0 - syn_rng_uniform(r);
  double u2 = syn_rng_uniform(r);
  double m = sqrt(-2.0 * log(u1));
  *z0 = m * cos(2.0 * M_PI * u2);
  *z1 = m * sin(2.0 * M_PI * u2);
}
