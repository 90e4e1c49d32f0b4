/* The work behind one POST /api/instances: decode, the engine's instances (the detector's
 * boxes, each one's mask), each one's cutout (ct_composite; cropped to its mask with crop)
 * encoded as PNG, all in one JSON answer:
 *   {"width": W, "height": H, "instances": [{"index": 1, "class": "person", "score": 0.91,
 *    "box": [x0, y0, x1, y1], "area": pixels, "crop": [x, y, w, h] (with crop),
 *    "png": "base64 of an RGBA PNG"}, ...]}
 * best score first. Runs on a job thread. */
#ifndef CUTOUT_SERVE_INSTANCES_H
#define CUTOUT_SERVE_INSTANCES_H

#include <stddef.h>

#include "serve/process.h"

/* Fills r (data: the JSON, r->json set; owned by the caller). max_instances is the
 * service's limit, used when p->max_instances is 0. The pixel limit is the image
 * module's, checked from the header before decoding. */
void sv_instances(const sv_engine *engine, const void *body, size_t len, const sv_params *p,
                  int max_instances, sv_result *r);

#endif
