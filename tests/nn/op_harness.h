/* Helpers for op unit tests: hand-built nodes and attributes, tensors from value lists,
 * and running one op the way the executor does (prepare, shape, allocate, run). */
#ifndef CUTOUT_TESTS_OP_HARNESS_H
#define CUTOUT_TESTS_OP_HARNESS_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"

enum { HARNESS_MAX_ATTRS = 8 };

/* A node with room for a few attributes; attribute names and data are not owned. */
typedef struct test_node {
  nn_node node;
  nn_attr attrs[HARNESS_MAX_ATTRS];
} test_node;

static inline void tn_init(test_node *t, const nn_op *op, int n_in) {
  memset(t, 0, sizeof *t);
  t->node.name = (char *)"test";
  t->node.op_type = (char *)op->name;
  t->node.domain = (char *)"";
  t->node.op = op;
  t->node.attrs = t->attrs;
  static int ids[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  t->node.n_in = n_in;
  t->node.in = ids;
  t->node.n_out = 1;
  t->node.out = ids;
}

static inline nn_attr *tn_attr(test_node *t, const char *name, nn_attr_type type) {
  nn_attr *a = &t->attrs[t->node.n_attr++];
  memset(a, 0, sizeof *a);
  a->name = (char *)name;
  a->type = type;
  return a;
}

static inline void tn_int(test_node *t, const char *name, int64_t v) {
  tn_attr(t, name, NN_ATTR_INT)->i = v;
}

static inline void tn_float(test_node *t, const char *name, float v) {
  tn_attr(t, name, NN_ATTR_FLOAT)->f = v;
}

static inline void tn_ints(test_node *t, const char *name, int64_t *v, int n) {
  nn_attr *a = tn_attr(t, name, NN_ATTR_INTS);
  a->ints = v;
  a->n = n;
}

static inline void tn_floats(test_node *t, const char *name, float *v, int n) {
  nn_attr *a = tn_attr(t, name, NN_ATTR_FLOATS);
  a->floats = v;
  a->n = n;
}

static inline void tn_tensor(test_node *t, const char *name, nn_tensor *v) {
  tn_attr(t, name, NN_ATTR_TENSOR)->t = v;
}

/* A tensor of dtype and dims holding vals (count = numel; NULL leaves zeros). */
static inline nn_tensor *tensor_of(nn_dtype dtype, int ndim, const int64_t *dims,
                                    const double *vals) {
  nn_tensor *t = nn_tensor_new(dtype, ndim, dims, NULL);
  if (!t) {
    fprintf(stderr, "cannot allocate a test tensor\n");
    exit(1);
  }
  if (vals)
    for (int64_t i = 0; i < nn_numel(t); i++) nn_set(t, i, vals[i]);
  return t;
}

/* A 1-D int64 tensor. */
static inline nn_tensor *ints_of(int n, const int64_t *vals) {
  int64_t d = n;
  nn_tensor *t = tensor_of(NN_I64, 1, &d, NULL);
  for (int i = 0; i < n; i++) ((int64_t *)t->data)[i] = vals[i];
  return t;
}

/* Runs node's op on inputs; on NN_OK *out holds a new tensor the caller frees. */
static inline int run_node(test_node *t, nn_tensor **in, int n_in, nn_tensor **out,
                           nn_err *err) {
  const nn_op *op = t->node.op;
  *out = NULL;
  int rc = op->prepare ? op->prepare(&t->node, err) : NN_OK;
  nn_tensor *o = calloc(1, sizeof *o);
  nn_tensor *outs[1] = {o};
  if (!rc) rc = op->shape(&t->node, in, n_in, outs, 1, err);
  if (!rc) rc = nn_tensor_alloc(o, err);
  if (!rc) rc = op->run(&t->node, in, n_in, outs, 1, err);
  if (op->release) op->release(&t->node);
  if (rc) {
    nn_tensor_free(o);
    return rc;
  }
  *out = o;
  return NN_OK;
}

/* 1 when t has the given rank and dims. */
static inline int has_dims(const nn_tensor *t, int ndim, const int64_t *dims) {
  if (t->ndim != ndim) return 0;
  for (int i = 0; i < ndim; i++)
    if (t->dims[i] != dims[i]) return 0;
  return 1;
}

#endif
