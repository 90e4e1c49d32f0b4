/* The interface every op implements, and the registry that finds ops by name.
 *
 * An op file (src/nn/ops/<op>.c) defines `const nn_op nn_op_<Name>` with:
 *   prepare  once at load: validate attributes, reject what is not supported with a
 *            message naming the op and the attribute; may store parsed params in
 *            node->params. NULL when there is nothing to check.
 *   shape    output dtypes and dims from the inputs. Inputs always carry dtype and
 *            dims; their data is NULL when not known yet (shape inference at load).
 *            Return NN_EUNKNOWN when the output shape needs data that is NULL.
 *            Used both at load (inference, folding) and before every run.
 *   run      computes the outputs, whose storage is allocated from shape()'s result.
 *   release  frees node->params. NULL when prepare stores nothing.
 *   blocked  1 when the node can run with its float data inputs in the channel-blocked
 *            layout `block` (nn/layout.h), given the inputs' dims (data may be NULL); its
 *            output is then in the same layout. NULL: plain layout only.
 *   backward training (src/train/tape.c), float32 in the plain layout: given the inputs
 *            and outputs of a run and dout[k], the gradient of the loss with respect to
 *            output k (NULL when none reaches it), adds the gradient with respect to each
 *            input k into din[k] (NULL when not wanted; else shaped as the input, and holding
 *            what other consumers of that input already added). NULL: not differentiable.
 *   state    the op's internal state that changes from run to run (a random generator's),
 *            as bytes that training checkpoints keep: *data points into node->params.
 *            NULL: none.
 *   pack     once at load, when every shape is known (nn_pack): prepares what each run of
 *            the node needs (a oneDNN primitive, weights in its kernel's layout), given the
 *            inputs (constants with their data) and outputs as planned (data NULL). prev,
 *            when not NULL, is what packed() gave for the same node in an earlier process
 *            (from the prepared-model cache): the op takes it instead of redoing the work
 *            when it fits what the op would make now (it checks), else ignores it. NULL:
 *            nothing to prepare.
 *   packed   what pack prepared, for the cache: p's meta (small, for the fit check) and data
 *            (the bulk), both pointing into node->params, and in p->replaces the bit of each
 *            input (1 << k) whose data runs no longer read. Returns 0 when there is nothing
 *            to keep. NULL: never anything.
 * Omitted optional inputs arrive as NULL pointers; omitted outputs likewise. */
#ifndef CUTOUT_NN_OP_H
#define CUTOUT_NN_OP_H
#include "nn/graph.h"
#include "nn/tensor.h"

/* What an op prepared at load (nn_op.packed, nn_op.pack). */
typedef struct nn_packed {
  const void *meta, *data;
  size_t meta_bytes, data_bytes;
  unsigned replaces; /* bit k: input k's data is not needed by runs */
} nn_packed;

typedef struct nn_op {
  const char *name;
  int min_inputs, max_inputs;
  int min_outputs, max_outputs;
  int (*prepare)(nn_node *node, nn_err *err);
  int (*shape)(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
               nn_err *err);
  int (*run)(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
             nn_err *err);
  void (*release)(nn_node *node);
  int (*blocked)(const nn_node *node, nn_tensor *const *in, int n_in, int block);
  int (*backward)(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                  int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err);
  void (*state)(nn_node *node, void **data, size_t *bytes);
  int (*pack)(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out, int n_out,
              const nn_packed *prev, nn_err *err);
  int (*packed)(const nn_node *node, nn_packed *p);
} nn_op;

/* The op for (domain, op_type); NULL when unknown. "" and "ai.onnx" are the default domain. */
const nn_op *nn_op_find(const char *domain, const char *op_type);

/* Helpers for op files. */
/* Fails with "<Op> node '<name>': <message>". */
int nn_node_fail(const nn_node *node, nn_err *err, nn_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* shape() of ops whose output has the input's type and dims (elementwise, Identity):
 * NN_EUNKNOWN while the input's rank is not known. */
int nn_shape_as_input(const nn_tensor *x, nn_tensor *out);
/* shape() of elementwise ops on floating-point data: as nn_shape_as_input, after checking
 * the input's type. */
int nn_shape_float(const nn_node *node, nn_tensor *const *in, nn_tensor *out, nn_err *err);
/* run() of ops whose output holds the input's bytes under another shape (Identity,
 * Reshape, Unsqueeze): copies in[0]'s storage into out[0]'s. */
int nn_run_copy(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor **out, int n_out,
                nn_err *err);
/* backward() of those ops: adds dout[0] into din[0] element by element. */
int nn_backward_copy(nn_node *node, nn_tensor *const *in, int n_in, nn_tensor *const *out,
                     int n_out, nn_tensor *const *dout, nn_tensor **din, nn_err *err);
/* The checks every backward() starts with: float32 in the plain layout for each given
 * gradient and, when din is given, its dims equal to its input's. */
int nn_backward_check(const nn_node *node, nn_tensor *const *in, int n_in,
                      nn_tensor *const *out, int n_out, nn_tensor *const *dout,
                      nn_tensor **din, nn_err *err);
/* Normalises a possibly negative axis for rank r; -1 when out of range. */
int nn_axis(int64_t axis, int rank);
/* Numpy-style broadcast of a and b's dims into out (dtype untouched). */
int nn_broadcast_shape(const nn_node *node, const nn_tensor *a, const nn_tensor *b,
                       nn_tensor *out, nn_err *err);

#endif
