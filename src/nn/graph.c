#include "nn/graph.h"
#include "nn/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "nn/op.h"

nn_graph *nn_graph_new(void) { return calloc(1, sizeof(nn_graph)); }

static void attr_free(nn_attr *a) {
  free(a->name);
  free(a->s);
  free(a->floats);
  free(a->ints);
  for (int i = 0; a->strings && i < a->n; i++) free(a->strings[i]);
  free(a->strings);
  nn_tensor_free(a->t);
}

void nn_node_clear(nn_node *n) {
  if (n->op && n->op->release) n->op->release(n);
  free(n->name);
  free(n->op_type);
  free(n->domain);
  free(n->in);
  free(n->out);
  for (int k = 0; k < n->n_attr; k++) attr_free(&n->attrs[k]);
  free(n->attrs);
  memset(n, 0, sizeof *n);
}

void nn_graph_remove_node(nn_graph *g, int i) {
  nn_node_clear(&g->nodes[i]);
  memmove(&g->nodes[i], &g->nodes[i + 1], sizeof(nn_node) * (size_t)(g->n_nodes - i - 1));
  g->n_nodes--;
}

void nn_graph_free(nn_graph *g) {
  if (!g) return;
  for (int i = 0; i < g->n_nodes; i++) nn_node_clear(&g->nodes[i]);
  for (int i = 0; i < g->n_values; i++) {
    free(g->values[i].name);
    nn_tensor_release(&g->values[i].t);
  }
  free(g->values);
  free(g->nodes);
  free(g->inputs);
  free(g->outputs);
  free(g->prof_sec);
  free(g->plan_offset);
  free(g->scratch_offset);
  nn_mem_free(g->arena, g->arena_size);
  if (g->map) munmap(g->map, g->map_size);
  free(g);
}

void nn_graph_drop_pages(const nn_graph *g, const void *p, size_t n) {
  uintptr_t lo = (uintptr_t)g->map, hi = lo + g->map_size, a = (uintptr_t)p, b = a + n;
  if (!g->map || a < lo || b > hi || b < a) return;
  a = (a + 4095) & ~(uintptr_t)4095; /* whole pages only: their neighbours may be in use */
  b &= ~(uintptr_t)4095;
  if (b > a) madvise((void *)a, b - a, MADV_DONTNEED); /* advice: fine if refused */
}

int nn_graph_find(const nn_graph *g, const char *name) {
  for (int i = 0; i < g->n_values; i++)
    if (strcmp(g->values[i].name, name) == 0) return i;
  return -1;
}

int nn_graph_value(nn_graph *g, const char *name) {
  int id = nn_graph_find(g, name);
  if (id >= 0) return id;
  if (g->n_values == g->cap_values) {
    int cap = g->cap_values ? g->cap_values * 2 : 64;
    nn_value *v = realloc(g->values, (size_t)cap * sizeof *v);
    if (!v) return -1;
    g->values = v;
    g->cap_values = cap;
  }
  nn_value *v = &g->values[g->n_values];
  memset(v, 0, sizeof *v);
  v->name = strdup(name);
  if (!v->name) return -1;
  v->t.ndim = -1;
  v->producer = -1;
  return g->n_values++;
}

int nn_graph_add_node(nn_graph *g) {
  if (g->n_nodes == g->cap_nodes) {
    int cap = g->cap_nodes ? g->cap_nodes * 2 : 64;
    nn_node *n = realloc(g->nodes, (size_t)cap * sizeof *n);
    if (!n) return -1;
    g->nodes = n;
    g->cap_nodes = cap;
  }
  memset(&g->nodes[g->n_nodes], 0, sizeof(nn_node));
  return g->n_nodes++;
}

void nn_graph_link(nn_graph *g) {
  for (int i = 0; i < g->n_values; i++) {
    g->values[i].n_uses = 0;
    g->values[i].producer = -1;
  }
  for (int i = 0; i < g->n_nodes; i++) {
    nn_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_in; k++)
      if (n->in[k] >= 0) g->values[n->in[k]].n_uses++;
    for (int k = 0; k < n->n_out; k++)
      if (n->out[k] >= 0) g->values[n->out[k]].producer = i;
  }
  for (int i = 0; i < g->n_outputs; i++) g->values[g->outputs[i]].n_uses++;
}

const nn_attr *nn_attr_get(const nn_node *n, const char *name) {
  for (int i = 0; i < n->n_attr; i++)
    if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
  return NULL;
}

int nn_attr_set_int(nn_node *n, const char *name, int64_t value) {
  for (int i = 0; i < n->n_attr; i++)
    if (strcmp(n->attrs[i].name, name) == 0) {
      if (n->attrs[i].type != NN_ATTR_INT) return NN_EINVAL;
      n->attrs[i].i = value;
      return NN_OK;
    }
  nn_attr *a = realloc(n->attrs, sizeof *a * (size_t)(n->n_attr + 1));
  if (!a) return NN_ENOMEM;
  n->attrs = a;
  memset(&a[n->n_attr], 0, sizeof *a);
  if (!(a[n->n_attr].name = strdup(name))) return NN_ENOMEM;
  a[n->n_attr].type = NN_ATTR_INT;
  a[n->n_attr].i = value;
  n->n_attr++;
  return NN_OK;
}

int64_t nn_attr_int(const nn_node *n, const char *name, int64_t def) {
  const nn_attr *a = nn_attr_get(n, name);
  return a && a->type == NN_ATTR_INT ? a->i : def;
}

float nn_attr_float(const nn_node *n, const char *name, float def) {
  const nn_attr *a = nn_attr_get(n, name);
  if (a && a->type == NN_ATTR_FLOAT) return a->f;
  if (a && a->type == NN_ATTR_INT) return (float)a->i;
  return def;
}

const char *nn_attr_str(const nn_node *n, const char *name, const char *def) {
  const nn_attr *a = nn_attr_get(n, name);
  return a && a->type == NN_ATTR_STRING ? a->s : def;
}

const int64_t *nn_attr_ints(const nn_node *n, const char *name, int *count) {
  const nn_attr *a = nn_attr_get(n, name);
  if (a && a->type == NN_ATTR_INTS) {
    *count = a->n;
    return a->ints;
  }
  *count = 0;
  return NULL;
}

const float *nn_attr_floats(const nn_node *n, const char *name, int *count) {
  const nn_attr *a = nn_attr_get(n, name);
  if (a && a->type == NN_ATTR_FLOATS) {
    *count = a->n;
    return a->floats;
  }
  *count = 0;
  return NULL;
}
