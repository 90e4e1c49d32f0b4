/* TensorFlow.js graph models: model.json and its weight files read and checked, the nodes
 * the wanted outputs need found, and each converted (nn/tfjs_convert.c) after its inputs. */
#include "nn/tfjs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/onnx.h"
#include "nn/tfjs_attr.h"
#include "nn/tfjs_convert.h"

/* The most a model.json may take (centernet's is 100 KB). */
#define TFJS_MAX_JSON_BYTES ((size_t)64 << 20)

static cJSON *read_json(const char *path, nn_err *err) {
  void *map;
  size_t size;
  if (nn_map_file(path, &map, &size, err)) return NULL;
  cJSON *j = NULL;
  if (size > TFJS_MAX_JSON_BYTES)
    nn_fail(err, NN_EFORMAT, "%zu bytes: more than a model.json may take (%zu)", size,
            TFJS_MAX_JSON_BYTES);
  else if (!(j = cJSON_ParseWithLength(map, size)))
    nn_fail(err, NN_EFORMAT, "not JSON (the parse stops near byte %zu)",
            size ? (size_t)(cJSON_GetErrorPtr() - (const char *)map) : 0);
  nn_unmap_file(map, size);
  return j;
}

/* Every weight file of the manifest, in order, in one buffer (*data, *size). */
static int read_weight_files(const char *dir, const cJSON *manifest, uint8_t **data,
                             size_t *size, nn_err *err) {
  *data = NULL;
  *size = 0;
  if (!cJSON_IsArray(manifest)) return nn_fail(err, NN_EFORMAT, "weightsManifest is not a list");
  const cJSON *group, *p;
  cJSON_ArrayForEach(group, manifest) {
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(group, "paths");
    if (!cJSON_IsArray(paths))
      return nn_fail(err, NN_EFORMAT, "a weightsManifest group has no paths list");
    cJSON_ArrayForEach(p, paths) {
      const char *name = cJSON_GetStringValue(p);
      if (!name || !name[0] || name[0] == '/' || strstr(name, ".."))
        return nn_fail(err, NN_EFORMAT, "weight file '%s' is not a name in the model's folder",
                       name ? name : "");
      char path[4096];
      if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return nn_fail(err, NN_EINVAL, "the path of weight file '%s' is too long", name);
      void *map;
      size_t n;
      if (nn_map_file(path, &map, &n, err)) return err->code;
      if (n > NN_MAX_FILE_BYTES - *size) {
        nn_unmap_file(map, n);
        return nn_fail(err, NN_EFORMAT, "the weight files take more than %llu bytes",
                       (unsigned long long)NN_MAX_FILE_BYTES);
      }
      uint8_t *d = realloc(*data, *size + n + 1);
      if (!d) {
        nn_unmap_file(map, n);
        return nn_fail(err, NN_ENOMEM, "out of memory reading '%s'", path);
      }
      if (n) memcpy(d + *size, map, n);
      nn_unmap_file(map, n);
      *data = d;
      *size += n;
    }
  }
  return NN_OK;
}

/* A Const's value written in its own attribute (value.tensor: floatVal / intVal, one value
 * filling the shape), for Consts the manifest does not hold. */
static int inline_const(tfjs_node *n, nn_err *err) {
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(tfjs_attr(n->j, "value"), "tensor");
  const char *dt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "dtype"));
  int is_int = dt && !strcmp(dt, "DT_INT32");
  if (!t || !dt || (!is_int && strcmp(dt, "DT_FLOAT")))
    return nn_fail(err, NN_EUNSUPPORTED, "Const node '%s': no weight of that name, and no "
                   "float32 or int32 value of its own", n->name);
  const cJSON *vals = cJSON_GetObjectItemCaseSensitive(t, is_int ? "intVal" : "floatVal"), *e;
  const cJSON *dims = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(t, "tensorShape"), "dim");
  tfjs_weight *w = n->inline_w = calloc(1, sizeof *w);
  if (!w) return nn_fail(err, NN_ENOMEM, "out of memory");
  w->is_int = is_int;
  w->count = 1;
  cJSON_ArrayForEach(e, dims) {
    int64_t v;
    if (w->rank == TFJS_MAX_DIMS ||
        tfjs_json_int(cJSON_GetObjectItemCaseSensitive(e, "size"), &v) || v < 0 || v > 65536 ||
        w->count * (size_t)v > 65536)
      return nn_fail(err, NN_EUNSUPPORTED, "Const node '%s': the shape is not supported",
                     n->name);
    w->dims[w->rank++] = v;
    w->count *= (size_t)v;
  }
  int nv = cJSON_GetArraySize(vals);
  if (!cJSON_IsArray(vals) || nv < 1 || (nv != 1 && (size_t)nv != w->count))
    return nn_fail(err, NN_EUNSUPPORTED, "Const node '%s': %d values for %zu elements "
                   "(tensorContent is not supported)", n->name, nv, w->count);
  w->f = malloc(sizeof *w->f * (w->count + 1));
  w->i = malloc(sizeof *w->i * (w->count + 1));
  if (!w->f || !w->i) return nn_fail(err, NN_ENOMEM, "out of memory");
  for (size_t k = 0; k < w->count; k++) {
    const cJSON *v = cJSON_GetArrayItem(vals, nv == 1 ? 0 : (int)k);
    int64_t iv = 0;
    if (is_int ? tfjs_json_int(v, &iv) != 0 : !cJSON_IsNumber(v))
      return nn_fail(err, NN_EFORMAT, "Const node '%s': value %zu is not a number", n->name, k);
    w->i[k] = (int32_t)iv;
    w->f[k] = is_int ? (float)iv : (float)v->valuedouble;
  }
  return NN_OK;
}

/* Converts node k after every input it needs (depth first, with an explicit stack). */
static int convert_from(tfjs_ctx *c, int root, nn_err *err) {
  if (c->nodes[root].state == 2) return NN_OK;
  int *stack = malloc(sizeof(int) * (size_t)c->n_nodes * 2), top = 0;
  if (!stack) return nn_fail(err, NN_ENOMEM, "out of memory");
  int rc = NN_OK;
  stack[top++] = root;
  stack[top++] = 0;
  c->nodes[root].state = 1;
  while (top && !rc) {
    int k = stack[top - 2], i = stack[top - 1];
    tfjs_node *n = &c->nodes[k];
    if (i < tfjs_n_inputs(n->j)) {
      stack[top - 1]++;
      const char *s = tfjs_input(n->j, i);
      int j = tfjs_find(c, s);
      if (j < 0) {
        rc = nn_fail(err, NN_EUNSUPPORTED, "%s node '%s': input '%s' is not the first output "
                     "of a node in the graph", n->op, n->name, s);
      } else if (c->nodes[j].state == 1) {
        rc = nn_fail(err, NN_EFORMAT, "%s node '%s': the graph has a cycle through '%s'",
                     n->op, n->name, s);
      } else if (c->nodes[j].state == 0) {
        c->nodes[j].state = 1;
        stack[top++] = j;
        stack[top++] = 0;
      }
      continue;
    }
    if (!strcmp(n->op, "Const") && !tfjs_weights_find(&c->ws, n->name))
      rc = inline_const(n, err);
    if (!rc) rc = tfjs_convert_node(c, k, err);
    n->state = 2;
    top -= 2;
  }
  free(stack);
  return rc;
}

/* The names of the outputs to make: given, the signature's, or the nodes no other reads. */
static int pick_outputs(tfjs_ctx *c, const cJSON *root, const char *const *outputs,
                        int n_outputs, int *ids, int *n_ids, nn_err *err) {
  *n_ids = 0;
  if (n_outputs > 0) {
    for (int i = 0; i < n_outputs; i++) {
      int k = outputs[i] ? tfjs_find(c, outputs[i]) : -1;
      if (k < 0)
        return nn_fail(err, NN_EINVAL, "output '%s' is not a node of the graph",
                       outputs[i] ? outputs[i] : "(null)");
      ids[(*n_ids)++] = k;
    }
    return NN_OK;
  }
  const cJSON *sig = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(root, "signature"), "outputs"), *o;
  cJSON_ArrayForEach(o, sig) {
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name"));
    int k = name ? tfjs_find(c, name) : -1;
    if (k < 0)
      return nn_fail(err, NN_EFORMAT, "signature output '%s' is not a node of the graph",
                     name ? name : "");
    ids[(*n_ids)++] = k;
  }
  if (*n_ids) return NN_OK;
  for (int k = 0; k < c->n_nodes; k++) c->nodes[k].state = 0;
  for (int k = 0; k < c->n_nodes; k++)
    for (int i = 0; i < tfjs_n_inputs(c->nodes[k].j); i++) {
      int j = tfjs_find(c, tfjs_input(c->nodes[k].j, i));
      if (j >= 0) c->nodes[j].state = 1; /* read by another */
    }
  for (int k = 0; k < c->n_nodes; k++) {
    if (!c->nodes[k].state && strcmp(c->nodes[k].op, "Const")) ids[(*n_ids)++] = k;
    c->nodes[k].state = 0;
  }
  if (!*n_ids) return nn_fail(err, NN_EFORMAT, "the graph has no outputs");
  return NN_OK;
}

static int load(tfjs_ctx *c, const char *json_path, const cJSON *root,
                const char *const *outputs, int n_outputs, nn_err *err) {
  const cJSON *topo = cJSON_GetObjectItemCaseSensitive(root, "modelTopology");
  const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(topo, "node"), *e;
  if (!cJSON_IsArray(nodes))
    return nn_fail(err, NN_EFORMAT, "not a TensorFlow.js graph model (no modelTopology.node)");
  c->n_nodes = cJSON_GetArraySize(nodes);
  c->nodes = calloc((size_t)c->n_nodes + 1, sizeof *c->nodes);
  if (!c->nodes) return nn_fail(err, NN_ENOMEM, "out of memory");
  int k = 0;
  cJSON_ArrayForEach(e, nodes) {
    tfjs_node *n = &c->nodes[k++];
    n->j = e;
    n->name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "name"));
    n->op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "op"));
    n->id = -1;
    if (!n->name || !n->name[0] || !n->op)
      return nn_fail(err, NN_EFORMAT, "node %d has no name or op", k - 1);
    if (strchr(n->name, ':'))
      return nn_fail(err, NN_EFORMAT, "node name '%s' has a ':'", n->name);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(e, "input"), *s;
    if (in && !cJSON_IsArray(in))
      return nn_fail(err, NN_EFORMAT, "node '%s': its inputs are not a list", n->name);
    cJSON_ArrayForEach(s, in) if (!cJSON_IsString(s))
      return nn_fail(err, NN_EFORMAT, "node '%s': an input is not a name", n->name);
  }
  for (k = 0; k < c->n_nodes; k++)
    if (tfjs_find(c, c->nodes[k].name) != k)
      return nn_fail(err, NN_EFORMAT, "two nodes are named '%s'", c->nodes[k].name);
  /* the weights */
  char dir[4096];
  const char *slash = strrchr(json_path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - json_path) : 1,
           slash ? json_path : ".");
  if (slash == json_path) snprintf(dir, sizeof dir, "/");
  const cJSON *manifest = cJSON_GetObjectItemCaseSensitive(root, "weightsManifest");
  uint8_t *data;
  size_t size;
  int rc = read_weight_files(dir, manifest, &data, &size, err);
  char msg[400];
  if (!rc && tfjs_weights_decode(manifest, data, size, &c->ws, msg, sizeof msg))
    rc = nn_fail(err, NN_EFORMAT, "weights: %s", msg);
  free(data);
  if (rc) return rc;
  if (c->ws.bytes != size)
    return nn_fail(err, NN_EFORMAT, "the weight files hold %zu bytes, the manifest's weights "
                   "%zu", size, c->ws.bytes);
  /* the outputs, and every node they need */
  int *outs = malloc(sizeof(int) * ((size_t)(n_outputs > 0 ? n_outputs : c->n_nodes) + 1));
  int n_outs = 0;
  if (!outs) return nn_fail(err, NN_ENOMEM, "out of memory");
  rc = pick_outputs(c, root, outputs, n_outputs, outs, &n_outs, err);
  for (int i = 0; !rc && i < n_outs; i++) c->nodes[outs[i]].is_out = 1;
  for (int i = 0; !rc && i < n_outs; i++) rc = convert_from(c, outs[i], err);
  nn_graph *g = c->g;
  g->opset = 13;
  g->inputs = malloc(sizeof(int) * ((size_t)c->n_nodes + 1));
  g->outputs = malloc(sizeof(int) * ((size_t)n_outs + 1));
  if (!rc && (!g->inputs || !g->outputs)) rc = nn_fail(err, NN_ENOMEM, "out of memory");
  for (k = 0; !rc && k < c->n_nodes; k++)
    if (c->nodes[k].state == 2 && !strcmp(c->nodes[k].op, "Placeholder"))
      g->inputs[g->n_inputs++] = nn_graph_find(g, c->nodes[k].name);
  for (int i = 0; !rc && i < n_outs; i++) {
    int id = c->nodes[outs[i]].id;
    if (id < 0 || strcmp(g->values[id].name, c->nodes[outs[i]].name))
      rc = nn_fail(err, NN_EUNSUPPORTED, "output '%s' cannot be made",
                   c->nodes[outs[i]].name);
    else
      g->outputs[g->n_outputs++] = id;
  }
  free(outs);
  if (!rc) nn_graph_link(g);
  return rc;
}

int nn_tfjs_load_file(const char *json_path, const char *const *outputs, int n_outputs,
                      nn_graph **out, nn_err *err) {
  nn_err local = {0};
  *out = NULL;
  tfjs_ctx c = {.g = nn_graph_new()};
  cJSON *root = c.g ? read_json(json_path, &local) : NULL;
  int rc = NN_OK;
  if (!c.g) rc = nn_fail(&local, NN_ENOMEM, "out of memory");
  else if (!root) rc = (int)local.code;
  if (!rc) rc = load(&c, json_path, root, outputs, n_outputs, &local);
  for (int k = 0; k < c.n_nodes; k++)
    if (c.nodes[k].inline_w) {
      tfjs_weights one = {.w = c.nodes[k].inline_w, .n = 1};
      c.nodes[k].inline_w->name = NULL;
      tfjs_weights_free(&one);
    }
  free(c.nodes);
  tfjs_weights_free(&c.ws);
  cJSON_Delete(root);
  if (rc) {
    nn_graph_free(c.g);
    nn_err_prefix(&local, json_path);
    if (err) *err = local;
    return rc;
  }
  *out = c.g;
  return NN_OK;
}
