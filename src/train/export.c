/* Engine graph -> ONNX ModelProto (protobuf-c, the importer's generated code). */
#define _POSIX_C_SOURCE 200809L
#include "train/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx.pb-c.h"

/* every allocation of one export, freed together */
typedef struct pool {
  void **p;
  size_t n, cap;
  int failed;
} pool;

static void *take(pool *pl, size_t bytes) {
  if (pl->failed) return NULL;
  void *m = calloc(1, bytes ? bytes : 1);
  if (m && pl->n == pl->cap) {
    size_t cap = pl->cap ? 2 * pl->cap : 256;
    void **p = realloc(pl->p, cap * sizeof *p);
    if (!p) free(m), m = NULL;
    else pl->p = p, pl->cap = cap;
  }
  if (!m) {
    pl->failed = 1;
    return NULL;
  }
  pl->p[pl->n++] = m;
  return m;
}

static Onnx__ValueInfoProto *value_info(pool *pl, const nn_value *v) {
  Onnx__ValueInfoProto *vi = take(pl, sizeof *vi);
  Onnx__TypeProto *tp = take(pl, sizeof *tp);
  Onnx__TypeProto__Tensor *tt = take(pl, sizeof *tt);
  Onnx__TensorShapeProto *sh = take(pl, sizeof *sh);
  int nd = v->t.ndim > 0 ? v->t.ndim : 0;
  Onnx__TensorShapeProto__Dimension **dims = take(pl, sizeof *dims * (size_t)(nd + 1));
  if (!vi || !tp || !tt || !sh || !dims) return NULL;
  onnx__value_info_proto__init(vi);
  onnx__type_proto__init(tp);
  onnx__type_proto__tensor__init(tt);
  onnx__tensor_shape_proto__init(sh);
  for (int i = 0; i < nd; i++) {
    Onnx__TensorShapeProto__Dimension *d = take(pl, sizeof *d);
    if (!d) return NULL;
    onnx__tensor_shape_proto__dimension__init(d);
    d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    d->dim_value = v->t.dims[i];
    dims[i] = d;
  }
  sh->n_dim = (size_t)nd;
  sh->dim = dims;
  tt->has_elem_type = 1;
  tt->elem_type = (int32_t)v->t.dtype;
  tt->shape = sh;
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  vi->name = v->name;
  vi->type = tp;
  return vi;
}

static Onnx__TensorProto *initializer(pool *pl, const nn_value *v, nn_err *err) {
  if (v->t.dtype != NN_F32 && v->t.dtype != NN_BOOL && v->t.dtype != NN_I64) {
    nn_fail(err, NN_EUNSUPPORTED, "initialiser '%s' is %s: only float32, int64 and bool are "
            "exported", v->name, nn_dtype_name(v->t.dtype));
    return NULL;
  }
  Onnx__TensorProto *t = take(pl, sizeof *t);
  int64_t *dims = take(pl, sizeof(int64_t) * (size_t)(v->t.ndim + 1));
  if (!t || !dims) return NULL;
  onnx__tensor_proto__init(t);
  memcpy(dims, v->t.dims, sizeof(int64_t) * (size_t)v->t.ndim);
  t->n_dims = (size_t)v->t.ndim;
  t->dims = dims;
  t->has_data_type = 1;
  t->data_type = (int32_t)v->t.dtype;
  t->name = v->name;
  t->has_raw_data = 1;
  t->raw_data.len = nn_nbytes(&v->t);
  t->raw_data.data = v->t.data;
  return t;
}

static Onnx__AttributeProto *attribute(pool *pl, const nn_attr *a, nn_err *err) {
  Onnx__AttributeProto *p = take(pl, sizeof *p);
  if (!p) return NULL;
  onnx__attribute_proto__init(p);
  p->name = a->name;
  p->has_type = 1;
  switch (a->type) {
    case NN_ATTR_INT:
      p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, p->has_i = 1, p->i = a->i;
      break;
    case NN_ATTR_FLOAT:
      p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, p->has_f = 1, p->f = a->f;
      break;
    case NN_ATTR_STRING:
      p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, p->has_s = 1;
      p->s.data = (uint8_t *)a->s;
      p->s.len = strlen(a->s);
      break;
    case NN_ATTR_INTS:
      p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
      p->n_ints = (size_t)a->n, p->ints = a->ints;
      break;
    case NN_ATTR_FLOATS:
      p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
      p->n_floats = (size_t)a->n, p->floats = a->floats;
      break;
    default:
      nn_fail(err, NN_EUNSUPPORTED, "attribute '%s': its type is not exported", a->name);
      return NULL;
  }
  return p;
}

static int write_file(const char *path, const uint8_t *buf, size_t len, nn_err *err) {
  size_t n = strlen(path) + 16;
  char *tmp = malloc(n);
  if (!tmp) return nn_fail(err, NN_ENOMEM, "out of memory");
  snprintf(tmp, n, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return nn_fail(err, NN_EIO, "%s: cannot create a file beside it: %s", path, strerror(e));
  }
  size_t at = 0;
  int e = 0;
  while (at < len) {
    ssize_t w = write(fd, buf + at, len - at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      e = w < 0 ? errno : ENOSPC;
      break;
    }
    at += (size_t)w;
  }
  if (!e && fsync(fd)) e = errno;
  if (!e) (void)fchmod(fd, 0644);
  if (close(fd) && !e) e = errno;
  if (!e && rename(tmp, path)) e = errno;
  if (e) unlink(tmp);
  free(tmp);
  return e ? nn_fail(err, NN_EIO, "%s: cannot write: %s", path, strerror(e)) : NN_OK;
}

int tr_export_onnx(const nn_graph *g, const char *path, nn_err *err) {
  pool pl = {0};
  int rc = NN_OK, ninit = 0;
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1] = {&opset};
  onnx__model_proto__init(&model);
  onnx__graph_proto__init(&graph);
  onnx__operator_set_id_proto__init(&opset);
  opset.domain = "";
  opset.has_version = 1;
  opset.version = 17;
  Onnx__NodeProto **nodes = take(&pl, sizeof *nodes * (size_t)(g->n_nodes + 1));
  Onnx__TensorProto **inits = take(&pl, sizeof *inits * (size_t)(g->n_values + 1));
  Onnx__ValueInfoProto **ins = take(&pl, sizeof *ins * (size_t)(g->n_inputs + 1));
  Onnx__ValueInfoProto **outs = take(&pl, sizeof *outs * (size_t)(g->n_outputs + 1));
  for (int i = 0; !pl.failed && !rc && i < g->n_nodes; i++) {
    const nn_node *n = &g->nodes[i];
    Onnx__NodeProto *np = take(&pl, sizeof *np);
    char **in = take(&pl, sizeof(char *) * (size_t)(n->n_in + 1));
    char **out = take(&pl, sizeof(char *) * (size_t)(n->n_out + 1));
    Onnx__AttributeProto **at = take(&pl, sizeof *at * (size_t)(n->n_attr + 1));
    if (!np) break;
    onnx__node_proto__init(np);
    for (int k = 0; in && k < n->n_in; k++) in[k] = n->in[k] >= 0 ? g->values[n->in[k]].name : "";
    for (int k = 0; out && k < n->n_out; k++)
      out[k] = n->out[k] >= 0 ? g->values[n->out[k]].name : "";
    for (int k = 0; at && k < n->n_attr && !rc; k++)
      if (!(at[k] = attribute(&pl, &n->attrs[k], err)) && !pl.failed) rc = err ? err->code : 1;
    np->name = n->name;
    np->op_type = n->op_type;
    np->domain = n->domain;
    np->n_input = (size_t)n->n_in, np->input = in;
    np->n_output = (size_t)n->n_out, np->output = out;
    np->n_attribute = (size_t)n->n_attr, np->attribute = at;
    nodes[i] = np;
  }
  for (int v = 0; !pl.failed && !rc && v < g->n_values; v++)
    if (g->values[v].is_const && g->values[v].t.data) {
      Onnx__TensorProto *t = initializer(&pl, &g->values[v], err);
      if (!t) rc = pl.failed ? NN_ENOMEM : (err ? err->code : 1);
      else inits[ninit++] = t;
    }
  for (int i = 0; !pl.failed && !rc && i < g->n_inputs; i++)
    ins[i] = value_info(&pl, &g->values[g->inputs[i]]);
  for (int i = 0; !pl.failed && !rc && i < g->n_outputs; i++)
    outs[i] = value_info(&pl, &g->values[g->outputs[i]]);
  if (pl.failed && !rc) rc = nn_fail(err, NN_ENOMEM, "out of memory exporting the model");
  if (!rc) {
    graph.name = "cutout";
    graph.n_node = (size_t)g->n_nodes, graph.node = nodes;
    graph.n_initializer = (size_t)ninit, graph.initializer = inits;
    graph.n_input = (size_t)g->n_inputs, graph.input = ins;
    graph.n_output = (size_t)g->n_outputs, graph.output = outs;
    model.has_ir_version = 1;
    model.ir_version = 8;
    model.n_opset_import = 1;
    model.opset_import = opsets;
    model.producer_name = "cutout";
    model.graph = &graph;
    size_t len = onnx__model_proto__get_packed_size(&model);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) rc = nn_fail(err, NN_ENOMEM, "out of memory for a %zu-byte model", len);
    else {
      onnx__model_proto__pack(&model, buf);
      rc = write_file(path, buf, len, err);
      free(buf);
    }
  }
  for (size_t i = 0; i < pl.n; i++) free(pl.p[i]);
  free(pl.p);
  return rc;
}
