/* The synthesiser's random numbers: xoshiro256** seeded through splitmix64, so a seed gives
 * the same sequence on every machine (the sequence is integer arithmetic only; the normal
 * variates go through libm's log/cos). */
#ifndef CUTOUT_DATA_RNG_H
#define CUTOUT_DATA_RNG_H

#include <stdint.h>

typedef struct syn_rng {
  uint64_t s[4];
} syn_rng;

/* splitmix64 step: advances *state and returns the next output. */
uint64_t syn_splitmix64(uint64_t *state);
/* A seed derived from a parent seed and a tag (sample index, stream name, ...): distinct
 * tags give unrelated streams. */
uint64_t syn_seed_mix(uint64_t seed, uint64_t tag);

void syn_rng_seed(syn_rng *r, uint64_t seed);
uint64_t syn_rng_next(syn_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double syn_rng_uniform(syn_rng *r);
/* Uniform in [lo, hi). */
double syn_rng_range(syn_rng *r, double lo, double hi);
/* Uniform integer in [lo, hi] (inclusive; lo <= hi), without modulo bias. */
int syn_rng_int(syn_rng *r, int lo, int hi);
/* 1 with probability p. */
int syn_rng_chance(syn_rng *r, double p);
/* Standard normal (Box-Muller). */
double syn_rng_normal(syn_rng *r);
/* Two independent standard normals from one Box-Muller step. */
void syn_rng_normal2(syn_rng *r, double *z0, double *z1);

#endif
