#ifndef CUTOUT_NN_TFJS_WEIGHTS_H
#define CUTOUT_NN_TFJS_WEIGHTS_H
/* The weights of a TensorFlow.js graph model: its model.json's "weightsManifest" (groups of
 * files, each listing weights by name, shape, dtype and an optional "quantization") over the
 * concatenated bytes of those files, decoded at load: float32 and int32 as stored, float16
 * widened, uint8/uint16 quantised values as min + scale * q (or, with no min/scale,
 * float16-quantised). The weight files are read by the caller, group by group in order. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define TFJS_MAX_DIMS 8

typedef struct tfjs_weight {
  char *name;
  int is_int; /* int32 (values in i), else float32 (values in f) */
  int rank;
  int64_t dims[TFJS_MAX_DIMS];
  size_t count;
  float *f;
  int32_t *i;
} tfjs_weight;

typedef struct tfjs_weights {
  tfjs_weight *w;
  size_t n;
  size_t bytes; /* of the data the weights took */
} tfjs_weights;

/* Decodes every weight of MANIFEST from DATA (SIZE bytes: every group's files, in order).
 * 0 on success; else -1 with a message in ERR (ERR_SIZE bytes) naming the weight. */
int tfjs_weights_decode(const cJSON *manifest, const uint8_t *data, size_t size, tfjs_weights *out,
                        char *err, size_t err_size);
const tfjs_weight *tfjs_weights_find(const tfjs_weights *ws, const char *name);
void tfjs_weights_free(tfjs_weights *ws);

#endif
