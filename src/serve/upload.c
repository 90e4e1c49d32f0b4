/* Reading the body of POST /api/remove: the raw image, or a multipart/form-data form read by
 * libmicrohttpd's post processor, whose field "file" (or "image_file") is the image and whose
 * other fields are parameters. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/request.h"

void sv_request_fail(sv_request *r, int status, const char *code, const char *fmt, ...) {
  if (r->err_status) return;
  r->err_status = status;
  r->err_code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err_msg, sizeof r->err_msg, fmt, ap);
  va_end(ap);
}

static int starts_with(const char *s, const char *prefix) {
  return s && !strncasecmp(s, prefix, strlen(prefix));
}

/* Appends to a buffer (*buf, *len bytes of *cap) that first == the first capacity. */
static void append(sv_request *r, uint8_t **buf, size_t *len, size_t *cap, size_t first,
                   const char *data, size_t size) {
  if (r->err_status || size == 0) return;
  if (*len + size > *cap) {
    size_t c = *cap ? *cap * 2 : first;
    if (c < *len + size) c = *len + size;
    if (c > r->max_body) c = r->max_body > *len + size ? r->max_body : *len + size;
    uint8_t *p = realloc(*buf, c);
    if (!p) {
      sv_request_fail(r, 503, "out_of_memory", "out of memory for a %zu-byte upload",
                      *len + size);
      return;
    }
    *buf = p;
    *cap = c;
  }
  memcpy(*buf + *len, data, size);
  *len += size;
}

/* Applies the form field read so far. */
static void flush_field(sv_request *r) {
  if (!r->field_open) return;
  r->field_open = 0;
  r->value[r->value_len] = '\0';
  char why[400];
  if (sv_param_set(&r->params, r->field, r->value, why, sizeof why))
    sv_request_fail(r, 400, "bad_parameter", "%s", why);
}

static enum MHD_Result form_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *content_type,
                                 const char *transfer_encoding, const char *data, uint64_t off,
                                 size_t size) {
  (void)kind, (void)content_type, (void)transfer_encoding;
  sv_request *r = cls;
  if (r->err_status) return MHD_NO;
  int is_file = key && (!strcmp(key, "file") || !strcmp(key, "image_file"));
  int is_bg = key && !strcmp(key, "bg_image_file");
  if (off == 0) {
    flush_field(r);
    if (is_file) {
      if (++r->files > 1)
        sv_request_fail(r, 400, "bad_request", "more than one image in the form; send one");
    } else if (is_bg) {
      if (++r->bg_files > 1)
        sv_request_fail(r, 400, "bad_request", "more than one bg_image_file; send one");
      r->params.has_bg_image = 1;
    } else if (!key || strlen(key) >= sizeof r->field) {
      sv_request_fail(r, 400, "bad_parameter", "a form field with no name or a long one");
    } else if (filename) {
      sv_request_fail(r, 400, "bad_parameter",
                      "file field '%.64s' is not read: send the image as field 'file'", key);
    } else {
      snprintf(r->field, sizeof r->field, "%s", key);
      r->value_len = 0;
      r->field_open = 1;
    }
    if (r->err_status) return MHD_NO;
  }
  if (is_file) {
    append(r, &r->body, &r->len, &r->cap, 64 * 1024, data, size);
  } else if (is_bg) {
    append(r, &r->bg, &r->bg_len, &r->bg_cap, 64 * 1024, data, size);
  } else if (r->field_open) {
    if (r->value_len + size >= sizeof r->value) {
      sv_request_fail(r, 400, "bad_parameter", "form field '%s' is too long", r->field);
    } else {
      memcpy(r->value + r->value_len, data, size);
      r->value_len += size;
    }
  }
  return r->err_status ? MHD_NO : MHD_YES;
}

/* The Content-Length, or 0 when there is none. */
static unsigned long long declared_length(sv_request *r) {
  const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_CONTENT_LENGTH);
  return cl ? strtoull(cl, NULL, 10) : 0;
}

int sv_upload_absorb(sv_request *r, size_t max_body) {
  const char *expect = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_EXPECT);
  const char *te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (expect && !strcasecmp(expect, "100-continue")) return 0; /* the body is not sent yet */
  unsigned long long declared = declared_length(r);
  int chunked = te && strcasestr(te, "chunked");
  return (declared > 0 && declared <= 2 * (unsigned long long)max_body) || chunked;
}

int sv_upload_begin(sv_request *r, size_t max_body) {
  r->max_body = max_body;
  unsigned long long declared = declared_length(r);
  if (declared > max_body) {
    sv_request_fail(r, 413, "body_too_large",
                    "the request body (%llu bytes) is over the limit of %zu bytes", declared,
                    max_body);
    return -1;
  }
  const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
  if (starts_with(type, "multipart/form-data")) {
    r->pp = MHD_create_post_processor(r->conn, 64 * 1024, form_part, r);
    if (!r->pp) {
      sv_request_fail(r, 400, "bad_request", "cannot read the form: no multipart boundary?");
      return -1;
    }
    return 0;
  }
  /* curl --data-binary labels the bytes as a urlencoded form unless told otherwise: such a
   * body is taken as the image too (a form without an image could not be served anyway). */
  if (type && *type && !starts_with(type, "image/") &&
      !starts_with(type, "application/octet-stream") &&
      !starts_with(type, "application/x-www-form-urlencoded")) {
    sv_request_fail(r, 415, "unsupported_media_type",
                    "a body of type '%.64s' is not read: send an image (image/*, "
                    "application/octet-stream) or a multipart form with field 'file'",
                    type);
    return -1;
  }
  r->declared = (size_t)declared; /* the raw image: allocated once at this size */
  return 0;
}

int sv_upload_data(sv_request *r, const char *data, size_t size, size_t max_body) {
  r->received += size;
  if (r->err_status) {
    r->discarded += size;
    return r->received > 2 * max_body ? -1 : 0;
  }
  if (r->received > max_body) {
    sv_request_fail(r, 413, "body_too_large", "the request body is over the limit of %zu bytes",
                    max_body);
    sv_upload_free(r);
    return 0;
  }
  if (r->pp) {
    if (MHD_post_process(r->pp, data, size) != MHD_YES)
      sv_request_fail(r, 400, "bad_request", "the form data is malformed");
  } else {
    append(r, &r->body, &r->len, &r->cap, r->declared ? r->declared : 64 * 1024, data, size);
  }
  return 0;
}

void sv_upload_end(sv_request *r) {
  if (r->pp) {
    enum MHD_Result ok = MHD_destroy_post_processor(r->pp);
    r->pp = NULL;
    if (ok != MHD_YES)
      sv_request_fail(r, 400, "bad_request", "the form data ends early or is malformed");
  }
  flush_field(r);
}

void sv_upload_free(sv_request *r) {
  if (r->pp) MHD_destroy_post_processor(r->pp);
  r->pp = NULL;
  free(r->body);
  r->body = NULL;
  r->len = r->cap = 0;
  free(r->bg);
  r->bg = NULL;
  r->bg_len = r->bg_cap = 0;
}
