/* The engine's graph IR: values (shape, type, constant data), nodes, attributes. */
#ifndef CUTOUT_NN_GRAPH_H
#define CUTOUT_NN_GRAPH_H
#include <stdint.h>

#include "nn/tensor.h"

typedef enum nn_attr_type {
  NN_ATTR_FLOAT = 1,
  NN_ATTR_INT = 2,
  NN_ATTR_STRING = 3,
  NN_ATTR_TENSOR = 4,
  NN_ATTR_GRAPH = 5, /* not supported */
  NN_ATTR_FLOATS = 6,
  NN_ATTR_INTS = 7,
  NN_ATTR_STRINGS = 8
} nn_attr_type;

typedef struct nn_attr {
  char *name;
  nn_attr_type type;
  float f;
  int64_t i;
  char *s;
  int n; /* element count of floats / ints / strings */
  float *floats;
  int64_t *ints;
  char **strings;
  nn_tensor *t;
} nn_attr;

struct nn_op;

typedef struct nn_node {
  char *name;
  char *op_type;
  char *domain;
  int n_in, n_out;
  int *in;  /* value ids; -1 marks an omitted optional input */
  int *out; /* value ids; -1 marks an omitted optional output */
  int n_attr;
  nn_attr *attrs;
  const struct nn_op *op;
  void *params; /* op-owned: parsed attributes, cached primitives */
  size_t scratch; /* bytes of scratch its runs take, as its pack found */
  void *run_scratch; /* during nn_run: that scratch in the arena (NULL: nn_scratch's) */
} nn_node;

typedef struct nn_value {
  char *name;
  nn_tensor t;     /* dtype and dims as known after inference; data set for constants */
  int is_const;    /* initialiser or folded constant: t.data is valid */
  int producer;    /* node index, or -1 for graph inputs and constants */
  int n_uses;      /* consumers, counting a graph output as one */
} nn_value;

typedef struct nn_graph {
  nn_value *values;
  int n_values, cap_values;
  nn_node *nodes;
  int n_nodes, cap_nodes;
  int *inputs, n_inputs;   /* value ids of the graph's runtime inputs */
  int *outputs, n_outputs; /* value ids of the graph's outputs */
  int64_t opset;           /* default-domain opset version */
  int layout;              /* the activation layout nn_pass_layout chose (nn/layout.h): 0
                              plain, B > 0 channel-blocked, NN_BLOCK_CL channels-last */
  int64_t *plan_offset;    /* per value: its offset in the arena, -1 outside (nn_pass_plan) */
  size_t plan_size;        /* arena bytes; 0 without a plan */
  int64_t *scratch_offset; /* per node: its scratch's offset in the arena, -1 none
                              (nn_plan_scratch, by the first nn_run) */
  void *arena;             /* allocated by the first nn_run, kept for the next ones */
  size_t arena_size;       /* its bytes (nn/mem.h) */
  void *map;               /* a mapped prepared-model cache file the constants point into */
  size_t map_size;         /* (nn/cache.h), unmapped with the graph */
  double *prof_sec;        /* per-node run time, when profiling (nn_profile_enable) */
  int prof_runs;
} nn_graph;

nn_graph *nn_graph_new(void);
void nn_graph_free(nn_graph *g);
/* Id of the value named name, created (shape unknown) if absent; -1 on no memory. */
int nn_graph_value(nn_graph *g, const char *name);
int nn_graph_find(const nn_graph *g, const char *name);
/* Appends a node (fields zeroed) and returns its index; -1 on no memory. */
int nn_graph_add_node(nn_graph *g);
/* Frees a node's names, links, attributes and op params (op->release). */
void nn_node_clear(nn_node *n);
/* Clears node i and closes the gap. */
void nn_graph_remove_node(nn_graph *g, int i);
/* Recounts value uses and producers after the graph changes. */
void nn_graph_link(nn_graph *g);
/* Lets go of the process's pages of [p, p + n) where they lie in the graph's mapped cache
 * file (g->map; elsewhere nothing happens): the file's pages stay in the page cache and map
 * back on the next touch, so a run that does this after each node's packed weights holds one
 * node's weights at a time, not the whole file. */
void nn_graph_drop_pages(const nn_graph *g, const void *p, size_t n);

/* Attribute look-ups on a node. */
const nn_attr *nn_attr_get(const nn_node *n, const char *name);
int64_t nn_attr_int(const nn_node *n, const char *name, int64_t def);
float nn_attr_float(const nn_node *n, const char *name, float def);
const char *nn_attr_str(const nn_node *n, const char *name, const char *def);
/* Pointer to the ints and their count (*count = 0, NULL when absent). */
const int64_t *nn_attr_ints(const nn_node *n, const char *name, int *count);
const float *nn_attr_floats(const nn_node *n, const char *name, int *count);
/* Sets (or adds) an integer attribute: NN_OK, NN_ENOMEM, or NN_EINVAL when the name is taken
 * by an attribute of another type. Passes record what they decided this way (names in
 * "cutout." are the engine's own; model files cannot use them), so the graph alone says how
 * it runs. */
int nn_attr_set_int(nn_node *n, const char *name, int64_t value);

#endif
