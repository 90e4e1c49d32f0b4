/* A prepared graph as bytes and back (nn/serial.h). */
#include "nn/serial.h"

#include <stdlib.h>
#include <string.h>

#define GRAPH_MAGIC 0x48505247u /* "GRPH" */
#define NO_DATA UINT64_MAX

/* ---- writing ---- */

static void put(nn_serial *s, const void *p, size_t n) {
  if (s->failed) return;
  if (s->meta_len + n > s->meta_cap) {
    size_t cap = s->meta_cap ? s->meta_cap : 4096;
    while (cap < s->meta_len + n) cap *= 2;
    unsigned char *m = realloc(s->meta, cap);
    if (!m) {
      s->failed = 1;
      return;
    }
    s->meta = m;
    s->meta_cap = cap;
  }
  if (n) memcpy(s->meta + s->meta_len, p, n);
  s->meta_len += n;
}

static void put_u32(nn_serial *s, uint32_t v) { put(s, &v, sizeof v); }
static void put_i32(nn_serial *s, int32_t v) { put(s, &v, sizeof v); }
static void put_i64(nn_serial *s, int64_t v) { put(s, &v, sizeof v); }
static void put_u64(nn_serial *s, uint64_t v) { put(s, &v, sizeof v); }

static void put_str(nn_serial *s, const char *str) {
  uint32_t n = str ? (uint32_t)strlen(str) : UINT32_MAX;
  put_u32(s, n);
  if (str) put(s, str, n);
}

/* A blob in the data section: its offset and length go into the meta bytes. */
static void put_blob(nn_serial *s, const void *data, size_t len) {
  if (!data) {
    put_u64(s, NO_DATA);
    put_u64(s, 0);
    return;
  }
  if (!s->failed && s->n_blobs == s->cap_blobs) {
    int cap = s->cap_blobs ? 2 * s->cap_blobs : 256;
    nn_blob *b = realloc(s->blobs, sizeof *b * (size_t)cap);
    if (!b) s->failed = 1;
    else {
      s->blobs = b;
      s->cap_blobs = cap;
    }
  }
  if (s->failed) return;
  uint64_t off = (s->data_len + 63) / 64 * 64;
  s->blobs[s->n_blobs++] = (nn_blob){data, len, off};
  s->data_len = off + len;
  put_u64(s, off);
  put_u64(s, len);
}

static void put_shape(nn_serial *s, const nn_tensor *t) {
  put_i32(s, t->dtype);
  put_i32(s, t->ndim);
  for (int d = 0; d < t->ndim; d++) put_i64(s, t->dims[d]);
  put_i32(s, t->block);
}

static int put_attr(nn_serial *s, const nn_node *n, const nn_attr *a, nn_err *err) {
  put_str(s, a->name);
  put_i32(s, a->type);
  switch (a->type) {
    case NN_ATTR_FLOAT: put(s, &a->f, sizeof a->f); break;
    case NN_ATTR_INT: put_i64(s, a->i); break;
    case NN_ATTR_STRING: put_str(s, a->s); break;
    case NN_ATTR_TENSOR: {
      size_t bytes = a->t->data ? nn_nbytes(a->t) : 0;
      put_shape(s, a->t);
      put_u64(s, bytes);
      put(s, a->t->data, bytes);
      break;
    }
    case NN_ATTR_FLOATS:
      put_u32(s, (uint32_t)a->n);
      put(s, a->floats, sizeof(float) * (size_t)a->n);
      break;
    case NN_ATTR_INTS:
      put_u32(s, (uint32_t)a->n);
      put(s, a->ints, sizeof(int64_t) * (size_t)a->n);
      break;
    case NN_ATTR_STRINGS:
      put_u32(s, (uint32_t)a->n);
      for (int i = 0; i < a->n; i++) put_str(s, a->strings[i]);
      break;
    default:
      return nn_fail(err, NN_EUNSUPPORTED, "%s node '%s': attribute '%s' cannot be kept",
                     n->op_type, n->name, a->name);
  }
  return NN_OK;
}

int nn_graph_serialize(const nn_graph *g, nn_serial *s, nn_err *err) {
  memset(s, 0, sizeof *s);
  put_u32(s, GRAPH_MAGIC);
  put_u32(s, (uint32_t)g->n_values);
  put_u32(s, (uint32_t)g->n_nodes);
  put_u32(s, (uint32_t)g->n_inputs);
  put_u32(s, (uint32_t)g->n_outputs);
  put_i64(s, g->opset);
  put_i32(s, g->layout);
  put_u32(s, g->plan_offset != NULL);
  put_u64(s, g->plan_size);
  for (int v = 0; v < g->n_values; v++) {
    const nn_value *val = &g->values[v];
    put_str(s, val->name);
    put_shape(s, &val->t);
    put_u32(s, (uint32_t)val->is_const);
    put_blob(s, val->is_const ? val->t.data : NULL, val->is_const ? nn_nbytes(&val->t) : 0);
    put_i64(s, g->plan_offset ? g->plan_offset[v] : -1);
  }
  for (int i = 0; i < g->n_nodes; i++) {
    const nn_node *n = &g->nodes[i];
    put_str(s, n->name);
    put_str(s, n->op_type);
    put_str(s, n->domain);
    put_u32(s, (uint32_t)n->n_in);
    for (int k = 0; k < n->n_in; k++) put_i32(s, n->in[k]);
    put_u32(s, (uint32_t)n->n_out);
    for (int k = 0; k < n->n_out; k++) put_i32(s, n->out[k]);
    put_u32(s, (uint32_t)n->n_attr);
    for (int k = 0; k < n->n_attr; k++) {
      int rc = put_attr(s, n, &n->attrs[k], err);
      if (rc) {
        nn_serial_free(s);
        return rc;
      }
    }
    nn_packed p = {0};
    int has = n->op && n->op->packed && n->op->packed(n, &p) && p.data;
    put_u32(s, (uint32_t)has);
    if (has) {
      put_u32(s, (uint32_t)p.meta_bytes);
      put(s, p.meta, p.meta_bytes);
      put_u32(s, p.replaces);
      put_blob(s, p.data, p.data_bytes);
    }
  }
  for (int k = 0; k < g->n_inputs; k++) put_i32(s, g->inputs[k]);
  for (int k = 0; k < g->n_outputs; k++) put_i32(s, g->outputs[k]);
  if (s->failed) {
    nn_serial_free(s);
    return nn_fail(err, NN_ENOMEM, "out of memory");
  }
  return NN_OK;
}

void nn_serial_free(nn_serial *s) {
  free(s->meta);
  free(s->blobs);
  memset(s, 0, sizeof *s);
}

/* ---- reading ---- */

typedef struct cursor {
  const unsigned char *p, *end;
  const unsigned char *data; /* the data section */
  uint64_t data_len;
  int bad;
} cursor;

static const void *take(cursor *c, size_t n) {
  if (c->bad || (size_t)(c->end - c->p) < n) {
    c->bad = 1;
    return NULL;
  }
  const void *p = c->p;
  c->p += n;
  return p;
}

#define GETTER(name, type)                      \
  static type name(cursor *c) {                 \
    type v = 0;                                 \
    const void *p = take(c, sizeof v);          \
    if (p) memcpy(&v, p, sizeof v);             \
    return v;                                   \
  }
GETTER(get_u32, uint32_t)
GETTER(get_i32, int32_t)
GETTER(get_i64, int64_t)
GETTER(get_u64, uint64_t)
GETTER(get_f32, float)

/* A count of items of at least `least` bytes each that the rest can hold. */
static uint32_t get_count(cursor *c, size_t least) {
  uint32_t n = get_u32(c);
  if (!c->bad && (uint64_t)n * least > (uint64_t)(c->end - c->p)) c->bad = 1;
  return c->bad ? 0 : n;
}

/* A new string (NULL for a NULL one, or when bad / out of memory: bad is set). */
static char *get_str(cursor *c, int null_ok) {
  uint32_t n = get_u32(c);
  if (n == UINT32_MAX && null_ok) return NULL;
  const char *p = take(c, n);
  char *s = p ? malloc((size_t)n + 1) : NULL;
  if (!s) {
    c->bad = 1;
    return NULL;
  }
  memcpy(s, p, n);
  s[n] = 0;
  return s;
}

static void get_shape(cursor *c, nn_tensor *t) {
  t->dtype = (nn_dtype)get_i32(c);
  t->ndim = get_i32(c);
  if (t->ndim < -1 || t->ndim > NN_MAX_DIMS ||
      (t->dtype != NN_UNDEFINED && !nn_dtype_supported(t->dtype))) {
    c->bad = 1;
    t->ndim = -1;
    return;
  }
  int64_t elems = 1; /* at most 2^40 elements, as nn_tensor_alloc allows */
  for (int d = 0; d < t->ndim; d++) {
    t->dims[d] = get_i64(c);
    if (t->dims[d] < -1 || t->dims[d] > (INT64_C(1) << 40)) c->bad = 1;
    else if (t->dims[d] > 0 && elems > (INT64_C(1) << 40) / t->dims[d]) c->bad = 1;
    else if (t->dims[d] > 0) elems *= t->dims[d];
  }
  t->block = get_i32(c);
  if (t->block < -1 || t->block > 64) c->bad = 1;
}

/* A blob: a pointer into the data section, or NULL for none (len must then be 0). */
static const void *get_blob(cursor *c, size_t *len) {
  uint64_t off = get_u64(c), n = get_u64(c);
  *len = (size_t)n;
  if (c->bad) return NULL;
  if (off == NO_DATA) {
    if (n) c->bad = 1;
    return NULL;
  }
  if (off % 64 || off > c->data_len || n > c->data_len - off) {
    c->bad = 1;
    return NULL;
  }
  return c->data + off;
}

static int known_shape(const nn_tensor *t) {
  if (t->ndim < 0 || t->ndim > NN_MAX_DIMS) return 0;
  for (int d = 0; d < t->ndim; d++)
    if (t->dims[d] < 0) return 0;
  return 1;
}

static void get_attr(cursor *c, nn_attr *a) {
  a->name = get_str(c, 0);
  a->type = (nn_attr_type)get_i32(c);
  if (c->bad) return;
  switch (a->type) {
    case NN_ATTR_FLOAT: a->f = get_f32(c); break;
    case NN_ATTR_INT: a->i = get_i64(c); break;
    case NN_ATTR_STRING: a->s = get_str(c, 1); break;
    case NN_ATTR_TENSOR: {
      nn_tensor t = {0};
      get_shape(c, &t);
      uint64_t bytes = get_u64(c);
      const void *p = bytes ? take(c, (size_t)bytes) : NULL;
      if (c->bad || !known_shape(&t) || (bytes && bytes != nn_nbytes(&t))) {
        c->bad = 1;
        return;
      }
      nn_err e;
      a->t = nn_tensor_new(t.dtype, t.ndim, t.dims, &e);
      if (!a->t) {
        c->bad = 1;
        return;
      }
      if (bytes) memcpy(a->t->data, p, (size_t)bytes);
      break;
    }
    case NN_ATTR_FLOATS: {
      a->n = (int)get_count(c, sizeof(float));
      const void *p = take(c, sizeof(float) * (size_t)a->n);
      a->floats = malloc(sizeof(float) * (size_t)(a->n + 1));
      if (!p || !a->floats) c->bad = 1;
      else memcpy(a->floats, p, sizeof(float) * (size_t)a->n);
      break;
    }
    case NN_ATTR_INTS: {
      a->n = (int)get_count(c, sizeof(int64_t));
      const void *p = take(c, sizeof(int64_t) * (size_t)a->n);
      a->ints = malloc(sizeof(int64_t) * (size_t)(a->n + 1));
      if (!p || !a->ints) c->bad = 1;
      else memcpy(a->ints, p, sizeof(int64_t) * (size_t)a->n);
      break;
    }
    case NN_ATTR_STRINGS: {
      uint32_t n = get_count(c, sizeof(uint32_t));
      a->strings = calloc((size_t)n + 1, sizeof(char *));
      if (!a->strings) {
        c->bad = 1;
        break;
      }
      for (uint32_t i = 0; i < n && !c->bad; i++) {
        a->strings[i] = get_str(c, 0);
        a->n = (int)i + 1;
      }
      break;
    }
    default: c->bad = 1;
  }
}

/* A value id: -1 (none, where allowed) or one of the graph's. */
static int get_id(cursor *c, const nn_graph *g, int none_ok) {
  int32_t v = get_i32(c);
  if (v < (none_ok ? -1 : 0) || v >= g->n_values) c->bad = 1;
  return c->bad ? -1 : v;
}

static int get_node(cursor *c, nn_graph *g, nn_node *n, nn_packed *pk) {
  n->name = get_str(c, 0);
  n->op_type = get_str(c, 0);
  n->domain = get_str(c, 0);
  n->n_in = (int)get_count(c, sizeof(int32_t));
  n->in = malloc(sizeof(int) * (size_t)(n->n_in + 1));
  if (!n->in) c->bad = 1;
  for (int k = 0; k < n->n_in && !c->bad; k++) n->in[k] = get_id(c, g, 1);
  n->n_out = (int)get_count(c, sizeof(int32_t));
  n->out = malloc(sizeof(int) * (size_t)(n->n_out + 1));
  if (!n->out) c->bad = 1;
  for (int k = 0; k < n->n_out && !c->bad; k++) n->out[k] = get_id(c, g, 1);
  uint32_t n_attr = get_count(c, 8);
  n->attrs = calloc((size_t)n_attr + 1, sizeof(nn_attr));
  if (!n->attrs) c->bad = 1;
  for (uint32_t k = 0; k < n_attr && !c->bad; k++) {
    n->n_attr = (int)k + 1;
    get_attr(c, &n->attrs[k]);
  }
  if (get_u32(c)) {
    pk->meta_bytes = get_count(c, 1);
    pk->meta = take(c, pk->meta_bytes);
    pk->replaces = get_u32(c);
    pk->data = get_blob(c, &pk->data_bytes);
    if (!pk->data) c->bad = 1;
  }
  return c->bad ? NN_EFORMAT : NN_OK;
}

int nn_graph_deserialize(const void *meta, size_t meta_len, const void *data, size_t data_len,
                         nn_graph **out, nn_packed **packed, nn_err *err) {
  *out = NULL;
  *packed = NULL;
  cursor c = {meta, (const unsigned char *)meta + meta_len, data, data_len, 0};
  nn_graph *g = nn_graph_new();
  if (!g) return nn_fail(err, NN_ENOMEM, "out of memory");
  nn_packed *pk = NULL;
  if (get_u32(&c) != GRAPH_MAGIC) c.bad = 1;
  uint32_t nv = get_count(&c, 16), nn = get_count(&c, 16);
  uint32_t ni = get_count(&c, 4), no = get_count(&c, 4);
  g->opset = get_i64(&c);
  g->layout = get_i32(&c);
  int has_plan = get_u32(&c) != 0;
  g->plan_size = (size_t)get_u64(&c);
  if (!c.bad) {
    g->values = calloc((size_t)nv + 1, sizeof *g->values);
    g->nodes = calloc((size_t)nn + 1, sizeof *g->nodes);
    g->inputs = malloc(sizeof(int) * ((size_t)ni + 1));
    g->outputs = malloc(sizeof(int) * ((size_t)no + 1));
    g->plan_offset = has_plan ? malloc(sizeof(int64_t) * ((size_t)nv + 1)) : NULL;
    pk = calloc((size_t)nn + 1, sizeof *pk);
    if (!g->values || !g->nodes || !g->inputs || !g->outputs || !pk ||
        (has_plan && !g->plan_offset)) {
      free(pk);
      nn_graph_free(g);
      return nn_fail(err, NN_ENOMEM, "out of memory");
    }
    g->cap_values = (int)nv + 1;
    g->cap_nodes = (int)nn + 1;
  }
  for (uint32_t v = 0; v < nv && !c.bad; v++) {
    nn_value *val = &g->values[v];
    g->n_values = (int)v + 1;
    val->producer = -1;
    val->name = get_str(&c, 0);
    get_shape(&c, &val->t);
    if (c.bad) break; /* no sizes from a shape already refused */
    val->is_const = get_u32(&c) != 0;
    size_t len;
    const void *p = get_blob(&c, &len);
    if (p && (!val->is_const || !known_shape(&val->t) || len != nn_nbytes(&val->t))) c.bad = 1;
    val->t.data = (void *)p; /* not owned: the data section holds it */
    int64_t off = get_i64(&c);
    if (has_plan) {
      if (off < -1 || (off >= 0 && (!known_shape(&val->t) || (uint64_t)off > g->plan_size ||
                                    nn_nbytes(&val->t) > g->plan_size - (uint64_t)off)))
        c.bad = 1;
      g->plan_offset[v] = off;
    }
  }
  for (uint32_t i = 0; i < nn && !c.bad; i++) {
    g->n_nodes = (int)i + 1;
    get_node(&c, g, &g->nodes[i], &pk[i]);
  }
  for (uint32_t k = 0; k < ni && !c.bad; k++) g->inputs[g->n_inputs++] = get_id(&c, g, 0);
  for (uint32_t k = 0; k < no && !c.bad; k++) g->outputs[g->n_outputs++] = get_id(&c, g, 0);
  if (!c.bad && c.p != c.end) c.bad = 1;
  if (c.bad) {
    free(pk);
    nn_graph_free(g);
    return nn_fail(err, NN_EFORMAT, "the prepared graph is damaged");
  }
  /* Each node's op, prepared from its attributes (which record what the passes decided). */
  for (int i = 0; i < g->n_nodes; i++) {
    nn_node *n = &g->nodes[i];
    const nn_op *op = nn_op_find(n->domain, n->op_type);
    if (!op || n->n_in < op->min_inputs || n->n_out < op->min_outputs ||
        n->n_out > op->max_outputs || n->n_in > op->max_inputs) {
      nn_fail(err, NN_EFORMAT, "the prepared graph names op %s with %d inputs, %d outputs",
              n->op_type, n->n_in, n->n_out);
      free(pk);
      nn_graph_free(g);
      return NN_EFORMAT;
    }
    int present = 1;
    for (int k = 0; k < op->min_inputs; k++) present &= n->in[k] >= 0;
    for (int k = 0; k < op->min_outputs; k++) present &= n->out[k] >= 0;
    if (!present) op = NULL;
    int rc = op ? (op->prepare ? op->prepare(n, err) : NN_OK)
                : nn_fail(err, NN_EFORMAT, "the prepared graph omits a required value");
    if (rc) {
      free(pk);
      nn_graph_free(g);
      return rc;
    }
    n->op = op;
  }
  nn_graph_link(g);
  *out = g;
  *packed = pk;
  return NN_OK;
}
