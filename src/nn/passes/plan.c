/* Memory plan: every intermediate value gets an offset in one arena, reused by values whose
 * lifetimes (producer .. last reader, in node order) do not overlap. Made when every shape
 * is known; graph inputs, outputs and constants live outside the arena. */
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"
#include "nn/passes/passes.h"

typedef struct item {
  int v;
  int first, last; /* node indices */
  size_t size;
  size_t off;
} item;

static int by_size(const void *a, const void *b) {
  size_t x = ((const item *)a)->size, y = ((const item *)b)->size;
  return x < y ? 1 : x > y ? -1 : ((const item *)a)->v - ((const item *)b)->v;
}

static int known(const nn_tensor *t) {
  if (t->ndim < 0 || !nn_dtype_supported(t->dtype)) return 0;
  for (int i = 0; i < t->ndim; i++)
    if (t->dims[i] < 0) return 0;
  return 1;
}

static int is_io(const nn_graph *g, int v) {
  for (int k = 0; k < g->n_outputs; k++)
    if (g->outputs[k] == v) return 1;
  for (int k = 0; k < g->n_inputs; k++)
    if (g->inputs[k] == v) return 1;
  return 0;
}

/* Concat node i along the channels of one image: each input that can live in its slice of
 * the output is placed there (slice_of, slice_at), so its producer writes it in place and
 * the copy is skipped; the output's interval grows to cover those inputs' lives. */
static void concat_slices(const nn_graph *g, int i, int *first, int *last, const int *alias,
                          int *slice_of, size_t *slice_at) {
  const nn_node *n = &g->nodes[i];
  int y = n->out[0];
  if (y < 0 || first[y] < 0) return;
  const nn_tensor *o = &g->values[y].t;
  /* (channels-last, an input's channels are not one run of the output's bytes) */
  if (o->ndim < 2 || nn_axis(nn_attr_int(n, "axis", 0), o->ndim) != 1 || o->dims[0] != 1 ||
      o->block < 0)
    return;
  for (int k = 0; k < n->n_in; k++) /* each input a whole slice, in the output's layout */
    if (n->in[k] < 0 || g->values[n->in[k]].t.block != o->block ||
        (o->block && g->values[n->in[k]].t.dims[1] % o->block))
      return;
  size_t at = 0;
  for (int k = 0; k < n->n_in; k++) {
    int v = n->in[k], ok = 1;
    size_t bytes = nn_nbytes(&g->values[v].t);
    for (int j = 0; j < k; j++) ok &= n->in[j] != v; /* read twice: one slice only */
    ok = ok && first[v] >= 0 && !g->values[v].is_const && !is_io(g, v) && alias[v] < 0 &&
         slice_of[v] < 0 && g->values[v].producer >= 0 &&
         strcmp(g->nodes[g->values[v].producer].op_type, "Concat") != 0;
    for (int w = 0; ok && w < g->n_values; w++) /* no buffer of a fused Add lives in it */
      if (alias[w] == v) ok = 0;
    if (ok) {
      slice_of[v] = y;
      slice_at[v] = at;
      if (first[v] < first[y]) first[y] = first[v];
      if (last[v] > last[y]) last[y] = last[v];
      first[v] = -1;
    }
    at += bytes;
  }
}

/* Over the 2^40 elements nn_tensor_alloc allows (the shapes come from the model, which is
 * untrusted input): its byte count could not even be computed without overflow. */
static int too_large(const nn_tensor *t) {
  int64_t n = 1;
  for (int i = 0; i < t->ndim; i++) {
    if (t->dims[i] > 0 && n > (INT64_C(1) << 40) / t->dims[i]) return 1;
    n *= t->dims[i];
  }
  return 0;
}

void nn_plan_lifetimes(const nn_graph *g, int *first, int *last) {
  for (int v = 0; v < g->n_values; v++) first[v] = last[v] = -1;
  for (int i = 0; i < g->n_nodes; i++) {
    const nn_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_out; k++)
      if (n->out[k] >= 0) first[n->out[k]] = last[n->out[k]] = i;
    for (int k = 0; k < n->n_in; k++)
      if (n->in[k] >= 0 && first[n->in[k]] >= 0) last[n->in[k]] = i;
  }
}

int nn_pass_plan(nn_graph *g, nn_err *err) {
  free(g->plan_offset);
  g->plan_offset = NULL;
  g->plan_size = 0;
  int nv = g->n_values;
  int *first = malloc(sizeof(int) * (size_t)(nv + 1)), *last = malloc(sizeof(int) * (size_t)(nv + 1));
  item *items = malloc(sizeof(item) * (size_t)(nv + 1));
  int64_t *offset = malloc(sizeof(int64_t) * (size_t)(nv + 1));
  if (!first || !last || !items || !offset) {
    free(first);
    free(last);
    free(items);
    free(offset);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  for (int v = 0; v < nv; v++) offset[v] = -1;
  int ok = 1;
  nn_plan_lifetimes(g, first, last);
  for (int v = 0; v < nv; v++)
    if (first[v] >= 0 && known(&g->values[v].t) && too_large(&g->values[v].t)) {
      free(first);
      free(last);
      free(items);
      free(offset);
      return nn_fail(err, NN_EINVAL, "value '%s' has more than 2^40 elements",
                     g->values[v].name);
    }
  for (int k = 0; k < g->n_outputs; k++) first[g->outputs[k]] = -1; /* handed to the caller */
  /* A Conv with a fused Add writes into its addend's buffer: one interval for both. */
  int *alias = malloc(sizeof(int) * (size_t)(nv + 1));
  if (!alias) ok = 0;
  for (int v = 0; alias && v < nv; v++) alias[v] = -1;
  for (int i = 0; alias && i < g->n_nodes; i++) {
    const nn_node *n = &g->nodes[i];
    if (strcmp(n->op_type, "Conv") || n->n_in < 4 || n->in[3] < 0 || n->out[0] < 0) continue;
    int r = n->in[3], y = n->out[0];
    while (alias[r] >= 0) r = alias[r]; /* the buffer the addend itself lives in */
    if (first[r] < 0 || first[y] < 0 || g->values[r].is_const || last[r] != i) continue;
    alias[y] = r;
    last[r] = last[y];
    first[y] = -1;
  }
  /* A Concat along the channels of one image (N = 1) whose inputs are read by it alone:
   * each input is written straight into its slice of the output, and the copy is skipped. */
  int *slice_of = malloc(sizeof(int) * (size_t)(nv + 1));
  size_t *slice_at = malloc(sizeof(size_t) * (size_t)(nv + 1));
  if (!slice_of || !slice_at) ok = 0;
  for (int v = 0; ok && v < nv; v++) slice_of[v] = -1;
  for (int i = 0; ok && i < g->n_nodes; i++)
    if (!strcmp(g->nodes[i].op_type, "Concat")) concat_slices(g, i, first, last, alias, slice_of, slice_at);
  int count = 0;
  for (int v = 0; v < nv && ok; v++) {
    if (first[v] < 0 || g->values[v].is_const) continue;
    if (!known(&g->values[v].t)) ok = 0;
    size_t size = (nn_nbytes(&g->values[v].t) + 63) / 64 * 64;
    items[count++] = (item){v, first[v], last[v], size ? size : 64, 0};
  }
  if (ok) {
    qsort(items, (size_t)count, sizeof *items, by_size);
    size_t total = 0;
    for (int i = 0; i < count; i++) {
      /* the lowest offset that clears every placed item living at the same time */
      size_t off = 0;
      for (int moved = 1; moved;) {
        moved = 0;
        for (int j = 0; j < i; j++) {
          const item *o = &items[j];
          if (o->last < items[i].first || items[i].last < o->first) continue;
          if (off < o->off + o->size && o->off < off + items[i].size) {
            off = o->off + o->size;
            moved = 1;
          }
        }
      }
      items[i].off = off;
      offset[items[i].v] = (int64_t)off;
      if (off + items[i].size > total) total = off + items[i].size;
    }
    for (int v = 0; v < nv; v++) /* aliases share their addend's offset (chains too) */
      if (alias[v] >= 0) {
        int s = alias[v];
        while (alias[s] >= 0) s = alias[s];
        offset[v] = offset[s];
      }
    for (int v = 0; v < nv; v++) /* concat inputs: slices of the output */
      if (slice_of[v] >= 0) offset[v] = offset[slice_of[v]] + (int64_t)slice_at[v];
    g->plan_offset = offset;
    g->plan_size = total;
    offset = NULL;
  }
  free(alias);
  free(slice_of);
  free(slice_at);
  free(first);
  free(last);
  free(items);
  free(offset);
  return NN_OK;
}
