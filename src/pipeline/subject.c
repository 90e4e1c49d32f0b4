/* subject_mask: the detector's instances of the subject, each masked by ct_instance_masks,
 * joined into one mask. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "pipeline/subject.h"

static double box_area(const ct_detection *d) {
  return (double)(d->x1 - d->x0) * (d->y1 - d->y0);
}

static int boxes_meet(const ct_detection *a, const ct_detection *b) {
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* "largest": the largest box first, then those whose boxes meet it (so that its mask is
 * shared out against theirs as ct_instance_masks does), the rest dropped. Returns the count. */
static int keep_largest(ct_detection *d, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (box_area(&d[i]) > box_area(&d[best])) best = i;
  ct_detection first = d[best];
  int k = 1;
  for (int i = 0; i < n; i++)
    if (i != best && boxes_meet(&d[i], &first)) d[k++] = d[i];
  d[0] = first;
  return k;
}

ct_status subject_mask(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                       ct_remove_stats *stats, ct_image **mask, ct_error *err) {
  *mask = NULL;
  const char *s = opts->subject;
  int all = !strcmp(s, "all"), largest = !strcmp(s, "largest"), cls = ct_class_id(s);
  if (!all && !largest && cls < 0)
    return ct_fail(err, CT_ERR_ARGUMENT,
                   "subject '%s' is none of all, largest or a class's name (person, car, "
                   "chair, dog, ...)", s);
  if (!opts->detector) return ct_fail(err, CT_ERR_ARGUMENT, "a subject needs a detector");
  ct_detect_options dopts = {.classes = cls >= 0 ? &cls : NULL, .n_classes = cls >= 0};
  ct_detection *d = NULL;
  int n = 0;
  double t = ct_seconds();
  ct_status st = ct_detect(opts->detector, photo, &dopts, &d, &n, err);
  stats->detect_s = ct_seconds() - t;
  if (st) return st;
  stats->instances_found = n;
  if (n == 0 && cls < 0) {
    free(d);
    return CT_OK;
  }
  ct_img *joined = img_new(photo->width, photo->height, 1);
  if (!joined) {
    free(d);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for a %dx%d mask", photo->width,
                   photo->height);
  }
  memset(joined->data, 0, (size_t)photo->width * photo->height);
  int keep = largest ? 1 : n, run = largest ? keep_largest(d, n) : n;
  ct_image **masks = calloc(run > 0 ? (size_t)run : 1, sizeof *masks);
  ct_remove_options o = *opts;
  o.subject = NULL;
  o.detector = NULL;
  o.stats = NULL;
  t = ct_seconds();
  st = masks ? ct_instance_masks(model, photo, d, run, &o, masks, err)
             : ct_fail(err, CT_ERR_MEMORY, "out of memory");
  stats->instances_s = ct_seconds() - t;
  /* the instances' masks add up to at most 255 (ct_instance_masks) */
  size_t px = (size_t)photo->width * photo->height;
  for (int k = 0; k < keep && !st; k++) {
    const uint8_t *m = masks[k]->data;
    for (size_t i = 0; i < px; i++) {
      unsigned v = joined->data[i] + m[i];
      joined->data[i] = (uint8_t)(v > 255 ? 255 : v);
    }
  }
  for (int k = 0; masks && k < run; k++) img_free(masks[k]);
  free(masks);
  free(d);
  if (st) {
    img_free(joined);
    return st;
  }
  stats->instances_kept = keep < n ? keep : n;
  *mask = joined;
  return CT_OK;
}
