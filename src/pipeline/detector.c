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

/* Photos longer than WINDOW_ASPECT times their short side also go to the detector in square
 * windows of the short side, half a window apart: a person in a wide group photo is then seen
 * at the resolution a portrait's is, not shrunk with the whole photo into one input. */
#define WINDOW_ASPECT 1.6
/* A window's box that ends within this share of the window's side from a border the window
 * shares with the photo's inside is cut off by the window: the next window (or the whole
 * photo's pass) sees that object whole. */
#define CUT_OFF 0.02

/* One pass over the (ox, oy, view->width x view->height) part of the photo: its boxes scored
 * min_score or more, in the photo's pixels, appended to all (*n of them; room for DECODED
 * more). Boxes cut off by a border inside the photo are left out, and those no longer than
 * `longer` along the photo's long side (a whole photo's pass beside windows: one of them saw
 * that object whole, at a higher resolution). */
static ct_status pass(ct_detector *d, const ct_image *view, int ox, int oy, int W, int H,
                      float min_score, float longer, det_box *all, int *n, ct_error *err) {
  float *input = malloc((size_t)d->size * d->size * 3 * sizeof *input);
  if (!input) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  det_frame frame;
  if (det_letterbox(view, d->size, input, &frame)) {
    free(input);
    return ct_fail(err, CT_ERR_IMAGE, "cannot resize the photo for the detector");
  }
  det_box box[DECODED];
  int m = 0;
  ct_status st = run(d, input, box, &m, err);
  free(input);
  float cut = (float)(CUT_OFF * (view->width > view->height ? view->width : view->height));
  for (int i = 0; !st && i < m; i++) {
    if (!(box[i].score >= min_score)) continue;
    det_to_photo(&frame, view->width, view->height, &box[i]);
    det_box b = box[i];
    if ((ox > 0 && b.x0 < cut) || (oy > 0 && b.y0 < cut) ||
        (ox + view->width < W && b.x1 > view->width - cut) ||
        (oy + view->height < H && b.y1 > view->height - cut) ||
        (W > H ? b.x1 - b.x0 : b.y1 - b.y0) <= longer)
      continue;
    b.x0 += ox, b.x1 += ox, b.y0 += oy, b.y1 += oy;
    all[(*n)++] = b;
  }
  return st;
}

static int by_score(const void *pa, const void *pb) {
  const det_box *a = pa, *b = pb;
  return a->score > b->score ? -1 : a->score < b->score;
}

ct_status ct_detect(ct_detector *d, const ct_image *photo, const ct_detect_options *opts,
                    ct_detection **out, int *count, ct_error *err) {
  if (!d || !photo || !out || !count) return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *out = NULL;
  *count = 0;
  float min_score = opts && opts->min_score > 0 ? opts->min_score : CT_DETECT_MIN_SCORE;
  float overlap = opts && opts->max_overlap > 0 ? opts->max_overlap : CT_DETECT_MAX_OVERLAP;
  int most = opts && opts->max_instances > 0 ? opts->max_instances : CT_DETECT_MAX;
  int W = photo->width, H = photo->height, S = W < H ? W : H, L = W + H - S;
  int windows = !(opts && opts->single_pass) && L > WINDOW_ASPECT * S
                    ? (L - S + S / 2 - 1) / (S / 2) + 1 : 0;
  det_box *all = malloc((size_t)(windows + 1) * DECODED * sizeof *all);
  if (!all) return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  int n = 0;
  ct_status st = pass(d, photo, 0, 0, W, H, min_score, windows ? S / 2.0f : 0, all, &n, err);
  for (int k = 0; k < windows && !st; k++) {
    int at = k == windows - 1 ? L - S : k * (S / 2); /* the last one ends at the border */
    int x = W > H ? at : 0, y = W > H ? 0 : at;
    ct_img *view = img_crop(photo, x, y, S, S);
    st = view ? pass(d, view, x, y, W, H, min_score, 0, all, &n, err)
              : ct_fail(err, CT_ERR_MEMORY, "out of memory");
    img_free(view);
  }
  if (st) {
    free(all);
    return st;
  }
  int kept = 0;
  for (int i = 0; i < n; i++)
    if (wanted(opts, all[i].cls)) all[kept++] = all[i];
  qsort(all, (size_t)kept, sizeof *all, by_score);
  kept = det_suppress(all, kept, min_score, overlap);
  if (kept > most) kept = most;
  ct_detection *r = calloc(kept > 0 ? (size_t)kept : 1, sizeof *r);
  if (!r) {
    free(all);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  }
  for (int i = 0; i < kept; i++)
    r[i] = (ct_detection){all[i].x0, all[i].y0, all[i].x1, all[i].y1, all[i].score, all[i].cls};
  free(all);
  *out = r;
  *count = kept;
  return CT_OK;
}
