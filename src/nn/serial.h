/* A prepared graph as bytes, and back: what the prepared-model cache (nn/cache.h) keeps.
 *
 * Two parts: the meta bytes (values with their shapes, layouts and arena offsets, nodes with
 * their attributes, what each op packed at load, the graph's inputs and outputs) and a data
 * section of blobs (the constants' bytes and the packed weights), each at a 64-byte aligned
 * offset the meta bytes name. Read back, the graph's constants and packed weights point into
 * the data section where it lies (a read-only mapping of the cache file): nothing is copied.
 * Byte order and sizes are the machine's own: the cache key names the machine. */
#ifndef CUTOUT_NN_SERIAL_H
#define CUTOUT_NN_SERIAL_H
#include <stddef.h>
#include <stdint.h>

#include "nn/graph.h"
#include "nn/op.h"

typedef struct nn_blob {
  const void *data;
  size_t len;
  uint64_t off; /* in the data section */
} nn_blob;

typedef struct nn_serial {
  unsigned char *meta;
  size_t meta_len, meta_cap;
  nn_blob *blobs;
  int n_blobs, cap_blobs;
  uint64_t data_len; /* the data section's size */
  int failed;        /* out of memory on the way */
} nn_serial;

/* The meta bytes and the blob list of g (prepared and packed: nn_load). The blobs point
 * into g, which must outlive s. */
int nn_graph_serialize(const nn_graph *g, nn_serial *s, nn_err *err);
void nn_serial_free(nn_serial *s);

/* The graph of meta (nn_graph_serialize's) over the data section data (64-byte aligned),
 * each node's op looked up and prepared, and *packed (one per node; data NULL for none;
 * free() it) for nn_pass_pack. Checks every count, offset and index against the bytes it
 * has: damaged meta bytes fail with NN_EFORMAT, never read out of bounds. */
int nn_graph_deserialize(const void *meta, size_t meta_len, const void *data, size_t data_len,
                         nn_graph **out, nn_packed **packed, nn_err *err);

#endif
