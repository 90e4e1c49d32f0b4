/* Value noise and fractal sums of it, from a hash of the lattice (no tables, any seed). */
#include <math.h>

#include "data/raster.h"

static float lattice(uint64_t seed, int64_t x, int64_t y) {
  uint64_t h = seed ^ ((uint64_t)x * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)y * 0xc2b2ae3d27d4eb4full);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return (float)((h >> 40) * 0x1.0p-24);
}

static double fade(double t) { return t * t * t * (t * (t * 6 - 15) + 10); }

float syn_value_noise(uint64_t seed, double x, double y) {
  double fx = floor(x), fy = floor(y);
  int64_t ix = (int64_t)fx, iy = (int64_t)fy;
  double u = fade(x - fx), v = fade(y - fy);
  float a = lattice(seed, ix, iy), b = lattice(seed, ix + 1, iy);
  float c = lattice(seed, ix, iy + 1), d = lattice(seed, ix + 1, iy + 1);
  double top = a + (b - a) * u, bottom = c + (d - c) * u;
  return (float)(top + (bottom - top) * v);
}

float syn_fbm(uint64_t seed, double x, double y, int octaves) {
  double sum = 0, norm = 0, amp = 1, f = 1;
  for (int o = 0; o < octaves; o++) {
    sum += amp * syn_value_noise(seed + (uint64_t)o * 0x2545f4914f6cdd1dull, x * f, y * f);
    norm += amp;
    amp *= 0.5;
    f *= 2.0;
  }
  return norm > 0 ? (float)(sum / norm) : 0.5f;
}
