/* Each node's scratch (oneDNN's scratchpad, Winograd's transforms) placed in the arena
 * beside the values living while it runs, rather than in a buffer of the running thread
 * kept at the largest any node takes: the two peaks rarely meet, and in a one-photo
 * process every byte touched for the first time costs a page fault. Made after nn_pass_pack
 * (which finds the nodes' scratch), when nn_run first sizes the arena. */
#include <stdlib.h>

#include "nn/passes/passes.h"

typedef struct span {
  size_t lo, hi;
} span;

static int by_lo(const void *a, const void *b) {
  size_t x = ((const span *)a)->lo, y = ((const span *)b)->lo;
  return x < y ? -1 : x > y;
}

size_t nn_plan_scratch(nn_graph *g) {
  free(g->scratch_offset);
  g->scratch_offset = NULL;
  if (!g->plan_offset) return 0;
  int nv = g->n_values, nn = g->n_nodes;
  int *first = malloc(sizeof(int) * (size_t)(nv + 1)), *last = malloc(sizeof(int) * (size_t)(nv + 1));
  int64_t *off = malloc(sizeof(int64_t) * (size_t)(nn + 1));
  span *live = malloc(sizeof(span) * (size_t)(nv + 1));
  size_t total = g->plan_size;
  if (!first || !last || !off || !live) {
    free(first);
    free(last);
    free(off);
    free(live);
    return g->plan_size; /* (nodes then take the thread's scratch) */
  }
  nn_plan_lifetimes(g, first, last); /* a value's bytes matter from producer to last reader */
  for (int i = 0; i < nn; i++) {
    size_t need = (g->nodes[i].scratch + 63) / 64 * 64;
    off[i] = -1;
    if (!need) continue;
    int count = 0;
    for (int v = 0; v < nv; v++)
      if (g->plan_offset[v] >= 0 && first[v] >= 0 && first[v] <= i && i <= last[v]) {
        size_t lo = (size_t)g->plan_offset[v];
        live[count++] = (span){lo, lo + (nn_nbytes(&g->values[v].t) + 63) / 64 * 64};
      }
    qsort(live, (size_t)count, sizeof *live, by_lo);
    size_t at = 0; /* the lowest offset clearing every value living at node i */
    for (int k = 0; k < count && live[k].lo < at + need; k++)
      if (live[k].hi > at) at = live[k].hi;
    off[i] = (int64_t)at;
    if (at + need > total) total = at + need;
  }
  free(first);
  free(last);
  free(live);
  g->scratch_offset = off;
  return total;
}
