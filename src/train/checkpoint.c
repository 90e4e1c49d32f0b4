/* Training checkpoints. */
#include "train/checkpoint.h"

#include "nn/op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* calls fn for every tensor of net: its name (under prefix), storage and element count */
typedef int (*visit_fn)(void *ctx, const char *name, float *data, int64_t count, int ndim,
                        const int64_t *dims);
/* and for every op state (random generators), as bytes */
typedef int (*visit_bytes_fn)(void *ctx, const char *name, void *data, size_t bytes);

static int visit(tr_net *net, const char *prefix, visit_fn fn, visit_bytes_fn bfn, void *ctx) {
  nn_graph *g = net->m.g;
  char name[512];
  for (int i = 0; i < g->n_nodes; i++) {
    nn_node *nd = &g->nodes[i];
    void *data = NULL;
    size_t bytes = 0;
    if (nd->op->state) nd->op->state(nd, &data, &bytes);
    if (!data || !bytes) continue;
    snprintf(name, sizeof name, "%sstate/%s", prefix, nd->name);
    int rc = bfn(ctx, name, data, bytes);
    if (rc) return rc;
  }
  for (int v = 0; v < g->n_values; v++) {
    nn_tensor *t = &g->values[v].t;
    if (!g->values[v].is_const || t->dtype != NN_F32 || !t->data) continue;
    snprintf(name, sizeof name, "%s%s", prefix, g->values[v].name);
    int rc = fn(ctx, name, t->data, nn_numel(t), t->ndim, t->dims);
    if (rc) return rc;
  }
  for (int p = 0; p < net->o.n; p++) {
    nn_tensor *t = &g->values[net->m.params[p]].t;
    float *state[2] = {net->o.s1[p], net->o.s2[p]};
    for (int k = 0; k < 2; k++) {
      snprintf(name, sizeof name, "%soptim/%s/%d", prefix, g->values[net->m.params[p]].name,
               k + 1);
      int rc = fn(ctx, name, state[k], net->o.size[p], t->ndim, t->dims);
      if (rc) return rc;
    }
  }
  return 0;
}

typedef struct collect {
  st_tensor *t;
  int n, cap;
  char **names;
} collect;

static int add_tensor(collect *c, const char *name, st_dtype dtype, void *data, size_t bytes,
                      int ndim, const int64_t *dims) {
  if (c->n == c->cap) {
    int cap = c->cap ? 2 * c->cap : 64;
    st_tensor *t = realloc(c->t, sizeof *t * (size_t)cap);
    char **nm = realloc(c->names, sizeof *nm * (size_t)cap);
    if (t) c->t = t;
    if (nm) c->names = nm;
    if (!t || !nm) return NN_ENOMEM;
    c->cap = cap;
  }
  char *copy = malloc(strlen(name) + 1);
  if (!copy) return NN_ENOMEM;
  strcpy(copy, name);
  st_tensor *t = &c->t[c->n];
  memset(t, 0, sizeof *t);
  t->name = copy;
  t->dtype = dtype;
  t->ndim = ndim;
  memcpy(t->shape, dims, sizeof(int64_t) * (size_t)ndim);
  t->data = data;
  t->nbytes = bytes;
  c->names[c->n++] = copy;
  return 0;
}

static int add(void *ctx, const char *name, float *data, int64_t count, int ndim,
               const int64_t *dims) {
  return add_tensor(ctx, name, ST_F32, data, sizeof(float) * (size_t)count, ndim, dims);
}

static int add_bytes(void *ctx, const char *name, void *data, size_t bytes) {
  int64_t d[1] = {(int64_t)bytes};
  return add_tensor(ctx, name, ST_U8, data, bytes, 1, d);
}

int tr_checkpoint_save(const char *path, tr_net *const *nets, const char *const *prefixes, int n,
                       const st_meta *meta, int nmeta, nn_err *err) {
  collect c = {0};
  int rc = 0;
  for (int i = 0; i < n && !rc; i++) rc = visit(nets[i], prefixes[i], add, add_bytes, &c);
  if (rc) rc = nn_fail(err, NN_ENOMEM, "out of memory for the checkpoint");
  else rc = st_write(path, c.t, c.n, meta, nmeta, err);
  for (int i = 0; i < c.n; i++) free(c.names[i]);
  free(c.names);
  free(c.t);
  return rc;
}

typedef struct restore {
  const st_file *f;
  nn_err *err;
} restore;

static int take(void *ctx, const char *name, float *data, int64_t count, int ndim,
                const int64_t *dims) {
  (void)ndim, (void)dims;
  restore *r = ctx;
  const st_tensor *t = st_find(r->f, name);
  if (!t)
    return nn_fail(r->err, NN_EFORMAT, "the checkpoint has no '%s' (made for another model?)",
                   name);
  return st_to_float(t, data, (size_t)count, r->err);
}

static int take_bytes(void *ctx, const char *name, void *data, size_t bytes) {
  restore *r = ctx;
  const st_tensor *t = st_find(r->f, name);
  if (!t) return NN_OK; /* a checkpoint without op states: they start afresh */
  if (t->dtype != ST_U8 || t->nbytes != bytes)
    return nn_fail(r->err, NN_EFORMAT, "the checkpoint's '%s' is not %zu bytes", name, bytes);
  memcpy(data, t->data, bytes);
  return NN_OK;
}

int tr_checkpoint_load(const char *path, tr_net *const *nets, const char *const *prefixes,
                       int n, st_file *file, nn_err *err) {
  int rc = st_read(path, file, err);
  if (rc) return rc;
  restore r = {file, err};
  for (int i = 0; i < n && !rc; i++) rc = visit(nets[i], prefixes[i], take, take_bytes, &r);
  if (rc) st_free(file);
  return rc;
}

const char *tr_checkpoint_meta(const st_file *f, const char *key) {
  for (int i = 0; i < f->nmeta; i++)
    if (!strcmp(f->meta[i].key, key)) return f->meta[i].value;
  return NULL;
}
