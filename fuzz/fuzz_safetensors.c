/* Fuzz target: a safetensors checkpoint from bytes (st_parse), then every tensor read as
 * float where its dtype allows. `cutout train --resume` and the refiner read checkpoints from
 * any path. */
#include <stdint.h>
#include <stdlib.h>

#include "train/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  st_file f;
  nn_err err;
  if (st_parse(data, size, &f, &err) != NN_OK) return 0;
  for (int i = 0; i < f.count; i++) {
    const st_tensor *t = &f.tensors[i];
    size_t es = st_dtype_size(t->dtype), n = es ? t->nbytes / es : 0;
    if (n > (1u << 20)) continue;
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (v) st_to_float(t, v, n, &err);
    free(v);
    (void)st_find(&f, t->name);
  }
  st_free(&f);
  return 0;
}
