/* The object detector: CenterNet's TensorFlow.js graph (its heatmap and size map), run on the
 * photo letterboxed, decoded into boxes in the photo's pixels (detect_decode.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "nn/nn.h"
#include "nn/precision.h"
#include "pipeline/detect.h"

/* The graph's outputs before its own decoding: the class heatmap (after its sigmoid) and the
 * boxes' sizes, at a quarter of the input's resolution. */
static const char *const outputs[2] = {"tower_0/keypoints", "tower_0/wh"};
#define STRIDE 4
#define CLASSES 80
#define DECODED 100 /* what the graph's own top k keeps */

struct ct_detector {
  nn_graph *graph;
  pthread_mutex_t lock; /* one run at a time: runs share the graph's arena */
  int size;             /* the square input's side */
};

ct_status ct_detector_load(const char *path, ct_detector **out, ct_error *err) {
  if (!path || !out) return ct_fail(err, CT_ERR_ARGUMENT, "no detector path or result given");
  *out = NULL;
  nn_graph *g = NULL;
  nn_err e = {0};
  nn_pin_f32(1); /* scores as tfjs gives them: bfloat16 moves them by some 2e-2 */
  int rc = nn_load_tfjs(path, outputs, 2, &g, &e);
  nn_pin_f32(0);
  if (rc) return ct_from_nn(err, &e);
  const nn_tensor *in = g->n_inputs == 1 ? &g->values[g->inputs[0]].t : NULL;
  if (!in || in->ndim != 4 || in->dims[0] != 1 || in->dims[1] != in->dims[2] ||
      in->dims[1] < STRIDE || in->dims[3] != 3 || g->n_outputs != 2) {
    nn_graph_free(g);
    return ct_fail(err, CT_ERR_MODEL,
                   "%s: not a CenterNet detector (one 1xSxSx3 input, a heatmap and sizes)",
                   path);
  }
  ct_detector *d = calloc(1, sizeof *d);
  if (!d || pthread_mutex_init(&d->lock, NULL)) {
    free(d);
    nn_graph_free(g);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  }
  d->graph = g;
  d->size = (int)in->dims[1];
  *out = d;
  return CT_OK;
}

void ct_detector_free(ct_detector *d) {
  if (!d) return;
  nn_graph_free(d->graph);
  pthread_mutex_destroy(&d->lock);
  free(d);
}

const char *ct_class_name(int cls) { return det_coco_name(cls); }
int ct_class_id(const char *name) { return det_coco_class(name); }

static int wanted(const ct_detect_options *o, int cls) {
  if (!o || !o->classes || o->n_classes <= 0) return 1;
  for (int i = 0; i < o->n_classes; i++)
    if (o->classes[i] == cls) return 1;
  return 0;
}

/* The graph on the letterboxed photo: the decoded boxes (in the input's pixels) into box. */
static ct_status run(ct_detector *d, const float *input, det_box *box, int *n, ct_error *err) {
  int cells = d->size / STRIDE;
  nn_tensor xt = {.dtype = NN_F32, .ndim = 4, .dims = {1, d->size, d->size, 3},
                  .data = (void *)input};
  nn_tensor *x = &xt, *y[2] = {0};
  nn_err e = {0};
  pthread_mutex_lock(&d->lock);
  nn_pin_f32(1);
  ct_status st = nn_run(d->graph, &x, 1, y, 2, &e) ? ct_from_nn(err, &e) : CT_OK;
  nn_pin_f32(0);
  pthread_mutex_unlock(&d->lock);
  if (!st && (y[0]->dtype != NN_F32 || y[1]->dtype != NN_F32 ||
              nn_numel(y[0]) != (int64_t)cells * cells * CLASSES ||
              nn_numel(y[1]) != (int64_t)cells * cells * 4))
    st = ct_fail(err, CT_ERR_MODEL, "the detector's outputs are not a %dx%dx%d heatmap and sizes",
                 cells, cells, CLASSES);
  if (!st) {
    *n = det_decode_centernet(y[0]->data, y[1]->data, cells, cells, CLASSES, STRIDE, DECODED,
                              box);
    if (*n < 0) st = ct_fail(err, CT_ERR_MEMORY, "out of memory");
  }
  nn_tensor_free(y[0]);
  nn_tensor_free(y[1]);
  return st;
}

ct_status ct_detect(ct_detector *d, const ct_image *photo, const ct_detect_options *opts,
                    ct_detection **out, int *count, ct_error *err) {
  if (!d || !photo || !out || !count) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *out = NULL;
  *count = 0;
  float min_score = opts && opts->min_score > 0 ? opts->min_score : CT_DETECT_MIN_SCORE;
  float overlap = opts && opts->max_overlap > 0 ? opts->max_overlap : CT_DETECT_MAX_OVERLAP;
  int most = opts && opts->max_instances > 0 ? opts->max_instances : CT_DETECT_MAX;
  float *input = malloc((size_t)d->size * d->size * 3 * sizeof *input);
  det_box box[DECODED];
  det_frame frame;
  if (!input) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  if (det_letterbox(photo, d->size, input, &frame)) {
    free(input);
    return ct_fail(err, CT_ERR_IMAGE, "cannot resize the photo for the detector");
  }
  int n = 0;
  ct_status st = run(d, input, box, &n, err);
  free(input);
  if (st) return st;
  int kept = 0;
  for (int i = 0; i < n; i++)
    if (wanted(opts, box[i].cls)) box[kept++] = box[i];
  kept = det_suppress(box, kept, min_score, overlap);
  if (kept > most) kept = most;
  ct_detection *r = calloc(kept > 0 ? (size_t)kept : 1, sizeof *r);
  if (!r) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  for (int i = 0; i < kept; i++) {
    det_to_photo(&frame, photo->width, photo->height, &box[i]);
    r[i] = (ct_detection){box[i].x0, box[i].y0, box[i].x1, box[i].y1, box[i].score, box[i].cls};
  }
  *out = r;
  *count = kept;
  return CT_OK;
}
