/* The loader's state while it turns TensorFlow nodes into IR nodes (nn/tfjs.c drives it,
 * nn/tfjs_convert.c converts the ops). */
#ifndef CUTOUT_NN_TFJS_CONVERT_H
#define CUTOUT_NN_TFJS_CONVERT_H
#include <cjson/cJSON.h>

#include "nn/graph.h"
#include "nn/tfjs_weights.h"

/* One TensorFlow node: its JSON, and what it became. */
typedef struct tfjs_node {
  const cJSON *j;
  const char *name, *op;
  int state;   /* 0 not visited, 1 being converted, 2 done */
  int is_out;  /* a requested output */
  int id;      /* value id of its result (-1: none: a Const not yet needed as a value) */
  int nchw;    /* the result is a 4-D activation held NCHW (TensorFlow has it NHWC) */
  tfjs_weight *inline_w; /* a Const's value from its own attribute (owned) */
} tfjs_node;

typedef struct tfjs_ctx {
  nn_graph *g;
  tfjs_node *nodes;
  int n_nodes;
  tfjs_weights ws;
} tfjs_ctx;

/* The node named NAME (a reference "name" or "name:0"); -1 when absent. */
int tfjs_find(const tfjs_ctx *c, const char *name);
/* Converts node k whose inputs are converted already: sets its id and nchw. */
int tfjs_convert_node(tfjs_ctx *c, int k, nn_err *err);

#endif
