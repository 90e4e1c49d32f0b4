/* Building training graphs in code: inputs, parameters (float32 initialisers) and nodes of
 * the engine's ops, named automatically. Errors are sticky: after the first failure every
 * call returns -1 and tr_build_end reports it, so a model builder can chain calls freely. */
#ifndef CUTOUT_TRAIN_BUILD_H
#define CUTOUT_TRAIN_BUILD_H

#include <stdint.h>

#include "nn/graph.h"

typedef struct tr_attr {
  const char *name;
  nn_attr_type type; /* NN_ATTR_INT, NN_ATTR_FLOAT, NN_ATTR_INTS or NN_ATTR_STRING */
  int64_t i;
  float f;
  int n;
  int64_t ints[8];
  const char *s;
} tr_attr;

#define TR_INT(nm, v) ((tr_attr){.name = (nm), .type = NN_ATTR_INT, .i = (v)})
#define TR_FLOAT(nm, v) ((tr_attr){.name = (nm), .type = NN_ATTR_FLOAT, .f = (v)})
#define TR_STR(nm, v) ((tr_attr){.name = (nm), .type = NN_ATTR_STRING, .s = (v)})
#define TR_INTS(nm, cnt, ...) \
  ((tr_attr){.name = (nm), .type = NN_ATTR_INTS, .n = (cnt), .ints = {__VA_ARGS__}})

typedef struct tr_builder {
  nn_graph *g;
  int failed;
  nn_err err;
  int counter; /* for node and value names */
} tr_builder;

/* A new empty graph (opset 17). */
int tr_build_begin(tr_builder *b);
/* A graph input of these dims (float32); returns its value id. */
int tr_input(tr_builder *b, const char *name, int ndim, const int64_t *dims);
/* A float32 initialiser of these dims holding init (NULL: zeros); returns its value id. */
int tr_param(tr_builder *b, const char *name, int ndim, const int64_t *dims, const float *init);
/* A node of op with these inputs (value ids, -1 for an omitted optional one) and
 * attributes, and n_out outputs whose ids go to outs (may be NULL when n_out is 1); returns
 * the first output's id. */
int tr_node(tr_builder *b, const char *op, const int *in, int n_in, const tr_attr *attrs,
            int n_attrs, int n_out, int *outs);
/* One-output shorthand. */
int tr_op(tr_builder *b, const char *op, const int *in, int n_in, const tr_attr *attrs,
          int n_attrs);
/* Marks value v as a graph output. */
int tr_output(tr_builder *b, int v);
/* Links and prepares the graph (shape inference) and hands it over; NULL with *err on
 * any failure so far. */
nn_graph *tr_build_end(tr_builder *b, nn_err *err);

#endif
