/* CenterNet's outputs decoded into boxes (peaks, top k, sizes) and the boxes' suppression. */
#include <stdint.h>
#include <stdlib.h>

#include "pipeline/detect.h"

typedef struct peak {
  float score;
  int64_t index; /* flat NHWC index: (y * w + x) * classes + c */
} peak;

static int by_score(const void *pa, const void *pb) {
  const peak *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* heat[(y, x, c)] when it equals the maximum of its 3x3 neighbourhood (within the map), else
 * 0: the graph's heat * (heat == maxpool3x3(heat)). */
static float peak_score(const float *heat, int h, int w, int classes, int y, int x, int c) {
  float v = heat[((int64_t)y * w + x) * classes + c];
  for (int yy = y > 0 ? y - 1 : 0; yy <= y + 1 && yy < h; yy++)
    for (int xx = x > 0 ? x - 1 : 0; xx <= x + 1 && xx < w; xx++)
      if (heat[((int64_t)yy * w + xx) * classes + c] > v) return 0;
  return v;
}

/* worse(a, b): a ranks after b (lower score, or the same score at a later index). */
static int worse(const peak *a, const peak *b) {
  return a->score < b->score || (a->score == b->score && a->index > b->index);
}

/* The heap h[0..n) keeps its worst peak at the top. */
static void sift_down(peak *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && worse(&h[l], &h[m])) m = l;
    if (r < n && worse(&h[r], &h[m])) m = r;
    if (m == i) return;
    peak t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

static void sift_up(peak *h, size_t i) {
  while (i > 0 && worse(&h[i], &h[(i - 1) / 2])) {
    peak t = h[i];
    h[i] = h[(i - 1) / 2];
    h[(i - 1) / 2] = t;
    i = (i - 1) / 2;
  }
}

int det_decode_centernet(const float *heat, const float *wh, int h, int w, int classes,
                         float stride, int k, det_box *out) {
  int64_t total = (int64_t)h * w * classes;
  if (k > total) k = (int)total;
  if (k <= 0) return 0;
  /* the best k positive peaks, in a heap whose top is the worst of them (a sigmoid's scores:
   * none is below 0); in index order, a value no better than that top cannot enter, so most
   * values skip the 3x3 test */
  size_t n = 0;
  peak *p = malloc((size_t)k * sizeof *p);
  if (!p) return -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < classes; c++) {
        float v = heat[((int64_t)y * w + x) * classes + c];
        if (!(v > 0) || (n == (size_t)k && v <= p[0].score)) continue;
        float sc = peak_score(heat, h, w, classes, y, x, c);
        if (!(sc > 0)) continue;
        peak q = {sc, ((int64_t)y * w + x) * classes + c};
        if (n < (size_t)k) {
          p[n] = q;
          sift_up(p, n++);
        } else {
          p[0] = q;
          sift_down(p, n, 0);
        }
      }
  qsort(p, n, sizeof *p, by_score);
  int m = 0;
  for (; m < k && (size_t)m < n; m++) {
    int64_t i = p[m].index;
    int c = (int)(i % classes);
    int64_t pos = i / classes;
    int y = (int)(pos / w), x = (int)(pos % w);
    const float *s = wh + pos * 4;
    float cx = (float)x * stride, cy = (float)y * stride;
    out[m] = (det_box){cx - s[0], cy - s[1], cx + s[2], cy + s[3], p[m].score, c};
  }
  free(p);
  /* fewer peaks than k: the zeros follow in index order, as the graph's top k gives them */
  for (int64_t i = 0; m < k && i < total; i++) {
    int c = (int)(i % classes);
    int64_t pos = i / classes;
    int y = (int)(pos / w), x = (int)(pos % w);
    if (peak_score(heat, h, w, classes, y, x, c) > 0) continue;
    const float *s = wh + pos * 4;
    float cx = (float)x * stride, cy = (float)y * stride;
    out[m++] = (det_box){cx - s[0], cy - s[1], cx + s[2], cy + s[3], 0, c};
  }
  return m;
}

float det_iou(const det_box *a, const det_box *b) {
  float aw = a->x1 - a->x0, ah = a->y1 - a->y0, bw = b->x1 - b->x0, bh = b->y1 - b->y0;
  if (!(aw > 0 && ah > 0 && bw > 0 && bh > 0)) return 0;
  float iw = (a->x1 < b->x1 ? a->x1 : b->x1) - (a->x0 > b->x0 ? a->x0 : b->x0);
  float ih = (a->y1 < b->y1 ? a->y1 : b->y1) - (a->y0 > b->y0 ? a->y0 : b->y0);
  if (!(iw > 0 && ih > 0)) return 0;
  float inter = iw * ih;
  return inter / (aw * ah + bw * bh - inter);
}

int det_suppress(det_box *box, int n, float min_score, float max_iou) {
  int kept = 0;
  for (int i = 0; i < n; i++) {
    if (!(box[i].score >= min_score)) continue;
    int drop = 0;
    for (int j = 0; j < kept && !drop; j++)
      drop = box[j].cls == box[i].cls && det_iou(&box[j], &box[i]) > max_iou;
    if (!drop) box[kept++] = box[i];
  }
  return kept;
}
