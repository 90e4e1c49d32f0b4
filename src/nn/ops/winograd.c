/* Winograd F(4x4, 3x3): the weight transform and the work plan (any CPU); the AVX2 kernel
 * is winograd_avx2.c. */
#include "nn/ops/winograd.h"

#include <string.h>

/* G of F(4x4, 3x3) at the points 0, 1, -1, 2, -2 (and infinity). */
static const double G[6][3] = {{1.0 / 4, 0, 0},
                               {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                               {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                               {1.0 / 24, 1.0 / 12, 1.0 / 6},
                               {1.0 / 24, -1.0 / 12, 1.0 / 6},
                               {0, 0, 1}};

size_t nn_wino_weights_floats(int64_t m, int64_t c) {
  return (size_t)36 * (size_t)((m + 7) / 8) * (size_t)((c + 7) / 8 * 8) * 8;
}

void nn_wino_weights(const float *w, int64_t m, int64_t c, float *u) {
  int64_t mb = (m + 7) / 8, cp = (c + 7) / 8 * 8;
  memset(u, 0, nn_wino_weights_floats(m, c) * sizeof *u);
  for (int64_t o = 0; o < m; o++)
    for (int64_t i = 0; i < c; i++) {
      const float *g = w + (o * c + i) * 9;
      double t[6][3]; /* G g */
      for (int a = 0; a < 6; a++)
        for (int k = 0; k < 3; k++)
          t[a][k] = G[a][0] * g[k] + G[a][1] * g[3 + k] + G[a][2] * g[6 + k];
      for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++) {
          double v = t[a][0] * G[b][0] + t[a][1] * G[b][1] + t[a][2] * G[b][2];
          u[(((a * 6 + b) * mb + o / 8) * cp + i) * 8 + o % 8] = (float)v;
        }
    }
}

/* The L2 cache share one thread's chunk aims at, and the fewest tiles a chunk has (each
 * weight loaded serves that many tiles: below, big layers stream their weights too often). */
#define L2_BUDGET (512 * 1024)
#define MIN_CHUNK 30
#define MAX_CHUNK 120

void nn_wino_plan_for(const nn_wino_geom *g, int threads, nn_wino_plan *p) {
  if (threads < 1) threads = 1;
  int64_t cp = (g->c + 7) / 8 * 8, mb = (g->m + 7) / 8;
  int64_t hs = (g->oh + g->dy - 1) / g->dy, ws = (g->ow + g->dx - 1) / g->dx;
  p->ty = (hs + 3) / 4;
  p->tx = (ws + 3) / 4;
  p->tiles = g->n * g->dy * g->dx * p->ty * p->tx;
  int64_t chunk = L2_BUDGET / (36 * 4 * (cp + 8 * mb));
  if (chunk < MIN_CHUNK) chunk = MIN_CHUNK;
  if (chunk > MAX_CHUNK) chunk = MAX_CHUNK;
  if (chunk > p->tiles) chunk = p->tiles > 0 ? p->tiles : 1;
  /* as many chunks as a multiple of the threads, evenly filled */
  int64_t n = (p->tiles + chunk - 1) / chunk;
  n = (n + threads - 1) / threads * threads;
  chunk = (p->tiles + n - 1) / n;
  if (chunk < 1) chunk = 1;
  p->chunk = chunk;
  p->chunks = (p->tiles + chunk - 1) / chunk;
  /* too few chunks for the threads: the output blocks in groups as well */
  int64_t groups = 1;
  if (p->chunks < 2 * threads) {
    groups = (2 * threads + p->chunks - 1) / p->chunks;
    if (groups > mb / 2) groups = mb / 2 > 0 ? mb / 2 : 1;
  }
  int64_t per = (mb + groups - 1) / groups;
  per += per & 1;
  if (per > mb) per = mb;
  p->mb_group = per;
  p->groups = (mb + per - 1) / per;
  p->thread_bytes = (size_t)(36 * 4 * chunk * (cp + 8 * per) + 64) / 64 * 64;
}

size_t nn_wino_scratch_bytes(const nn_wino_geom *g, int threads) {
  nn_wino_plan p;
  nn_wino_plan_for(g, threads, &p);
  return p.thread_bytes * (size_t)(threads < 1 ? 1 : threads) + 64;
}
