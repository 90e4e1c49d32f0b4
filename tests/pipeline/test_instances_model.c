/* Instances: a photo made of the example portraits side by side (scaled to one height) gives
 * one person per portrait (ct_detect), and each instance's mask (ct_instance_masks) matches
 * the cutout of that portrait alone (ct_remove, the same options) with IoU >= 0.95 (alpha >=
 * 128); no pixel's alphas add up to more than 255. ct_remove's subject "person" gives the
 * masks together, "largest" the largest box's instance. With ../shared/examples beside the
 * source tree the three portraits there, else the repository's one and its mirror image.
 * Skips when the models are absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "cutout.h"
#include "image/image.h"

#define HEIGHT 720
#define MAX_PARTS 3

static ct_img *scaled(const char *path, int mirror) {
  ct_img *im = NULL, *s = NULL;
  char emsg[256];
  if (img_load_rgb(path, &im, emsg, sizeof emsg)) {
    fprintf(stderr, "%s\n", emsg);
    return NULL;
  }
  int w = (int)((double)im->width * HEIGHT / im->height + 0.5);
  if (img_resize(im, w, HEIGHT, &s)) s = NULL;
  img_free(im);
  if (s && mirror)
    for (int y = 0; y < s->height; y++)
      for (int x = 0; x < s->width / 2; x++)
        for (int c = 0; c < 3; c++) {
          uint8_t *a = s->data + ((size_t)y * s->width + x) * 3 + c;
          uint8_t *b = s->data + ((size_t)y * s->width + s->width - 1 - x) * 3 + c;
          uint8_t t = *a;
          *a = *b;
          *b = t;
        }
  return s;
}

int main(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  if (!src) src = ".";
  char model_path[1024], det_path[1024], path[1100];
  snprintf(model_path, sizeof model_path, "%s/models/isnet-fp16.onnx", src);
  snprintf(det_path, sizeof det_path, "%s/models/centernet.json", src);
  struct stat st;
  if (stat(model_path, &st) || stat(det_path, &st))
    SKIP("models absent: run scripts/fetch-models.sh and scripts/fetch-tfjs-models.sh");
  static const char *const shared[MAX_PARTS] = {"portrait-curls", "portrait-dark-curls",
                                                "portrait-windblown"};
  ct_img *part[MAX_PARTS] = {0};
  int n = 0;
  snprintf(path, sizeof path, "%s/../shared/examples/%s.jpg", src, shared[1]);
  if (stat(path, &st) == 0) {
    for (; n < MAX_PARTS; n++) {
      snprintf(path, sizeof path, "%s/../shared/examples/%s.jpg", src, shared[n]);
      part[n] = scaled(path, 0);
    }
  } else {
    snprintf(path, sizeof path, "%s/examples/portrait-curls.jpg", src);
    part[n++] = scaled(path, 0);
    part[n++] = scaled(path, 1);
  }
  int W = 0, x0[MAX_PARTS];
  for (int i = 0; i < n; i++) {
    if (!part[i]) return 1;
    x0[i] = W;
    W += part[i]->width;
  }
  ct_img *photo = img_new(W, HEIGHT, 3);
  for (int i = 0; i < n; i++)
    for (int y = 0; y < HEIGHT; y++)
      memcpy(photo->data + ((size_t)y * W + x0[i]) * 3,
             part[i]->data + (size_t)y * part[i]->width * 3, (size_t)part[i]->width * 3);

  ct_error err = {0};
  ct_model *model = NULL;
  ct_detector *det = NULL;
  if (ct_model_load(model_path, &model, &err) || ct_detector_load(det_path, &det, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  int person = ct_class_id("person"), count = 0;
  ct_detect_options dopts = {.classes = &person, .n_classes = 1};
  ct_detection *d = NULL;
  CHECK(ct_detect(det, photo, &dopts, &d, &count, &err) == CT_OK);
  printf("%d portraits side by side (%dx%d): %d people\n", n, W, HEIGHT, count);
  for (int i = 0; i < count; i++)
    printf("  %s %.3f (%.0f,%.0f)-(%.0f,%.0f)\n", ct_class_name(d[i].cls), d[i].score, d[i].x0,
           d[i].y0, d[i].x1, d[i].y1);
  CHECK(count == n);
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  opts.mask_only = 1;
  ct_image *masks[MAX_PARTS * 2] = {0};
  if (count == n) CHECK(ct_instance_masks(model, photo, d, count, &opts, masks, &err) == CT_OK);
  for (int k = 0; count == n && masks[0] && k < count; k++) {
    /* the portrait this box lies on: its centre's */
    float cx = (d[k].x0 + d[k].x1) / 2;
    int p = 0;
    while (p + 1 < n && cx >= x0[p + 1]) p++;
    ct_image *alone = NULL;
    CHECK(ct_remove(model, part[p], &opts, &alone, &err) == CT_OK);
    if (!alone) break;
    long inter = 0, uni = 0;
    for (int y = 0; y < HEIGHT; y++)
      for (int x = 0; x < W; x++) {
        int a = masks[k]->data[(size_t)y * W + x] >= 128;
        int b = x >= x0[p] && x < x0[p] + part[p]->width &&
                alone->data[(size_t)y * part[p]->width + (x - x0[p])] >= 128;
        inter += a && b;
        uni += a || b;
      }
    double iou = uni ? (double)inter / uni : 0;
    printf("  instance %d on portrait %d: IoU %.4f against its cutout alone\n", k + 1, p + 1, iou);
    CHECK(iou >= 0.95);
    ct_image_free(alone);
  }
  long over = 0;
  for (size_t i = 0; count == n && masks[0] && i < (size_t)W * HEIGHT; i++) {
    int sum = 0;
    for (int k = 0; k < count; k++) sum += masks[k]->data[i];
    over += sum > 255;
  }
  CHECK(over == 0);
  /* ct_remove's subjects: "person" is every person's mask together; "largest" the person
   * with the largest box (its mask shared out against the boxes meeting it) */
  ct_image *all = NULL, *largest = NULL;
  ct_remove_stats stats;
  opts.detector = det;
  opts.stats = &stats;
  opts.subject = "person";
  if (count == n && masks[0]) CHECK(ct_remove(model, photo, &opts, &all, &err) == CT_OK);
  if (all) {
    CHECK(stats.instances_found == count && stats.instances_kept == count);
    long differ = 0;
    for (size_t i = 0; i < (size_t)W * HEIGHT; i++) {
      int sum = 0;
      for (int k = 0; k < count; k++) sum += masks[k]->data[i];
      differ += all->data[i] != sum;
    }
    printf("  subject person: %ld pixels differ from the instances' masks together\n", differ);
    CHECK(differ == 0);
  }
  opts.subject = "largest";
  if (count == n && masks[0]) CHECK(ct_remove(model, photo, &opts, &largest, &err) == CT_OK);
  if (largest) {
    int big = 0;
    for (int k = 1; k < count; k++)
      if ((d[k].x1 - d[k].x0) * (d[k].y1 - d[k].y0) >
          (d[big].x1 - d[big].x0) * (d[big].y1 - d[big].y0))
        big = k;
    long inter = 0, uni = 0;
    for (size_t i = 0; i < (size_t)W * HEIGHT; i++) {
      int a = largest->data[i] >= 128, b = masks[big]->data[i] >= 128;
      inter += a && b;
      uni += a || b;
    }
    double iou = uni ? (double)inter / uni : 0;
    printf("  subject largest: instance %d, IoU %.4f against its instance mask\n", big + 1, iou);
    CHECK(stats.instances_kept == 1 && iou >= 0.99);
  }
  ct_image_free(all);
  ct_image_free(largest);
  for (int k = 0; k < MAX_PARTS * 2; k++) ct_image_free(masks[k]);
  free(d);
  for (int i = 0; i < n; i++) img_free(part[i]);
  img_free(photo);
  ct_detector_free(det);
  ct_model_free(model);
  return CHECK_DONE();
}
