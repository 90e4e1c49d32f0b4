/* POST /api/remove in process, through the service's form handling (http_drive.c). */
#ifndef CUTOUT_FUZZ_HTTP_DRIVE_H
#define CUTOUT_FUZZ_HTTP_DRIVE_H
#include <stddef.h>
#include <stdint.h>

#define HTTP_DRIVE_BOUNDARY "cutoutfuzzboundary"
#define HTTP_DRIVE_MAX_BODY ((size_t)1 << 20)

/* Sends body as a multipart/form-data request (boundary HTTP_DRIVE_BOUNDARY) and returns the
 * status the handler answered (200 when the form and its parameters were accepted), or 0
 * when the connection was dropped without an answer. Aborts if the request never ends. */
unsigned http_drive_post(const uint8_t *body, size_t size);

#endif
