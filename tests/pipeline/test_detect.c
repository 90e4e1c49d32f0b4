/* CenterNet decoding on heatmaps made by hand: peaks against their neighbourhoods, the top k
 * in score order (equal scores by flat index), the zeros that fill k when peaks run out, the
 * boxes from the size map, suppression within a class only, the letterbox's frame. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/detect.h"

#define H 6
#define W 8
#define C 3

static float heat[H * W * C], wh[H * W * 4];

static void put(int y, int x, int c, float v) { heat[(y * W + x) * C + c] = v; }

int main(void) {
  for (int i = 0; i < H * W * 4; i++) wh[i] = (float)(i % 7) + 0.5f;
  put(1, 1, 0, 0.9f);
  put(1, 2, 0, 0.8f);  /* beside a higher one of its class: not a peak */
  put(1, 2, 1, 0.7f);  /* the same place, another class: a peak */
  put(4, 6, 2, 0.7f);  /* equal to the one above, later index */
  put(5, 7, 0, 0.95f); /* a corner */
  det_box b[12];
  int n = det_decode_centernet(heat, wh, H, W, C, 4, 4, b);
  CHECK(n == 4);
  CHECK(b[0].cls == 0 && b[0].score == 0.95f);
  CHECK(b[1].cls == 0 && b[1].score == 0.9f);
  CHECK(b[2].cls == 1 && b[2].score == 0.7f); /* index (1*8+2)*3+1 before (4*8+6)*3+2 */
  CHECK(b[3].cls == 2 && b[3].score == 0.7f);
  const float *s = wh + (5 * W + 7) * 4;
  CHECK_NEAR(b[0].x0, 7 * 4 - s[0], 1e-6);
  CHECK_NEAR(b[0].y0, 5 * 4 - s[1], 1e-6);
  CHECK_NEAR(b[0].x1, 7 * 4 + s[2], 1e-6);
  CHECK_NEAR(b[0].y1, 5 * 4 + s[3], 1e-6);

  /* k beyond the peaks: zeros in index order, skipping the peaks' places */
  n = det_decode_centernet(heat, wh, H, W, C, 4, 7, b);
  CHECK(n == 7);
  CHECK(b[4].score == 0 && b[4].cls == 0 && b[4].x0 == 0 - wh[0]); /* index 0 */
  CHECK(b[5].score == 0 && b[5].cls == 1);                         /* index 1 */
  CHECK(b[6].score == 0 && b[6].cls == 2);                         /* index 2 */
  CHECK(det_decode_centernet(heat, wh, 1, 1, 1, 4, 5, b) == 1);     /* k capped by the map */

  /* IoU and suppression */
  det_box a = {0, 0, 10, 10, 0.9f, 0}, c = {5, 0, 15, 10, 0.8f, 0};
  CHECK_NEAR(det_iou(&a, &c), 50.0 / 150.0, 1e-6);
  det_box empty = {3, 3, 3, 8, 1, 0};
  CHECK(det_iou(&a, &empty) == 0);
  det_box list[4] = {a, c, {5, 0, 15, 10, 0.7f, 1}, {100, 100, 110, 110, 0.1f, 0}};
  CHECK(det_suppress(list, 4, 0.2f, 0.5f) == 3); /* only the faint one goes */
  det_box list2[4] = {a, c, {5, 0, 15, 10, 0.7f, 1}, {1, 0, 11, 10, 0.6f, 0}};
  CHECK(det_suppress(list2, 4, 0.2f, 0.5f) == 3); /* the last overlaps a (IoU 0.82) */
  CHECK(list2[2].cls == 1 && list2[1].score == 0.8f);

  /* the letterbox of a wide photo, and a box mapped back */
  ct_img *im = img_new(200, 100, 3);
  CHECK(im != NULL);
  memset(im->data, 200, 200 * 100 * 3);
  float *in = malloc(64 * 64 * 3 * sizeof *in);
  det_frame f;
  CHECK(det_letterbox(im, 64, in, &f) == 0);
  CHECK(f.w == 64 && f.h == 32 && f.ox == 0 && f.oy == 16);
  CHECK(in[0] == 0 && in[(20 * 64 + 10) * 3 + 1] > 199 && in[(20 * 64 + 10) * 3 + 1] < 201);
  det_box m = {16, 16, 48, 60, 1, 0};
  det_to_photo(&f, 200, 100, &m);
  CHECK_NEAR(m.x0, 50, 1e-3);
  CHECK_NEAR(m.y0, 0, 1e-3);
  CHECK_NEAR(m.x1, 150, 1e-3);
  CHECK_NEAR(m.y1, 100, 1e-3); /* (60 - 16) / 0.32 = 137.5, clipped */
  free(in);
  img_free(im);

  CHECK(det_coco_class("person") == 0 && det_coco_class("toothbrush") == 79);
  CHECK(det_coco_class("unicorn") == -1 && det_coco_name(80) == NULL);
  CHECK(!strcmp(det_coco_name(56), "chair"));
  return CHECK_DONE();
}
