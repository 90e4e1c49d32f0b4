/* One request's image work, from the uploaded bytes to the encoded answer. */
#include "serve/process.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void sv_result_fail(sv_result *r, int status, const char *code, const char *fmt, ...) {
  r->status = status;
  r->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->message, sizeof r->message, fmt, ap);
  va_end(ap);
}

void sv_result_decode_failed(sv_result *r, int rc, const char *what, const char *why) {
  switch (rc) {
  case IMG_EFORMAT: sv_result_fail(r, 415, "unsupported_image", "%s%s", what, why); break;
  case IMG_ECORRUPT: sv_result_fail(r, 400, "damaged_image", "%s%s", what, why); break;
  case IMG_ETOOBIG: sv_result_fail(r, 422, "image_too_large", "%s%s", what, why); break;
  case IMG_ENOMEM: sv_result_fail(r, 503, "out_of_memory", "%s%s", what, why); break;
  default: sv_result_fail(r, 500, "internal", "%s%s", what, why); break;
  }
}

void sv_result_engine_failed(sv_result *r, const ct_error *e) {
  switch (e->code) {
  case CT_ERR_ARGUMENT: sv_result_fail(r, 400, "bad_parameter", "%s", e->message); break;
  case CT_ERR_MEMORY: sv_result_fail(r, 503, "out_of_memory", "%s", e->message); break;
  default: sv_result_fail(r, 500, "internal", "%s", e->message); break;
  }
}

ct_img *sv_load_photo(const void *body, size_t len, int json, sv_result *r) {
  char why[512];
  ct_img *photo = NULL;
  r->status = 0;
  r->json = json;
  r->data = NULL;
  r->len = 0;
  if (!body || len == 0) {
    sv_result_fail(r, 400, "no_image",
                   "no image in the request: send it as the body or as form field 'file'");
    return NULL;
  }
  int rc = img_load_mem_rgb(body, len, &photo, why, sizeof why);
  if (rc) sv_result_decode_failed(r, rc, "", why);
  return photo;
}

void sv_process(const sv_engine *engine, const void *body, size_t len, const void *bg,
                size_t bg_len, const sv_params *p, sv_result *r) {
  char why[512];
  ct_img *back = NULL, *mask = NULL, *out = NULL;
  ct_img *photo = sv_load_photo(body, len, 0, r);
  if (!photo) return;
  if (p->size == SV_SIZE_PREVIEW && (long)photo->width * photo->height > SV_PREVIEW_PIXELS) {
    ct_img *small = sv_shrink(photo, SV_PREVIEW_PIXELS);
    if (!small) {
      sv_result_fail(r, 500, "internal", "cannot scale the %dx%d photo for the preview",
                     photo->width, photo->height);
      goto done;
    }
    img_free(photo);
    photo = small;
  }
  int rc;
  if (bg && bg_len && (rc = img_load_mem_rgb(bg, bg_len, &back, why, sizeof why))) {
    sv_result_decode_failed(r, rc, "bg_image_file: ", why);
    goto done;
  }
  ct_error e = {0};
  if (engine->mask(engine->ctx, photo, &p->opts, &mask, &e)) {
    sv_result_engine_failed(r, &e);
    goto done;
  }
  if (p->alpha_only) {
    out = mask;
    mask = NULL;
  } else {
    ct_remove_options opts = p->opts;
    opts.bg_image = back;
    if (ct_composite(photo, mask, &opts, &out, &e)) {
      sv_result_engine_failed(r, &e);
      goto done;
    }
  }
  rc = img_encode(out, sv_format_name(p->format), &r->data, &r->len, why, sizeof why);
  if (rc) {
    sv_result_fail(r, rc == IMG_ENOMEM ? 503 : 500,
                   rc == IMG_ENOMEM ? "out_of_memory" : "internal", "%s", why);
    goto done;
  }
  r->status = 200;
  r->width = out->width;
  r->height = out->height;
  r->channels = out->channels;
done:
  img_free(out);
  img_free(mask);
  img_free(back);
  img_free(photo);
}
