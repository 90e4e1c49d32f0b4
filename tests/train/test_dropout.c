/* Dropout in training mode: about 1 - ratio of the elements kept, scaled by 1 / (1 - ratio),
 * the mask output saying which; the gradient passes exactly where the mask keeps; the same
 * seed gives the same draws in a new graph, the next run new ones; inference mode is the
 * identity. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/nn.h"
#include "train/build.h"
#include "train/tape.h"

enum { N = 4096 };

static nn_graph *graph(int training, int seed, float ratio) {
  const int64_t d[2] = {4, N / 4}, one[1] = {1};
  tr_builder b;
  tr_build_begin(&b);
  int x = tr_input(&b, "x", 2, d);
  int r = tr_param(&b, "ratio", 1, one, &ratio);
  int mode = tr_param(&b, "training", 1, one, NULL);
  b.g->values[mode].t.dtype = NN_BOOL; /* one byte: the float storage is large enough */
  *(uint8_t *)b.g->values[mode].t.data = (uint8_t)training;
  int outs[2];
  tr_node(&b, "Dropout", (int[]){x, r, mode}, 3, &TR_INT("seed", seed), 1, 2, outs);
  tr_output(&b, outs[0]);
  tr_output(&b, outs[1]);
  nn_err err;
  nn_graph *g = tr_build_end(&b, &err);
  if (!g) fprintf(stderr, "%s\n", err.msg);
  return g;
}

int main(void) {
  const int64_t d[2] = {4, N / 4};
  nn_err err;
  nn_tensor *x = nn_tensor_new(NN_F32, 2, d, &err), *dy = nn_tensor_new(NN_F32, 2, d, &err);
  float *xv = x->data, *gv = dy->data;
  for (int i = 0; i < N; i++) xv[i] = (float)(i % 17) - 8.0f, gv[i] = 0.01f * (float)(i % 13);
  nn_graph *g = graph(1, 7, 0.3f);
  CHECK(g != NULL);
  if (!g) return CHECK_DONE();
  tr_tape t;
  int xin = g->inputs[0];
  CHECK(tr_tape_init(&t, g, &xin, 1, &err) == NN_OK);
  CHECK(tr_forward(&t, &x, &err) == NN_OK);
  const float *y = t.val[g->outputs[0]].data;
  const uint8_t *mask = t.val[g->outputs[1]].data;
  static uint8_t first[N];
  memcpy(first, mask, N);
  int kept = 0, wrong = 0;
  for (int i = 0; i < N; i++) {
    kept += mask[i];
    float want = mask[i] ? xv[i] / 0.7f : 0.0f;
    wrong += fabsf(y[i] - want) > 1e-5f;
  }
  printf("kept %d of %d (expected about %d)\n", kept, N, (int)(0.7 * N));
  CHECK(wrong == 0);
  CHECK(abs(kept - (int)(0.7 * N)) < 150); /* about 5 standard deviations */
  nn_tensor *douts[2] = {dy, NULL};
  CHECK(tr_backward(&t, douts, &err) == NN_OK);
  const float *dx = t.grad[xin].data;
  wrong = 0;
  for (int i = 0; i < N; i++) wrong += fabsf(dx[i] - (mask[i] ? gv[i] / 0.7f : 0.0f)) > 1e-6f;
  CHECK(wrong == 0);
  /* the next run draws again */
  CHECK(tr_forward(&t, &x, &err) == NN_OK);
  CHECK(memcmp(first, t.val[g->outputs[1]].data, N) != 0);
  tr_tape_free(&t);
  nn_graph_free(g);
  /* the same seed in a new graph: the same first draws */
  g = graph(1, 7, 0.3f);
  nn_tensor *outs[2] = {0};
  CHECK(g && nn_run(g, &x, 1, outs, 2, &err) == NN_OK);
  CHECK(outs[1] && memcmp(first, outs[1]->data, N) == 0);
  nn_tensor_free(outs[0]);
  nn_tensor_free(outs[1]);
  nn_graph_free(g);
  /* inference mode: the identity, everything kept */
  g = graph(0, 7, 0.3f);
  CHECK(g && nn_run(g, &x, 1, outs, 2, &err) == NN_OK);
  CHECK(outs[0] && !memcmp(outs[0]->data, xv, sizeof(float) * N));
  int all = 1;
  for (int i = 0; outs[1] && i < N; i++) all &= ((uint8_t *)outs[1]->data)[i] == 1;
  CHECK(all);
  nn_tensor_free(outs[0]);
  nn_tensor_free(outs[1]);
  nn_graph_free(g);
  nn_tensor_free(x);
  nn_tensor_free(dy);
  return CHECK_DONE();
}
