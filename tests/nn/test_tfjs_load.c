/* The TensorFlow.js loader on models it must refuse (a short or long weight file, a missing
 * one, a weight file outside the model's folder, an unknown op, an attribute value it does
 * not handle, a file that is not JSON, an output not in the graph): a clear error, no graph.
 * And on what it must take: only the nodes the asked-for outputs need, the graph's sinks
 * when none are asked for. Needs no tfjs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nn/nn.h"
#include "tfjs_harness.h"

static char tmp[] = "/tmp/cutout-tfjs-load-XXXXXX";
static th_model m;

/* A model of one convolution y = Relu(Conv2D(x, w)), and a branch z of an unknown op. */
static void conv_model(const char *data_format_b64, const char *z_op) {
  int64_t xs[4] = {1, 4, 4, 2}, ws[4] = {3, 3, 2, 3};
  float w[54];
  for (int i = 0; i < 54; i++) w[i] = (float)(i % 7) / 7 - 0.5f;
  th_model_init(&m, xs, 4);
  th_const(&m, "w", ws, 4, w, NULL);
  char attrs[512];
  snprintf(attrs, sizeof attrs,
           "\"data_format\":{\"s\":\"%s\"},\"padding\":{\"s\":\"U0FNRQ==\"},"
           "\"strides\":{\"list\":{\"i\":[\"1\",\"1\",\"1\",\"1\"]}}", data_format_b64);
  th_node(&m, "c", "Conv2D", "\"x\",\"w\"", attrs);
  th_node(&m, "y", "Relu", "\"c\"", NULL);
  if (z_op) th_node(&m, "z", z_op, "\"c\"", NULL);
}

/* Loads stem.json asking for output (NULL: the model's own); returns the code, the message in
 * msg. */
static int load(const char *stem, const char *output, char *msg, size_t len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.json", tmp, stem);
  nn_graph *g = NULL;
  nn_err err = {0};
  int rc = nn_load_tfjs(path, output ? &output : NULL, output ? 1 : 0, &g, &err);
  snprintf(msg, len, "%s", rc ? err.msg : "");
  if (rc) printf("%s: %s\n", stem, err.msg);
  CHECK(rc ? g == NULL : g != NULL);
  if (g && !output) CHECK(g->n_outputs == 1 && !strcmp(g->values[g->outputs[0]].name, "y"));
  if (g) { /* it runs, in TensorFlow's layout */
    int64_t xs[4] = {1, 4, 4, 2};
    nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, &err), *y = NULL;
    CHECK(nn_run(g, &x, 1, &y, 1, &err) == 0);
    CHECK(y && y->ndim == 4 && y->dims[1] == 4 && y->dims[2] == 4 && y->dims[3] == 3);
    nn_tensor_free(x);
    nn_tensor_free(y);
  }
  nn_graph_free(g);
  return rc;
}

int main(void) {
  CHECK(mkdtemp(tmp) != NULL);
  char msg[600];
  const char *nhwc = "TkhXQw==", *nchw = "TkNIVw==";

  conv_model(nhwc, NULL);
  CHECK(th_model_write(&m, tmp, "good", NULL, -1) == 0);
  CHECK(load("good", "y", msg, sizeof msg) == 0);
  CHECK(load("good", NULL, msg, sizeof msg) == 0); /* the sink y */
  CHECK(load("good", "y:0", msg, sizeof msg) == 0);
  CHECK(load("good", "nothing", msg, sizeof msg) == NN_EINVAL && strstr(msg, "nothing"));

  /* weight files that disagree with the manifest */
  CHECK(th_model_write(&m, tmp, "short", NULL, (long)m.bin_n - 5) == 0);
  CHECK(load("short", "y", msg, sizeof msg) == NN_EFORMAT && strstr(msg, "weight w"));
  m.bin_n += 8;
  CHECK(th_model_write(&m, tmp, "long", NULL, -1) == 0);
  CHECK(load("long", "y", msg, sizeof msg) == NN_EFORMAT && strstr(msg, "bytes"));
  m.bin_n -= 8;
  CHECK(th_model_write(&m, tmp, "missing", "absent.bin", -1) == 0);
  CHECK(load("missing", "y", msg, sizeof msg) == NN_EIO && strstr(msg, "absent.bin"));
  CHECK(th_model_write(&m, tmp, "outside", "../outside.bin", -1) == 0);
  CHECK(load("outside", "y", msg, sizeof msg) == NN_EFORMAT && strstr(msg, "outside.bin"));

  /* an unknown op: refused where needed, pruned away where not */
  conv_model(nhwc, "NoSuchOp");
  CHECK(th_model_write(&m, tmp, "unknown", NULL, -1) == 0);
  CHECK(load("unknown", "z", msg, sizeof msg) == NN_EUNSUPPORTED && strstr(msg, "NoSuchOp") &&
        strstr(msg, "'z'"));
  CHECK(load("unknown", "y", msg, sizeof msg) == 0);

  /* an attribute value not handled */
  conv_model(nchw, NULL);
  CHECK(th_model_write(&m, tmp, "nchw", NULL, -1) == 0);
  CHECK(load("nchw", "y", msg, sizeof msg) == NN_EUNSUPPORTED && strstr(msg, "Conv2D") &&
        strstr(msg, "'c'") && strstr(msg, "NCHW"));

  /* not JSON; not a graph model */
  char path[1024];
  snprintf(path, sizeof path, "%s/bad.json", tmp);
  CHECK(th_write(path, "{\"modelTopology\": [1, 2", 23) == 0);
  CHECK(load("bad", "y", msg, sizeof msg) == NN_EFORMAT);
  CHECK(th_write(path, "{\"weightsManifest\": []}", 23) == 0);
  CHECK(load("bad", "y", msg, sizeof msg) == NN_EFORMAT && strstr(msg, "modelTopology"));
  CHECK(load("absent", "y", msg, sizeof msg) == NN_EIO);

  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
