/* Fuzz target: a TensorFlow.js model.json from bytes (its weight file: w.bin, 1024 bytes of
 * small floats, beside it), loaded with the model's own outputs, prepared and optimised. A
 * model is untrusted input. The seeds (fuzz/seeds/tfjs/) name w.bin with weights of 1024 bytes
 * in all. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/nn.h"

static char dir[] = "/tmp/cutout-fuzz-tfjs-XXXXXX";

static int write_file(const char *name, const void *p, size_t n) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = n ? fwrite(p, 1, n, f) : 0;
  return fclose(f) == 0 && w == n ? 0 : -1;
}

static void cleanup(void) {
  char path[128];
  snprintf(path, sizeof path, "%s/model.json", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/w.bin", dir);
  unlink(path);
  rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    nn_set_threads(1);
    float w[256];
    for (int i = 0; i < 256; i++) w[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
    if (!mkdtemp(dir) || write_file("w.bin", w, sizeof w)) abort();
    atexit(cleanup);
    ready = 1;
  }
  if (write_file("model.json", data, size)) abort();
  char path[128];
  snprintf(path, sizeof path, "%s/model.json", dir);
  nn_graph *g = NULL;
  nn_err err;
  if (nn_load_tfjs(path, NULL, 0, &g, &err) == NN_OK) nn_graph_free(g);
  return 0;
}
