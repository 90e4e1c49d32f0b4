/* ONNX's own operator test cases (Debian package libonnx-testdata) for every op the engine
 * implements. A case is ours when every node of its graph is an op we implement. Each such
 * case must pass, or be listed in onnx_node_skips.txt with the reason; a listed case that
 * passes is reported so that the list stays honest.
 * Usage: test_onnx_node [name-prefix]   (env ONNX_NODE_TESTS overrides the data folder) */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nn/nn.h"
#include "onnx.pb-c.h"

static const char *const our_ops[] = {
#define X(name) #name,
#include "nn/ops/ops.def"
#undef X
};

typedef struct skip {
  char name[128];
  char reason[256];
} skip;

static skip skips[256];
static int n_skips;

static void load_skips(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/nn/onnx_node_skips.txt", src ? src : ".");
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot read %s (set CUTOUT_SOURCE_DIR)\n", path);
    exit(1);
  }
  char line[512];
  while (fgets(line, sizeof line, f) && n_skips < 256) {
    if (line[0] == '#' || line[0] == '\n') continue;
    line[strcspn(line, "\n")] = 0;
    char *sp = strchr(line, ' ');
    if (!sp) continue;
    *sp = 0;
    snprintf(skips[n_skips].name, sizeof skips[n_skips].name, "%.127s", line);
    snprintf(skips[n_skips].reason, sizeof skips[n_skips].reason, "%.255s", sp + 1);
    n_skips++;
  }
  fclose(f);
}

static const char *skip_reason(const char *name) {
  for (int i = 0; i < n_skips; i++)
    if (strcmp(skips[i].name, name) == 0) return skips[i].reason;
  return NULL;
}

static int is_our_op(const char *op) {
  for (size_t i = 0; i < sizeof our_ops / sizeof our_ops[0]; i++)
    if (strcmp(our_ops[i], op) == 0) return 1;
  return 0;
}

/* 1 when every node of the model is one of our ops. */
static int is_ours(const char *model_path) {
  void *buf;
  size_t len;
  nn_err err;
  if (nn_map_file(model_path, &buf, &len, &err)) return 0;
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
  nn_unmap_file(buf, len);
  if (!m) return 0;
  int ours = m->graph && m->graph->n_node > 0;
  for (size_t i = 0; ours && i < m->graph->n_node; i++) {
    const char *d = m->graph->node[i]->domain;
    if ((d && d[0] && strcmp(d, "ai.onnx")) || !is_our_op(m->graph->node[i]->op_type)) ours = 0;
  }
  onnx__model_proto__free_unpacked(m, NULL);
  return ours;
}

/* The largest |got - want| of a case's float outputs, as a fraction of its bound, and the
 * largest over the cases that pass. */
static double worst_of_bound, worst_passing;

static int compare(const nn_tensor *got, const nn_tensor *want, char *why, size_t len) {
  char a[128], b[128];
  if (got->dtype != want->dtype) {
    snprintf(why, len, "type %s, expected %s", nn_dtype_name(got->dtype),
             nn_dtype_name(want->dtype));
    return 0;
  }
  if (!nn_same_shape(got, want)) {
    snprintf(why, len, "shape %s, expected %s", nn_shape_str(got, a, sizeof a),
             nn_shape_str(want, b, sizeof b));
    return 0;
  }
  int64_t n = nn_numel(want);
  for (int64_t i = 0; i < n; i++) {
    double x = nn_get(got, i), y = nn_get(want, i);
    int ok;
    if (nn_dtype_is_float(want->dtype))
      ok = (isnan(x) && isnan(y)) || x == y || fabs(x - y) <= 1e-7 + 1e-3 * fabs(y);
    if (nn_dtype_is_float(want->dtype) && !isnan(x) && !isnan(y) &&
        fabs(x - y) / (1e-7 + 1e-3 * fabs(y)) > worst_of_bound)
      worst_of_bound = fabs(x - y) / (1e-7 + 1e-3 * fabs(y));
    else
      ok = nn_get_i64(got, i) == nn_get_i64(want, i);
    if (!ok) {
      snprintf(why, len, "element %lld is %.9g, expected %.9g", (long long)i, x, y);
      return 0;
    }
  }
  return 1;
}

/* Runs one case; returns 1 when every data set matches. */
static int run_case(const char *dir, char *why, size_t len) {
  char path[1200];
  nn_err err = {0};
  nn_graph *g = NULL;
  snprintf(path, sizeof path, "%s/model.onnx", dir);
  if (nn_onnx_load_file(path, &g, &err) || nn_prepare(g, &err)) {
    snprintf(why, len, "load: %.400s", err.msg);
    if (g) nn_graph_free(g);
    return 0;
  }
  int ok = 1, sets = 0;
  for (int s = 0; ok; s++) {
    char set[1200];
    struct stat st;
    snprintf(set, sizeof set, "%s/test_data_set_%d", dir, s);
    if (stat(set, &st) != 0) break;
    sets++;
    nn_tensor *in[16] = {0}, *out[16] = {0}, *want[16] = {0};
    int n_in = g->n_inputs, n_out = g->n_outputs;
    for (int i = 0; i < n_in && ok; i++) {
      snprintf(path, sizeof path, "%.1100s/input_%d.pb", set, i);
      in[i] = nn_onnx_load_tensor_file(path, &err);
      if (!in[i]) {
        snprintf(why, len, "input %d: %.400s", i, err.msg);
        ok = 0;
      }
    }
    if (ok && nn_run(g, in, n_in, out, n_out, &err)) {
      snprintf(why, len, "run: %.400s", err.msg);
      ok = 0;
    }
    for (int i = 0; i < n_out && ok; i++) {
      snprintf(path, sizeof path, "%.1100s/output_%d.pb", set, i);
      want[i] = nn_onnx_load_tensor_file(path, &err);
      if (!want[i]) {
        snprintf(why, len, "output %d: %.400s", i, err.msg);
        ok = 0;
      } else if (!compare(out[i], want[i], why, len)) {
        char tmp[300];
        snprintf(tmp, sizeof tmp, "output %d: %.250s", i, why);
        snprintf(why, len, "%s", tmp);
        ok = 0;
      }
    }
    for (int i = 0; i < 16; i++) {
      nn_tensor_free(in[i]);
      nn_tensor_free(out[i]);
      nn_tensor_free(want[i]);
    }
  }
  nn_graph_free(g);
  if (ok && !sets) {
    snprintf(why, len, "no test data sets");
    ok = 0;
  }
  return ok;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  const char *root = getenv("ONNX_NODE_TESTS");
  if (!root) root = "/usr/share/libonnx-testdata/data/node";
  const char *prefix = argc > 1 ? argv[1] : "test_";
  DIR *d = opendir(root);
  if (!d) {
    printf("SKIP: %s not found (Debian package libonnx-testdata)\n", root);
    return 77;
  }
  load_skips();
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      names = realloc(names, cap * sizeof *names);
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  nn_set_threads(2);
  int ran = 0, passed = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    char dir[1024], model[1100], why[512] = "";
    snprintf(dir, sizeof dir, "%s/%s", root, names[i]);
    snprintf(model, sizeof model, "%s/model.onnx", dir);
    if (is_ours(model)) {
      const char *reason = skip_reason(names[i]);
      ran++;
      worst_of_bound = 0;
      int ok = run_case(dir, why, sizeof why);
      if (ok && reason) {
        printf("FAIL %s: passes but is listed as skipped (%s)\n", names[i], reason);
        failed++;
      } else if (ok) {
        printf("ok   %s\n", names[i]);
        if (worst_of_bound > worst_passing) worst_passing = worst_of_bound;
        passed++;
      } else if (reason) {
        printf("skip %s: %s (%s)\n", names[i], reason, why);
        skipped++;
      } else {
        printf("FAIL %s: %s\n", names[i], why);
        failed++;
      }
    }
    free(names[i]);
  }
  free(names);
  printf("onnx node cases for our ops: %d ran, %d passed, %d failed, %d skipped; worst error of "
         "the passing ones %.3g of the bound\n", ran, passed, failed, skipped, worst_passing);
  return failed ? 1 : 0;
}
