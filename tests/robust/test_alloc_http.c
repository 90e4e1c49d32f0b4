/* Allocation failures in the service's request handling: a POST /api/remove form (an image
 * field, a background image field and parameters) goes through the service's upload and
 * parameter code (the in-process daemon of fuzz/http_drive.c) while each allocation made by
 * that code fails in turn. The request must end with an answer or a dropped connection,
 * never a crash or a hang; the sanitizer build also checks nothing leaks. */
#include <stdint.h>
#include <string.h>

#include "alloc_fail.h"
#include "check.h"
#include "http_drive.h"

#define B "--" HTTP_DRIVE_BOUNDARY "\r\n"
#define FIELD(name) B "Content-Disposition: form-data; name=\"" name "\"\r\n\r\n"

typedef struct form {
  const char *body;
  size_t len;
  unsigned want; /* the status without failures */
} form;

static int post_job(void *ctx) {
  const form *f = ctx;
  unsigned st = http_drive_post((const uint8_t *)f->body, f->len);
  if (!injected) return st == f->want ? 0 : -1;
  /* a failed allocation ends in an error answer or a dropped connection */
  return st == 0 || st == f->want || st >= 500 || st == 413 ? 1 : -1;
}

int main(void) {
  /* the image fields are large enough for their buffers to grow several times */
  static char good[300000], bad[4096], image[120000];
  for (size_t i = 0; i < sizeof image; i++) image[i] = (char)(i * 7 + 3);
  int n = snprintf(good, sizeof good,
                   FIELD("format") "png\r\n" FIELD("matting") "fast\r\n"
                   FIELD("size") "full\r\n"
                   B "Content-Disposition: form-data; name=\"bg_image_file\"; "
                   "filename=\"b.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
  memcpy(good + n, image, sizeof image / 2);
  n += (int)sizeof image / 2;
  n += snprintf(good + n, sizeof good - (size_t)n,
                "\r\n" B "Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                "Content-Type: image/png\r\n\r\n");
  memcpy(good + n, image, sizeof image);
  n += (int)sizeof image;
  n += snprintf(good + n, sizeof good - (size_t)n, "\r\n--%s--\r\n", HTTP_DRIVE_BOUNDARY);
  form ok = {good, (size_t)n, 200};
  int m = snprintf(bad, sizeof bad,
                   FIELD("matting") "sideways\r\n"
                   B "Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                   "\r\nabc\r\n--%s--\r\n", HTTP_DRIVE_BOUNDARY);
  form refused = {bad, (size_t)m, 400};
  /* without failures: accepted, and refused with a bad parameter */
  CHECK(post_job(&ok) == 0);
  CHECK(post_job(&refused) == 0);
  CHECK(every_failure("POST /api/remove form", post_job, &ok) >= 4);
  CHECK(every_failure("POST /api/remove with a bad parameter", post_job, &refused) >= 1);
  return CHECK_DONE();
}
