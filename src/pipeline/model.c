/* Loading a segmentation network and running it on a photo. */
#include "pipeline/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "nn/cache.h"
#include "nn/layout.h"

#define DEFAULT_SIZE 1024

/* The prepared-model cache (nn/cache.h): on unless ct_set_cache turned it off. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static int cache_off;
static char cache_dir[1024]; /* "": the default folder */

void ct_set_cache(int enabled, const char *dir) {
  pthread_mutex_lock(&cache_lock);
  cache_off = !enabled;
  snprintf(cache_dir, sizeof cache_dir, "%s", dir && enabled ? dir : "");
  pthread_mutex_unlock(&cache_lock);
}

ct_status ct_load_network(const char *path, int outputs, nn_graph **out, char *cache_note,
                          size_t note_len, ct_error *err) {
  char dir[1024] = "";
  pthread_mutex_lock(&cache_lock);
  int on = !cache_off && (cache_dir[0] ? snprintf(dir, sizeof dir, "%s", cache_dir) > 0
                                       : nn_cache_default_dir(dir, sizeof dir));
  pthread_mutex_unlock(&cache_lock);
  nn_load_opts o = {.outputs = outputs, .cache_dir = on ? dir : NULL};
  nn_load_info info;
  nn_err e = {0};
  *out = NULL;
  if (nn_load_prepared(path, &o, out, &info, &e)) return ct_from_nn(err, &e);
  if (cache_note) switch (info.cache) {
      case NN_CACHE_OFF: snprintf(cache_note, note_len, "no cache"); break;
      case NN_CACHE_HIT: snprintf(cache_note, note_len, "from the cache"); break;
      case NN_CACHE_WRITTEN:
        snprintf(cache_note, note_len, "prepared, kept in %s", info.file);
        break;
      case NN_CACHE_REBUILT:
        snprintf(cache_note, note_len, "prepared again, %s: %s", info.file, info.note);
        break;
      default: snprintf(cache_note, note_len, "prepared, not cached: %s", info.note);
    }
  return CT_OK;
}

/* The model's graph, optimised for the precision in force now. */
static ct_status load_graph(ct_model *m, const char *path, nn_graph **out, ct_error *err) {
  nn_graph *g;
  *out = NULL;
  ct_status st = ct_load_network(path, 1, &g, m->cache_note, sizeof m->cache_note, err);
  if (st == CT_ERR_ARGUMENT) /* (the model has no outputs to keep) */
    st = ct_fail(err, CT_ERR_MODEL, "%s: the model needs an image input and a mask output",
                 path);
  if (st) return st;
  if (g->n_inputs < 1 || g->n_outputs < 1) {
    nn_graph_free(g);
    return ct_fail(err, CT_ERR_MODEL, "%s: the model needs an image input and a mask output",
                   path);
  }
  const nn_tensor *in = &g->values[g->inputs[0]].t;
  if (in->ndim != 4 || (in->dims[1] != 3 && in->dims[1] >= 0) ||
      !nn_dtype_is_float(in->dtype)) {
    char s[128];
    ct_status st = ct_fail(err, CT_ERR_MODEL,
                           "%s: the first input must be a float image of shape 1x3xHxW, not "
                           "%s %s", path, nn_dtype_name(in->dtype),
                           nn_shape_str(in, s, sizeof s));
    nn_graph_free(g);
    return st;
  }
  *out = g;
  return CT_OK;
}

ct_status ct_model_load(const char *path, ct_model **out, ct_error *err) {
  if (!path || !out) return ct_fail(err, CT_ERR_ARGUMENT, "no model path or result given");
  *out = NULL;
  nn_graph *g;
  ct_model *m = calloc(1, sizeof *m);
  if (!m) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  ct_status st = load_graph(m, path, &g, err);
  if (st) {
    free(m);
    return st;
  }
  if (!(m->path = strdup(path))) {
    nn_graph_free(g);
    free(m);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  }
  if (pthread_mutex_init(&m->lock, NULL)) {
    nn_graph_free(g);
    free(m->path);
    free(m);
    return ct_fail(err, CT_ERR_MEMORY, "cannot create a mutex");
  }
  const nn_tensor *in = &g->values[g->inputs[0]].t;
  m->graph = g;
  m->height = in->dims[2] > 0 ? (int)in->dims[2] : DEFAULT_SIZE;
  m->width = in->dims[3] > 0 ? (int)in->dims[3] : DEFAULT_SIZE;
  for (int c = 0; c < 3; c++) { /* ISNet's normalisation: x/255 - 0.5, std 1 */
    m->mean[c] = 0.5f;
    m->scale[c] = 1.0f;
  }
  *out = m;
  return CT_OK;
}

void ct_model_free(ct_model *m) {
  if (!m) return;
  nn_graph_free(m->graph);
  free(m->path);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

void ct_model_input_size(const ct_model *m, int *width, int *height) {
  if (width) *width = m ? m->width : 0;
  if (height) *height = m ? m->height : 0;
}

ct_status ct_model_input(const ct_model *m, const ct_image *photo, float **input,
                         ct_error *err) {
  *input = malloc((size_t)3 * m->width * m->height * sizeof(float));
  if (!*input) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  if (img_resize_to_planar(photo, m->width, m->height, *input, m->mean, m->scale)) {
    free(*input);
    *input = NULL;
    return ct_fail(err, CT_ERR_IMAGE, "cannot resize the photo to %dx%d", m->width, m->height);
  }
  return CT_OK;
}

ct_status ct_model_infer(ct_model *m, const ct_image *photo, float **mask, ct_error *err) {
  *mask = NULL;
  float *input;
  ct_status st = ct_model_input(m, photo, &input, err);
  if (st) return st;
  st = ct_model_run(m, input, mask, err);
  free(input);
  return st;
}

ct_status ct_model_infer_padded(ct_model *m, const ct_image *photo, float **mask, int *mw,
                                int *mh, ct_error *err) {
  *mask = NULL;
  double s = (double)m->width / photo->width, sy = (double)m->height / photo->height;
  if (sy < s) s = sy;
  int rw = (int)(photo->width * s + 0.5), rh = (int)(photo->height * s + 0.5);
  if (rw < 1) rw = 1;
  if (rh < 1) rh = 1;
  if (rw > m->width) rw = m->width;
  if (rh > m->height) rh = m->height;
  int ox = (m->width - rw) / 2, oy = (m->height - rh) / 2;
  size_t plane = (size_t)m->width * m->height, inner = (size_t)rw * rh;
  float *input = calloc(3 * plane, sizeof(float)); /* 0: the normalised mean colour */
  float *part = malloc(3 * inner * sizeof(float));
  if (!input || !part) {
    free(input);
    free(part);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  }
  if (img_resize_to_planar(photo, rw, rh, part, m->mean, m->scale)) {
    free(input);
    free(part);
    return ct_fail(err, CT_ERR_IMAGE, "cannot resize the photo to %dx%d", rw, rh);
  }
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < rh; y++)
      memcpy(input + c * plane + (size_t)(y + oy) * m->width + ox,
             part + c * inner + (size_t)y * rw, (size_t)rw * sizeof(float));
  float *full;
  ct_status st = ct_model_run(m, input, &full, err);
  free(input);
  if (st) {
    free(part);
    return st;
  }
  float *crop = part; /* (big enough: 3 planes of rw x rh) */
  for (int y = 0; y < rh; y++)
    memcpy(crop + (size_t)y * rw, full + (size_t)(y + oy) * m->width + ox,
           (size_t)rw * sizeof(float));
  free(full);
  *mask = crop;
  *mw = rw;
  *mh = rh;
  return CT_OK;
}

ct_status ct_model_run(ct_model *m, const float *input, float **mask, ct_error *err) {
  *mask = NULL;
  nn_err e = {0};
  /* the graph reads the caller's input where it is (nn_run leaves its inputs alone) */
  nn_tensor xt = {.dtype = NN_F32, .ndim = 4, .dims = {1, 3, m->height, m->width},
                  .data = (void *)input};
  nn_tensor *x = &xt;
  nn_tensor **outs = calloc((size_t)m->graph->n_outputs, sizeof *outs);
  if (!outs) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  pthread_mutex_lock(&m->lock);
  ct_status st = CT_OK;
  if (m->graph->layout != nn_layout_active()) { /* the precision changed since the load */
    nn_graph *g;
    st = load_graph(m, m->path, &g, err);
    if (!st) {
      nn_graph_free(m->graph);
      m->graph = g;
    }
  }
  if (!st && nn_run(m->graph, &x, 1, outs, m->graph->n_outputs, &e)) st = ct_from_nn(err, &e);
  pthread_mutex_unlock(&m->lock);
  if (!st) {
    nn_tensor *y = outs[0];
    int64_t hw = (int64_t)m->width * m->height;
    if (!nn_dtype_is_float(y->dtype) || nn_numel(y) != hw || y->dtype == NN_F64) {
      char s[128];
      st = ct_fail(err, CT_ERR_MODEL, "the model's first output is %s %s, not a %dx%d mask",
                   nn_dtype_name(y->dtype), nn_shape_str(y, s, sizeof s), m->width, m->height);
    } else {
      *mask = malloc((size_t)hw * sizeof(float));
      if (!*mask) {
        st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
      } else {
        const float *p = y->data;
        for (int64_t i = 0; i < hw; i++) (*mask)[i] = p[i] < 0 ? 0 : p[i] > 1 ? 1 : p[i];
      }
    }
  }
  for (int i = 0; i < m->graph->n_outputs; i++) nn_tensor_free(outs[i]);
  free(outs);
  return st;
}

const char *ct_model_cache_note(const ct_model *m) { return m ? m->cache_note : ""; }
