/* Objects found by a CenterNet detector (boxes, scores, classes), the decoding of its outputs
 * and the letterboxed input it is given. */
#ifndef CUTOUT_PIPELINE_DETECT_H
#define CUTOUT_PIPELINE_DETECT_H
#include "image/image.h"

/* One detection: the box's corners (x0, y0) - (x1, y1) in the frame's pixels, its score and
 * its class (COCO's, 0-79: ct_coco_name). */
typedef struct det_box {
  float x0, y0, x1, y1, score;
  int cls;
} det_box;

/* CenterNet's decoding, as the graph's own tail computes it (`tower_0/detections` of the
 * TensorFlow.js model): the heatmap's peaks (a score equal to its 3x3 neighbourhood's maximum,
 * edges padded), the k highest of them over every position and class (equal scores: the lower
 * flat index first), and each one's box from the size map at its position:
 * x0 = x * stride - wh[0], y0 = y * stride - wh[1], x1 = x * stride + wh[2],
 * y1 = y * stride + wh[3]. heat is h x w x classes, wh h x w x 4 (both NHWC, batch 1).
 * Writes k boxes in score order into out (fewer when h * w * classes < k); returns how many,
 * or -1 when out of memory. */
int det_decode_centernet(const float *heat, const float *wh, int h, int w, int classes,
                         float stride, int k, det_box *out);

/* Intersection over union of two boxes (0 when either is empty). */
float det_iou(const det_box *a, const det_box *b);

/* Greedy non-maximum suppression within each class: boxes (in score order) below min_score
 * are dropped, and a box overlapping an earlier kept one of its class by more than max_iou.
 * Keeps the survivors in order at the front of box; returns their count. */
int det_suppress(det_box *box, int n, float min_score, float max_iou);

/* The letterbox a photo is given to the detector in: scaled by `scale` to fit size x size
 * with its aspect kept, at (ox, oy), the rest black. */
typedef struct det_frame {
  double scale;
  int ox, oy, w, h;
} det_frame;

/* The photo letterboxed into size x size x 3 floats (NHWC, pixel values 0-255) in out. 0, or -1
 * when out of memory or the photo cannot be resized. */
int det_letterbox(const ct_img *photo, int size, float *out, det_frame *frame);

/* A box from the letterbox's pixels to the photo's, clipped to the photo. */
void det_to_photo(const det_frame *frame, int width, int height, det_box *b);

/* COCO's name of class cls (0-79: "person", "bicycle", ...), or NULL. The index of a name, or
 * -1. */
const char *det_coco_name(int cls);
int det_coco_class(const char *name);

#endif
