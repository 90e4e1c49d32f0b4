/* The work behind one POST /api/remove: decode, scale for size=preview, the mask from the
 * engine, the colours and background (ct_composite), encode. Runs on a job thread. */
#ifndef CUTOUT_SERVE_PROCESS_H
#define CUTOUT_SERVE_PROCESS_H

#include <stddef.h>

#include "image/image.h"
#include "serve/params.h"
#include "serve/serve.h"

typedef struct sv_result {
  int status;          /* HTTP status */
  const char *code;    /* error code when status != 200 (a static string) */
  char message[512];   /* error message when status != 200 */
  void *data;          /* the encoded image (malloc'd) when status == 200, or JSON */
  size_t len;
  int json;            /* 1: data is JSON (/api/instances) */
  int width, height, channels;
} sv_result;

/* Fills r (data owned by the caller) from the uploaded image (and background image, when
 * bg_len > 0). The pixel limit is the image module's (img_set_max_pixels), checked from the
 * header before decoding. */
void sv_process(const sv_engine *engine, const void *body, size_t len, const void *bg,
                size_t bg_len, const sv_params *p, sv_result *r);

/* r emptied (json: whether its answer will be JSON) and the uploaded photo decoded; NULL
 * with r's error answer filled in when there is none or it does not decode. */
ct_img *sv_load_photo(const void *body, size_t len, int json, sv_result *r);

/* An error answer into r (status, a static code, the message). */
void sv_result_fail(sv_result *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The image module's decode errors (IMG_E*) as answers; what names the image in the
 * message. */
void sv_result_decode_failed(sv_result *r, int rc, const char *what, const char *why);
/* The library's errors as answers. */
void sv_result_engine_failed(sv_result *r, const ct_error *e);

/* The photo scaled (aspect kept, antialiased) to at most max_pixels; NULL when out of memory
 * or libvips fails. Call only when it is larger. */
ct_img *sv_shrink(const ct_img *photo, long max_pixels);

#endif
