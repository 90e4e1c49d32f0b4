#include "nn/onnx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn/mem.h"
#include "nn/op.h"
#include "onnx.pb-c.h"

int nn_map_file(const char *path, void **map, size_t *size, nn_err *err) {
  *map = NULL;
  *size = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nn_fail(err, NN_EIO, "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return nn_fail(err, NN_EIO, "'%s' is not a regular file", path);
  }
  if ((uint64_t)st.st_size > NN_MAX_FILE_BYTES) {
    close(fd);
    return nn_fail(err, NN_EFORMAT,
                   "'%s' is %lld bytes: more than a protobuf file can hold (2 GiB)", path,
                   (long long)st.st_size);
  }
  *size = (size_t)st.st_size;
  if (*size) {
    *map = mmap(NULL, *size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (*map == MAP_FAILED) {
      *map = NULL;
      *size = 0;
      close(fd);
      return nn_fail(err, NN_EIO, "cannot map '%s': %s", path, strerror(errno));
    }
  }
  close(fd);
  return NN_OK;
}

void nn_unmap_file(void *map, size_t size) {
  if (map) munmap(map, size);
}

/* Number of elements a typed field of the proto must hold. */
static int fill_from_fields(const Onnx__TensorProto *p, nn_tensor *t, int64_t n, nn_err *err) {
  const char *name = p->name ? p->name : "";
#define NEED(field)                                                                       \
  if ((int64_t)p->n_##field != n)                                                         \
    return nn_fail(err, NN_EFORMAT, "tensor '%s': %zu values for %lld elements", name,    \
                   (size_t)p->n_##field, (long long)n);
  switch (t->dtype) {
    case NN_F32:
      NEED(float_data);
      memcpy(t->data, p->float_data, (size_t)n * 4);
      break;
    case NN_F64:
      NEED(double_data);
      memcpy(t->data, p->double_data, (size_t)n * 8);
      break;
    case NN_I64:
      NEED(int64_data);
      memcpy(t->data, p->int64_data, (size_t)n * 8);
      break;
    case NN_U64:
      NEED(uint64_data);
      memcpy(t->data, p->uint64_data, (size_t)n * 8);
      break;
    case NN_U32:
      NEED(uint64_data);
      for (int64_t i = 0; i < n; i++) ((uint32_t *)t->data)[i] = (uint32_t)p->uint64_data[i];
      break;
    case NN_F16:
      NEED(int32_data);
      for (int64_t i = 0; i < n; i++)
        ((float *)t->data)[i] = nn_half_to_float((uint16_t)p->int32_data[i]);
      break;
    case NN_I32:
      NEED(int32_data);
      memcpy(t->data, p->int32_data, (size_t)n * 4);
      break;
    default: /* int8, uint8, int16, uint16, bool travel in int32_data */
      NEED(int32_data);
      for (int64_t i = 0; i < n; i++) nn_set(t, i, p->int32_data[i]);
      break;
  }
#undef NEED
  return NN_OK;
}

static nn_tensor *tensor_from_proto(const Onnx__TensorProto *p, nn_err *err) {
  const char *name = p->name ? p->name : "";
  nn_dtype dt = (nn_dtype)p->data_type;
  if (p->has_data_location && p->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    nn_fail(err, NN_EUNSUPPORTED, "tensor '%s' keeps its data in an external file; "
            "models with external data are not supported", name);
    return NULL;
  }
  if (!nn_dtype_supported(dt)) {
    nn_fail(err, NN_EUNSUPPORTED, "tensor '%s' has unsupported type %s", name,
            nn_dtype_name(dt));
    return NULL;
  }
  if (p->n_dims > NN_MAX_DIMS) {
    nn_fail(err, NN_EUNSUPPORTED, "tensor '%s' has rank %zu (at most %d supported)", name,
            p->n_dims, NN_MAX_DIMS);
    return NULL;
  }
  if (p->segment) {
    nn_fail(err, NN_EUNSUPPORTED, "tensor '%s' is segmented", name);
    return NULL;
  }
  int64_t n = 1;
  for (size_t i = 0; i < p->n_dims; i++) {
    if (p->dims[i] < 0) {
      nn_fail(err, NN_EFORMAT, "tensor '%s' has a negative dimension", name);
      return NULL;
    }
    if (p->dims[i] && n > (INT64_C(1) << 40) / p->dims[i]) {
      nn_fail(err, NN_EFORMAT, "tensor '%s' is too large", name);
      return NULL;
    }
    n *= p->dims[i];
  }
  /* The data must be in the file before memory is taken for it: a few bytes of model that
   * only claim a huge tensor must not make the loader allocate (and zero) it. */
  size_t file_es = dt == NN_F16 ? 2 : nn_dtype_size(dt);
  size_t values = p->n_float_data + p->n_int32_data + p->n_int64_data + p->n_double_data +
                  p->n_uint64_data;
  if (p->has_raw_data ? p->raw_data.len != (size_t)n * file_es : n > 0 && (size_t)n > values) {
    if (p->has_raw_data)
      nn_fail(err, NN_EFORMAT, "tensor '%s': %zu bytes of data for %lld elements of %s", name,
              p->raw_data.len, (long long)n, nn_dtype_name(dt));
    else
      nn_fail(err, NN_EFORMAT, "tensor '%s': %zu values for %lld elements", name, values,
              (long long)n);
    return NULL;
  }
  /* (raw data fills every byte: no zeroing first) */
  nn_tensor *t = p->has_raw_data ? nn_tensor_new_unset(dt, (int)p->n_dims, p->dims, err)
                                 : nn_tensor_new(dt, (int)p->n_dims, p->dims, err);
  if (!t) return NULL;
  if (p->has_raw_data) {
    if (dt == NN_F16) {
      nn_halves_to_floats(p->raw_data.data, t->data, n);
    } else if (n) {
      memcpy(t->data, p->raw_data.data, p->raw_data.len);
    }
  } else if (n && fill_from_fields(p, t, n, err)) {
    nn_tensor_free(t);
    return NULL;
  }
  if (dt == NN_BOOL)
    for (int64_t i = 0; i < n; i++) ((uint8_t *)t->data)[i] = ((uint8_t *)t->data)[i] != 0;
  return t;
}

nn_tensor *nn_onnx_load_tensor_file(const char *path, nn_err *err) {
  void *buf;
  size_t len;
  if (nn_map_file(path, &buf, &len, err)) return NULL;
  Onnx__TensorProto *p = onnx__tensor_proto__unpack(NULL, len, buf);
  nn_unmap_file(buf, len);
  if (!p) {
    nn_fail(err, NN_EFORMAT, "'%s' is not a serialised ONNX tensor", path);
    return NULL;
  }
  nn_tensor *t = tensor_from_proto(p, err);
  onnx__tensor_proto__free_unpacked(p, NULL);
  return t;
}

static char *dup_bytes(const ProtobufCBinaryData *b) {
  char *s = malloc(b->len + 1);
  if (s) {
    if (b->len) memcpy(s, b->data, b->len); /* an empty field may have no data pointer */
    s[b->len] = 0;
  }
  return s;
}

static int convert_attr(const Onnx__NodeProto *np, const Onnx__AttributeProto *ap, nn_attr *a,
                        nn_err *err) {
  a->name = strdup(ap->name ? ap->name : "");
  if (!a->name) return nn_fail(err, NN_ENOMEM, "out of memory");
  if (!strncmp(a->name, "cutout.", 7)) /* the engine's own (nn_attr_set_int) */
    return nn_fail(err, NN_EFORMAT, "%s node '%s': attribute '%s' is reserved",
                   np->op_type ? np->op_type : "", np->name ? np->name : "", a->name);
  a->type = (nn_attr_type)ap->type;
  switch (ap->type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: a->f = ap->f; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: a->i = ap->i; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
      if (!(a->s = dup_bytes(&ap->s))) return nn_fail(err, NN_ENOMEM, "out of memory");
      break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR:
      if (!ap->t)
        return nn_fail(err, NN_EFORMAT, "%s node '%s': attribute '%s' has no tensor",
                       np->op_type ? np->op_type : "", np->name ? np->name : "", a->name);
      a->t = tensor_from_proto(ap->t, err);
      if (!a->t) return err ? err->code : NN_EFORMAT;
      break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
      a->n = (int)ap->n_floats;
      a->floats = malloc((ap->n_floats + 1) * sizeof(float));
      if (!a->floats) return nn_fail(err, NN_ENOMEM, "out of memory");
      if (ap->n_floats) /* an empty list has no array: memcpy from NULL is undefined */
        memcpy(a->floats, ap->floats, ap->n_floats * sizeof(float));
      break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
      a->n = (int)ap->n_ints;
      a->ints = malloc((ap->n_ints + 1) * sizeof(int64_t));
      if (!a->ints) return nn_fail(err, NN_ENOMEM, "out of memory");
      if (ap->n_ints) memcpy(a->ints, ap->ints, ap->n_ints * sizeof(int64_t));
      break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS:
      a->n = (int)ap->n_strings;
      a->strings = calloc(ap->n_strings + 1, sizeof(char *));
      if (!a->strings) return nn_fail(err, NN_ENOMEM, "out of memory");
      for (size_t i = 0; i < ap->n_strings; i++)
        if (!(a->strings[i] = dup_bytes(&ap->strings[i])))
          return nn_fail(err, NN_ENOMEM, "out of memory");
      break;
    default:
      return nn_fail(err, NN_EUNSUPPORTED,
                     "%s node '%s': attribute '%s' is of a kind not supported (type %d)",
                     np->op_type ? np->op_type : "", np->name ? np->name : "", a->name,
                     (int)ap->type);
  }
  return NN_OK;
}

/* Declared dtype and dims of a graph input or output. */
static int value_info(nn_graph *g, const Onnx__ValueInfoProto *vi, int id, nn_err *err) {
  nn_tensor *t = &g->values[id].t;
  const Onnx__TypeProto *tp = vi->type;
  if (!tp) return NN_OK;
  if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
    return nn_fail(err, NN_EUNSUPPORTED,
                   "graph value '%s' is a sequence, map or optional; only tensors are supported",
                   vi->name);
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  t->dtype = (nn_dtype)tt->elem_type;
  if (!nn_dtype_supported(t->dtype))
    return nn_fail(err, NN_EUNSUPPORTED, "graph value '%s' has unsupported type %s", vi->name,
                   nn_dtype_name(t->dtype));
  if (tt->shape) {
    if (tt->shape->n_dim > NN_MAX_DIMS)
      return nn_fail(err, NN_EUNSUPPORTED, "graph value '%s' has rank %zu", vi->name,
                     tt->shape->n_dim);
    t->ndim = (int)tt->shape->n_dim;
    int64_t n = 1; /* declared dims are untrusted: bounded as nn_tensor_alloc bounds them */
    for (size_t i = 0; i < tt->shape->n_dim; i++) {
      const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
      t->dims[i] = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
                       ? d->dim_value
                       : -1;
      if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
          d->dim_value < 0)
        return nn_fail(err, NN_EFORMAT, "graph value '%s' has a negative dimension", vi->name);
      if (t->dims[i] > 0 && n > (INT64_C(1) << 40) / t->dims[i])
        return nn_fail(err, NN_EFORMAT, "graph value '%s' is too large", vi->name);
      if (t->dims[i] > 0) n *= t->dims[i];
    }
  }
  return NN_OK;
}

static int convert_node(nn_graph *g, const Onnx__NodeProto *np, nn_err *err) {
  const char *op_type = np->op_type ? np->op_type : "";
  const char *name = np->name ? np->name : "";
  const char *domain = np->domain ? np->domain : "";
  const nn_op *op = strcmp(domain, "cutout") ? nn_op_find(domain, op_type) : NULL;
  if (!op)
    return nn_fail(err, NN_EUNSUPPORTED, "unsupported op %s%s%s (node '%s')", domain,
                   domain[0] ? "." : "", op_type, name);
  if ((int)np->n_input < op->min_inputs || (int)np->n_input > op->max_inputs ||
      (int)np->n_output < op->min_outputs || (int)np->n_output > op->max_outputs)
    return nn_fail(err, NN_EINVAL, "%s node '%s': %zu inputs and %zu outputs; expected %d-%d "
                   "inputs and %d-%d outputs", op_type, name, np->n_input, np->n_output,
                   op->min_inputs, op->max_inputs, op->min_outputs, op->max_outputs);
  /* An empty name marks an omitted optional input or output; the ops' shape and run take
   * the first min_inputs inputs and min_outputs outputs as present. */
  for (int i = 0; i < op->min_inputs; i++)
    if (!np->input[i][0])
      return nn_fail(err, NN_EINVAL, "%s node '%s': input %d is required", op_type, name, i);
  for (int i = 0; i < op->min_outputs; i++)
    if (!np->output[i][0])
      return nn_fail(err, NN_EINVAL, "%s node '%s': output %d is required", op_type, name, i);
  int idx = nn_graph_add_node(g);
  if (idx < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
  nn_node *n = &g->nodes[idx];
  n->name = strdup(name);
  n->op_type = strdup(op_type);
  n->domain = strdup(domain);
  n->n_in = (int)np->n_input;
  n->n_out = (int)np->n_output;
  n->in = malloc(sizeof(int) * (np->n_input + 1));
  n->out = malloc(sizeof(int) * (np->n_output + 1));
  n->attrs = calloc(np->n_attribute + 1, sizeof(nn_attr));
  if (!n->name || !n->op_type || !n->domain || !n->in || !n->out || !n->attrs)
    return nn_fail(err, NN_ENOMEM, "out of memory");
  for (size_t i = 0; i < np->n_input; i++) {
    n->in[i] = np->input[i][0] ? nn_graph_value(g, np->input[i]) : -1;
    n = &g->nodes[idx];
    if (np->input[i][0] && n->in[i] < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < np->n_output; i++) {
    n->out[i] = np->output[i][0] ? nn_graph_value(g, np->output[i]) : -1;
    if (np->output[i][0] && n->out[i] < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < np->n_attribute; i++) {
    n->n_attr = (int)i + 1;
    if (convert_attr(np, np->attribute[i], &n->attrs[i], err)) return err ? err->code : 1;
  }
  if (op->prepare && op->prepare(n, err)) return err ? err->code : NN_EINVAL;
  n->op = op; /* set after prepare succeeded, so release() only sees prepared nodes */
  return NN_OK;
}

static int convert_graph(nn_graph *g, const Onnx__ModelProto *m, nn_err *err) {
  const Onnx__GraphProto *gp = m->graph;
  if (!gp) return nn_fail(err, NN_EFORMAT, "the model holds no graph");
  g->opset = 1;
  for (size_t i = 0; i < m->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *o = m->opset_import[i];
    if (!o->domain || !o->domain[0] || strcmp(o->domain, "ai.onnx") == 0) g->opset = o->version;
  }
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const Onnx__TensorProto *tp = gp->initializer[i];
    int id = nn_graph_value(g, tp->name ? tp->name : "");
    if (id < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
    nn_tensor *t = tensor_from_proto(tp, err);
    if (!t) return err ? err->code : NN_EFORMAT;
    nn_tensor_release(&g->values[id].t);
    g->values[id].t = *t;
    free(t);
    g->values[id].is_const = 1;
  }
  if (gp->n_sparse_initializer)
    return nn_fail(err, NN_EUNSUPPORTED, "sparse initialisers are not supported");
  g->inputs = malloc(sizeof(int) * (gp->n_input + 1));
  g->outputs = malloc(sizeof(int) * (gp->n_output + 1));
  if (!g->inputs || !g->outputs) return nn_fail(err, NN_ENOMEM, "out of memory");
  for (size_t i = 0; i < gp->n_input; i++) {
    /* The name is optional in protobuf: a missing one would be a NULL string below. */
    if (!gp->input[i]->name || !gp->input[i]->name[0])
      return nn_fail(err, NN_EFORMAT, "graph input %zu has no name", i);
    int id = nn_graph_value(g, gp->input[i]->name);
    if (id < 0) return nn_fail(err, NN_ENOMEM, "out of memory");
    if (g->values[id].is_const) continue; /* older models list initialisers as inputs */
    if (value_info(g, gp->input[i], id, err)) return err->code;
    g->inputs[g->n_inputs++] = id;
  }
  for (size_t i = 0; i < gp->n_node; i++)
    if (convert_node(g, gp->node[i], err)) return err ? err->code : 1;
  for (size_t i = 0; i < gp->n_output; i++) {
    if (!gp->output[i]->name || !gp->output[i]->name[0])
      return nn_fail(err, NN_EFORMAT, "graph output %zu has no name", i);
    int id = nn_graph_find(g, gp->output[i]->name);
    if (id < 0) return nn_fail(err, NN_EFORMAT, "graph output '%s' is never produced",
                               gp->output[i]->name);
    if (g->values[id].producer < 0 && !g->values[id].is_const && g->values[id].t.ndim < 0 &&
        value_info(g, gp->output[i], id, err))
      return err->code;
    g->outputs[g->n_outputs++] = id;
  }
  nn_graph_link(g);
  return NN_OK;
}

/* protobuf-c's allocator: the large blocks (a model's weights, copied out of the file) on
 * huge pages (nn/mem.h), listed so that free finds their size; a failed allocation is
 * noted, so that running out of memory is not reported as a damaged file. */
typedef struct big_block {
  void *p;
  size_t n;
  struct big_block *next;
} big_block;

typedef struct pb_heap {
  big_block *big;
  int failed;
} pb_heap;

static void *pb_alloc(void *data, size_t n) {
  pb_heap *h = data;
  void *p = NULL;
  big_block *b = NULL;
  if (n < NN_MEM_HUGE) {
    p = malloc(n);
  } else if ((b = malloc(sizeof *b)) && (p = nn_mem_alloc(n))) {
    b->p = p;
    b->n = n;
    b->next = h->big;
    h->big = b;
  } else {
    free(b);
  }
  if (!p) h->failed = 1;
  return p;
}

static void pb_free(void *data, void *p) {
  pb_heap *h = data;
  for (big_block **b = &h->big; *b; b = &(*b)->next)
    if ((*b)->p == p) {
      big_block *d = *b;
      *b = d->next;
      nn_mem_free(d->p, d->n);
      free(d);
      return;
    }
  free(p);
}

int nn_onnx_load_buffer(const void *buf, size_t len, nn_graph **out, nn_err *err) {
  *out = NULL;
  if (len == 0) return nn_fail(err, NN_EFORMAT, "not an ONNX model (the file is empty)");
  pb_heap heap = {0};
  ProtobufCAllocator pa = {.alloc = pb_alloc, .free = pb_free, .allocator_data = &heap};
  Onnx__ModelProto *m = onnx__model_proto__unpack(&pa, len, buf);
  if (!m && heap.failed)
    return nn_fail(err, NN_ENOMEM, "out of memory reading the model (%zu bytes)", len);
  if (!m) return nn_fail(err, NN_EFORMAT, "not an ONNX model (the protobuf does not parse)");
  nn_graph *g = nn_graph_new();
  if (!g) {
    onnx__model_proto__free_unpacked(m, &pa);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  int rc = convert_graph(g, m, err);
  onnx__model_proto__free_unpacked(m, &pa);
  if (rc) {
    nn_graph_free(g);
    return rc;
  }
  *out = g;
  return NN_OK;
}

int nn_onnx_load_file(const char *path, nn_graph **out, nn_err *err) {
  void *buf;
  size_t len;
  *out = NULL;
  if (nn_map_file(path, &buf, &len, err)) return err ? err->code : NN_EIO;
  int rc = nn_onnx_load_buffer(buf, len, out, err);
  nn_unmap_file(buf, len);
  if (rc) nn_err_prefix(err, path);
  return rc;
}
