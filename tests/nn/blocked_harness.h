/* Helpers for tests of ops on channel-blocked and channels-last bfloat16 data
 * (nn/layout.h): conversions between the plain and those layouts written here element by
 * element (independent of the engine's reorder), checks of the padded channels, and running
 * an op with such inputs the way the executor does (the output takes the inputs' layout). */
#ifndef CUTOUT_TESTS_BLOCKED_HARNESS_H
#define CUTOUT_TESTS_BLOCKED_HARNESS_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layout.h"
#include "op_harness.h"

/* N, C and the product of the spatial dims of a rank >= 3 tensor. */
static inline void bh_ncs(const nn_tensor *t, int64_t *N, int64_t *C, int64_t *S) {
  *N = t->dims[0];
  *C = t->dims[1];
  *S = 1;
  for (int i = 2; i < t->ndim; i++) *S *= t->dims[i];
}

/* A new tensor holding x's float32 values in layout `block` (0: plain); x may be blocked. */
static inline nn_tensor *bh_convert(const nn_tensor *x, int block) {
  nn_tensor *t = calloc(1, sizeof *t);
  if (!t) exit(1);
  nn_set_shape(t, x->dtype, x->ndim, x->dims);
  t->block = block;
  if (nn_tensor_alloc(t, NULL)) {
    fprintf(stderr, "cannot allocate a test tensor\n");
    exit(1);
  }
  int64_t N, C, S;
  bh_ncs(x, &N, &C, &S);
  for (int64_t n = 0; n < N; n++)
    for (int64_t c = 0; c < C; c++)
      for (int64_t i = 0; i < S; i++) {
        float v = x->block < 0 ? nn_bf16_to_f32(((const uint16_t *)x->data)[(n * S + i) * C + c])
                               : ((const float *)x->data)[nn_blocked_index(n, c, i, C, S,
                                                                            x->block)];
        if (block < 0)
          ((uint16_t *)t->data)[(n * S + i) * C + c] = nn_f32_to_bf16(v);
        else
          ((float *)t->data)[nn_blocked_index(n, c, i, C, S, block)] = v;
      }
  return t;
}

/* 1 when every padded channel of blocked t holds +0.0. */
static inline int bh_padding_zero(const nn_tensor *t) {
  if (t->block <= 0) return 1; /* plain and channels-last have no padding */
  int64_t N, C, S, B = t->block, cb;
  bh_ncs(t, &N, &C, &S);
  cb = (C + B - 1) / B;
  const uint32_t *d = t->data;
  for (int64_t n = 0; n < N; n++)
    for (int64_t c = C; c < cb * B; c++)
      for (int64_t i = 0; i < S; i++)
        if (d[nn_blocked_index(n, c, i, C, S, (int)B)] != 0) return 0;
  return 1;
}

/* 1 when plain a and b have the same dtype, dims and bits; prints the first difference. */
static inline int bh_same_bits(const nn_tensor *a, const nn_tensor *b, const char *what) {
  if (a->dtype != b->dtype || !nn_same_shape(a, b) || a->block || b->block) {
    fprintf(stderr, "  %s: results differ in type, shape or layout\n", what);
    return 0;
  }
  const uint32_t *x = a->data, *y = b->data;
  for (int64_t i = 0; i < nn_numel(a); i++)
    if (x[i] != y[i]) {
      float fx, fy;
      memcpy(&fx, &x[i], 4);
      memcpy(&fy, &y[i], 4);
      fprintf(stderr, "  %s: element %lld is %.9g plain, %.9g blocked\n", what, (long long)i,
              (double)fx, (double)fy);
      return 0;
    }
  return 1;
}

/* Shape, allocate and run node's (prepared) op; the output gets in[0]'s layout and starts
 * filled with NaNs, so that every storage element it ends with was written by the op. */
static inline int bh_run_prepared(test_node *t, nn_tensor **in, int n_in, nn_tensor **out,
                                  nn_err *err) {
  const nn_op *op = t->node.op;
  nn_tensor *o = calloc(1, sizeof *o);
  nn_tensor *outs[1] = {o};
  int rc = op->shape(&t->node, in, n_in, outs, 1, err);
  o->block = in[0]->block;
  if (!rc) rc = nn_tensor_alloc(o, err);
  if (!rc) {
    const uint32_t nan_bits = 0x7fc00123u;
    uint32_t *d = o->data;
    uint16_t *h = o->data;
    for (int64_t i = 0; i < nn_storage_numel(o); i++)
      if (o->block < 0)
        h[i] = (uint16_t)(nan_bits >> 16) | 1;
      else
        d[i] = nan_bits;
    rc = op->run(&t->node, in, n_in, outs, 1, err);
  }
  if (rc) {
    nn_tensor_free(o);
    o = NULL;
  }
  *out = o;
  return rc;
}

/* What the op's blocked callback says for these inputs (dims only) and block. */
static inline int bh_accepts(test_node *t, nn_tensor **in, int n_in, int block) {
  const nn_op *op = t->node.op;
  nn_err err;
  if (!op->blocked) return 0;
  if (op->prepare && op->prepare(&t->node, &err)) {
    fprintf(stderr, "  prepare failed: %s\n", err.msg);
    return -1;
  }
  int ok = op->blocked(&t->node, in, n_in, block);
  if (op->release) op->release(&t->node);
  return ok;
}

/* Runs node on in (plain) and on the same data with the inputs flagged in `data` (bit k for
 * in[k]) converted to layout `block`; 1 when the op accepts the blocked case, the blocked
 * output converted back equals the plain output bit for bit, and its padding is zero.
 * Channels-last bfloat16 (NN_BLOCK_CL): the plain run gets the inputs rounded to bfloat16
 * too, and its output rounded to bfloat16 must equal the channels-last output bit for bit:
 * the ops round once, at the end. */
static inline int bh_compare(test_node *t, nn_tensor **in, int n_in, unsigned data, int block,
                             const char *what) {
  const nn_op *op = t->node.op;
  nn_err err;
  nn_tensor *bin[16];
  int ok = 1;
  if (op->prepare && op->prepare(&t->node, &err)) {
    fprintf(stderr, "  %s: prepare failed: %s\n", what, err.msg);
    return 0;
  }
  nn_tensor *pin[16]; /* the plain run's inputs: rounded to bfloat16 for channels-last */
  for (int k = 0; k < n_in; k++) {
    bin[k] = in[k] && (data >> k & 1) ? bh_convert(in[k], block) : in[k];
    pin[k] = block < 0 && bin[k] != in[k] ? bh_convert(bin[k], 0) : in[k];
  }
  nn_tensor *plain = NULL, *blocked = NULL, *back = NULL;
  if (!op->blocked || !op->blocked(&t->node, bin, n_in, block)) {
    fprintf(stderr, "  %s: the op refuses block %d\n", what, block);
    ok = 0;
  }
  if (ok && bh_run_prepared(t, pin, n_in, &plain, &err)) {
    fprintf(stderr, "  %s: plain run failed: %s\n", what, err.msg);
    ok = 0;
  }
  if (ok && bh_run_prepared(t, bin, n_in, &blocked, &err)) {
    fprintf(stderr, "  %s: blocked run failed: %s\n", what, err.msg);
    ok = 0;
  }
  if (ok && blocked->block != block) {
    fprintf(stderr, "  %s: the output is not in block %d\n", what, block);
    ok = 0;
  }
  if (ok && !bh_padding_zero(blocked)) {
    fprintf(stderr, "  %s: padded channels of the output are not zero\n", what);
    ok = 0;
  }
  if (ok && block < 0) { /* the plain result rounded as the channels-last one is */
    nn_tensor *r = bh_convert(plain, block);
    nn_tensor_free(plain);
    plain = bh_convert(r, 0);
    nn_tensor_free(r);
  }
  if (ok) {
    back = bh_convert(blocked, 0);
    ok = bh_same_bits(plain, back, what);
  }
  if (op->release) op->release(&t->node);
  for (int k = 0; k < n_in; k++) {
    if (pin[k] != in[k]) nn_tensor_free(pin[k]);
    if (bin[k] != in[k]) nn_tensor_free(bin[k]);
  }
  nn_tensor_free(plain);
  nn_tensor_free(blocked);
  nn_tensor_free(back);
  return ok;
}

#endif
