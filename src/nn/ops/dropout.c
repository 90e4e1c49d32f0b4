/* Dropout (opset 7-13): the identity unless training_mode (input 2, a bool scalar) is true;
 * then each element is kept with probability 1 - ratio (input 1, or the attribute of older
 * opsets; default 0.5) and scaled by 1 / (1 - ratio), and the optional output 1 is the keep
 * mask. The random draws come from a generator per node, seeded by the attribute seed (0 when
 * absent), so runs with the same seed repeat. backward() reads the mask: in training mode
 * the node must have output 1. float32 (float16 stored as float). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/op.h"

typedef struct dropout_state {
  uint64_t s;
} dropout_state;

static int do_prepare(nn_node *node, nn_err *err) {
  dropout_state *st = calloc(1, sizeof *st);
  if (!st) return nn_node_fail(node, err, NN_ENOMEM, "out of memory");
  st->s = 0x9E3779B97F4A7C15ull ^ (uint64_t)nn_attr_int(node, "seed", 0);
  node->params = st;
  return NN_OK;
}

static void do_release(nn_node *node) {
  free(node->params);
  node->params = NULL;
}

/* splitmix64: a uniform double in [0, 1) */
static double draw(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * (1.0 / 9007199254740992.0);
}

/* ratio and mode of this run; -1 with err when they are invalid */
static int settings(const nn_node *node, nn_tensor *const *in, int n_in, float *ratio,
                    int *training, nn_err *err) {
  *ratio = nn_attr_float(node, "ratio", 0.5f);
  *training = 0;
  if (n_in > 1 && in[1]) {
    if (nn_numel(in[1]) != 1 || !nn_dtype_is_float(in[1]->dtype))
      return nn_node_fail(node, err, NN_EINVAL, "ratio must be one float");
    if (in[1]->data)
      *ratio = in[1]->dtype == NN_F64 ? (float)*(const double *)in[1]->data
                                      : *(const float *)in[1]->data;
  }
  if (n_in > 2 && in[2]) {
    if (nn_numel(in[2]) != 1 || in[2]->dtype != NN_BOOL)
      return nn_node_fail(node, err, NN_EINVAL, "training_mode must be one bool");
    if (in[2]->data) *training = *(const uint8_t *)in[2]->data != 0;
  }
  if (!(*ratio >= 0.0f && *ratio < 1.0f))
    return nn_node_fail(node, err, NN_EINVAL, "ratio must be in [0, 1), not %g", *ratio);
  return NN_OK;
}

static int do_shape(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                    nn_err *err) {
  if (in[0]->dtype != NN_F32 && in[0]->dtype != NN_F16)
    return nn_node_fail(node, err, NN_EUNSUPPORTED, "input type %s is not supported",
                        nn_dtype_name(in[0]->dtype));
  float ratio;
  int training;
  int rc = settings(node, in, n_in, &ratio, &training, err);
  if (rc) return rc;
  rc = nn_shape_as_input(in[0], out[0]);
  if (n_out > 1 && out[1]) nn_set_shape(out[1], NN_BOOL, in[0]->ndim, in[0]->dims);
  return rc;
}

static int do_run(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                  nn_err *err) {
  float ratio;
  int training;
  int rc = settings(node, in, n_in, &ratio, &training, err);
  if (rc) return rc;
  int64_t n = nn_numel(in[0]);
  const float *x = in[0]->data;
  float *y = out[0]->data;
  uint8_t *mask = n_out > 1 && out[1] ? out[1]->data : NULL;
  if (!training || ratio == 0.0f) {
    if (n) memcpy(y, x, sizeof(float) * (size_t)n);
    if (mask && n) memset(mask, 1, (size_t)n);
    return NN_OK;
  }
  dropout_state *st = node->params;
  float scale = 1.0f / (1.0f - ratio);
  for (int64_t i = 0; i < n; i++) { /* serial: the draws stay in order */
    int keep = draw(&st->s) >= ratio;
    y[i] = keep ? x[i] * scale : 0.0f;
    if (mask) mask[i] = (uint8_t)keep;
  }
  return NN_OK;
}

/* dx += dy * mask / (1 - ratio) in training mode, dy otherwise */
static int do_backward(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                       int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err) {
  int rc = nn_backward_check(node, in, 1, out, 1, dout, din, err);
  if (rc || !dout[0] || !din[0]) return rc;
  float ratio;
  int training;
  rc = settings(node, in, n_in, &ratio, &training, err);
  if (rc) return rc;
  const uint8_t *mask = n_out > 1 && out[1] ? out[1]->data : NULL;
  if (training && ratio > 0.0f && !mask)
    return nn_node_fail(node, err, NN_EINVAL, "gradients in training mode need output 1 (mask)");
  int64_t n = nn_numel(in[0]);
  const float *g = dout[0]->data;
  float *d = din[0]->data;
  float scale = training ? 1.0f / (1.0f - ratio) : 1.0f;
  for (int64_t i = 0; i < n; i++) d[i] += mask && training && !mask[i] ? 0.0f : g[i] * scale;
  return NN_OK;
}

/* the generator's position: a resumed training run draws on from it */
static void do_state(nn_node *node, void **data, size_t *bytes) {
  dropout_state *st = node->params;
  *data = st ? &st->s : NULL;
  *bytes = st ? sizeof st->s : 0;
}

const nn_op nn_op_Dropout = {.name = "Dropout",
                             .min_inputs = 1,
                             .max_inputs = 3,
                             .min_outputs = 1,
                             .max_outputs = 2,
                             .prepare = do_prepare,
                             .shape = do_shape,
                             .run = do_run,
                             .release = do_release,
                             .backward = do_backward,
                             .state = do_state};
