/* Loading a model ready to run, through the prepared-model cache.
 *
 * Parsing a model, optimising its graph and putting its weights into the layouts of this
 * CPU's kernels (bfloat16, blocked, Winograd-transformed) takes longer than running it. The
 * cache keeps the result, the graph as nn_graph_serialize writes it with the packed weights,
 * in one file per model and machine, named by a hash of its key:
 *   the model file's content hash (XXH3-128) and size, the outputs kept, the engine's build
 *   (a hash of its sources), oneDNN's version, the effective ISA (nn/isa.h), the activation
 *   layout and the arithmetic (nn/precision.h).
 * A later load reads the file once to check it, maps it read-only and runs from it: no
 * parsing, no weight transforms, the weights' pages shared with every process that maps them
 * and held by a run only while the node that uses them runs (nn_graph_drop_pages), so a
 * process's memory is its activations and one layer's weights. Files are written under a
 * temporary name and renamed, so a reader sees a whole file or none; a file whose header,
 * key, size or content hash (XXH3-128 over everything after the header) is not right is
 * never used: it is rebuilt from the model (and replaced). When the folder holds more than
 * NN_CACHE_MAX_BYTES, the files used longest ago go. */
#ifndef CUTOUT_NN_CACHE_H
#define CUTOUT_NN_CACHE_H
#include <stddef.h>

#include "nn/graph.h"

#define NN_CACHE_MAX_BYTES ((size_t)4 << 30)

typedef struct nn_load_opts {
  int outputs;           /* keep only the first n outputs; 0: all */
  const char *cache_dir; /* the cache folder (made if missing); NULL: no cache */
} nn_load_opts;

typedef enum nn_cache_state {
  NN_CACHE_OFF = 0,    /* no cache folder given */
  NN_CACHE_HIT,        /* loaded from the cache file */
  NN_CACHE_WRITTEN,    /* none was there: prepared from the model, then kept */
  NN_CACHE_REBUILT,    /* one was there but could not be used (note says why): replaced */
  NN_CACHE_UNWRITABLE  /* prepared from the model, but the file could not be written */
} nn_cache_state;

typedef struct nn_load_info {
  nn_cache_state cache;
  char file[1024]; /* the cache file, when a folder was given */
  char note[512];  /* why a file was rebuilt or not written */
} nn_load_info;

/* Loads the model at path (nn_onnx_load_file, nn_prepare, nn_optimize, nn_keep_outputs),
 * packed (nn_pass_pack) with the plain copies of packed weights dropped, through the cache
 * when o->cache_dir is set. A cache that cannot be read or written never fails the load:
 * info (may be NULL) says what happened. */
int nn_load_prepared(const char *path, const nn_load_opts *o, nn_graph **out,
                     nn_load_info *info, nn_err *err);

/* The default cache folder: $CUTOUT_CACHE_DIR, else $XDG_CACHE_HOME/cutout, else
 * $HOME/.cache/cutout; 0 when none can be named (or the name is too long). */
int nn_cache_default_dir(char *buf, size_t len);

#endif
