/* Helpers for tests that compare the engine with TensorFlow.js: raw float32 files, and the
 * reference runner tests/tools/tfjs_run.js (tfjs 4.22, wasm backend) run on a model.json. */
#ifndef CUTOUT_TESTS_TFJS_HARNESS_H
#define CUTOUT_TESTS_TFJS_HARNESS_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static inline int th_write(const char *path, const void *data, size_t bytes) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t n = bytes ? fwrite(data, 1, bytes, f) : 0;
  return fclose(f) == 0 && n == bytes ? 0 : -1;
}

/* count floats from path into a new buffer; NULL when the file holds another number. */
static inline float *th_read_floats(const char *path, size_t count) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  float *p = malloc((count + 1) * sizeof(float));
  size_t n = p ? fread(p, sizeof(float), count + 1, f) : 0;
  fclose(f);
  if (n != count) {
    free(p);
    return NULL;
  }
  return p;
}

/* The reason tfjs cannot run here (node or the npm packages absent), NULL when it can. */
static inline const char *th_tfjs_missing(const char *src) {
  char cmd[2048];
  if (system("node --version > /dev/null 2>&1") != 0) return "node is not installed";
  snprintf(cmd, sizeof cmd,
           "cd '%s' && node -e 'require(\"@tensorflow/tfjs\");"
           "require(\"@tensorflow/tfjs-backend-wasm\")' > /dev/null 2>&1", src);
  if (system(cmd) != 0) return "@tensorflow/tfjs or its wasm backend is not installed (npm ci)";
  return NULL;
}

/* Runs MODEL (a model.json) with tfjs on the NHWC input x of dims shape[rank] (written to
 * tmp), its output OUTPUT into a new buffer of count floats; NULL on any failure. */
static inline float *th_tfjs_run(const char *src, const char *model, const char *output,
                                 const float *x, const int64_t *shape, int rank,
                                 size_t count, const char *tmp) {
  char in[1024], out[1024], dims[256] = "", cmd[4096];
  size_t n = 1;
  for (int i = 0; i < rank; i++) {
    size_t l = strlen(dims);
    snprintf(dims + l, sizeof dims - l, "%s%lld", i ? "," : "", (long long)shape[i]);
    n *= (size_t)shape[i];
  }
  snprintf(in, sizeof in, "%s/tfjs-in.f32", tmp);
  snprintf(out, sizeof out, "%s/tfjs-out.f32", tmp);
  if (th_write(in, x, n * sizeof(float))) return NULL;
  snprintf(cmd, sizeof cmd,
           "node '%s/tests/tools/tfjs_run.js' '%s' '%s' '%s' --shape %s --output '%s' > '%s/tfjs.json'",
           src, model, in, out, dims, output, tmp);
  int rc = system(cmd);
  if (rc != 0) {
    fprintf(stderr, "tfjs_run failed (status %d): %s\n", WIFEXITED(rc) ? WEXITSTATUS(rc) : -1,
            cmd);
    return NULL;
  }
  return th_read_floats(out, count);
}

/* max |a - b| over n values (NaN counts as infinite). */
static inline double th_max_diff(const float *a, const float *b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++) {
    double d = a[i] > b[i] ? (double)a[i] - b[i] : (double)b[i] - a[i];
    if (!(d <= m)) m = d == d ? d : 1e30;
  }
  return m;
}

/* A small graph model written by a test: a Placeholder "x" (float32, NHWC), Const nodes whose
 * values go to the weight file, and nodes given as JSON text. */
typedef struct th_model {
  char nodes[16384];   /* the node list's JSON, without the brackets */
  char weights[8192];  /* the manifest's weights list, likewise */
  unsigned char bin[1 << 16];
  size_t bin_n;
} th_model;

static inline void th_append(char *buf, size_t cap, const char *text) {
  size_t l = strlen(buf);
  snprintf(buf + l, cap - l, "%s%s", l ? "," : "", text);
}

static inline void th_model_init(th_model *m, const int64_t *shape, int rank) {
  char text[512], dims[256] = "";
  memset(m, 0, sizeof *m);
  for (int i = 0; i < rank; i++) {
    size_t l = strlen(dims);
    snprintf(dims + l, sizeof dims - l, "%s{\"size\":\"%lld\"}", i ? "," : "",
             (long long)shape[i]);
  }
  snprintf(text, sizeof text, "{\"name\":\"x\",\"op\":\"Placeholder\",\"attr\":{"
           "\"dtype\":{\"type\":\"DT_FLOAT\"},\"shape\":{\"shape\":{\"dim\":[%s]}}}}", dims);
  th_append(m->nodes, sizeof m->nodes, text);
}

/* A node: "name", "op", its inputs (comma-separated, quoted) and attributes (JSON members). */
static inline void th_node(th_model *m, const char *name, const char *op, const char *inputs,
                           const char *attrs) {
  char text[2048];
  snprintf(text, sizeof text, "{\"name\":\"%s\",\"op\":\"%s\",\"input\":[%s],\"attr\":{%s}}",
           name, op, inputs, attrs ? attrs : "");
  th_append(m->nodes, sizeof m->nodes, text);
}

/* A Const node of count values (float32, or int32 when ints is given) in the weight file. */
static inline void th_const(th_model *m, const char *name, const int64_t *dims, int rank,
                            const float *f, const int32_t *ints) {
  char text[1024], d[256] = "";
  size_t count = 1;
  for (int i = 0; i < rank; i++) {
    size_t l = strlen(d);
    snprintf(d + l, sizeof d - l, "%s%lld", i ? "," : "", (long long)dims[i]);
    count *= (size_t)dims[i];
  }
  snprintf(text, sizeof text, "{\"name\":\"%s\",\"shape\":[%s],\"dtype\":\"%s\"}", name, d,
           ints ? "int32" : "float32");
  th_append(m->weights, sizeof m->weights, text);
  if (m->bin_n + count * 4 <= sizeof m->bin) {
    memcpy(m->bin + m->bin_n, ints ? (const void *)ints : (const void *)f, count * 4);
    m->bin_n += count * 4;
  }
  snprintf(text, sizeof text, "\"dtype\":{\"type\":\"%s\"}", ints ? "DT_INT32" : "DT_FLOAT");
  th_node(m, name, "Const", "", text);
}

/* DIR/STEM.json naming DIR/BIN_NAME (NULL: STEM.bin) as its weight file, written with
 * bin_bytes of the weights (-1: all); 0 on success. */
static inline int th_model_write(const th_model *m, const char *dir, const char *stem,
                                 const char *bin_name, long bin_bytes) {
  char path[1024], bin[256];
  snprintf(bin, sizeof bin, "%s.bin", stem);
  if (!bin_name) bin_name = bin;
  static char json[32768];
  snprintf(json, sizeof json, "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":[%s],\"versions\":{\"producer\":1}},"
           "\"weightsManifest\":[{\"paths\":[\"%s\"],\"weights\":[%s]}]}", m->nodes, bin_name,
           m->weights);
  snprintf(path, sizeof path, "%s/%s.json", dir, stem);
  if (th_write(path, json, strlen(json))) return -1;
  snprintf(path, sizeof path, "%s/%s", dir, bin);
  return th_write(path, m->bin, bin_bytes < 0 ? m->bin_n : (size_t)bin_bytes);
}

#endif
