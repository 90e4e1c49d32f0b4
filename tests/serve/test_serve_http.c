/* The service over HTTP with a stand-in for the network (the mask is the photo's red channel;
 * the colours are the library's, ct_composite):
 * raw and multipart uploads, parameters, JSON errors and their status codes, limits, the
 * queue (503), /healthz, the embedded page, and a graceful stop with a request in flight. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "http_client.h"
#include "image/image.h"
#include "serve/serve.h"

/* ---- the stand-in engine ---- */
typedef struct stub {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int closed;  /* 1: remove() waits until the gate opens */
  int entered; /* calls that reached remove() */
  int tiles;   /* opts->tiles of the last call */
} stub;

static ct_status stub_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                           ct_image **out, ct_error *err) {
  stub *s = ctx;
  pthread_mutex_lock(&s->lock);
  s->entered++;
  s->tiles = opts->tiles;
  pthread_cond_broadcast(&s->cond);
  while (s->closed) pthread_cond_wait(&s->cond, &s->lock);
  pthread_mutex_unlock(&s->lock);
  int w = ct_image_width(photo), h = ct_image_height(photo);
  const uint8_t *px = ct_image_pixels(photo);
  ct_img *im = img_new(w, h, 1);
  if (!im) {
    err->code = CT_ERR_MEMORY;
    snprintf(err->message, sizeof err->message, "out of memory");
    return CT_ERR_MEMORY;
  }
  for (size_t i = 0; i < (size_t)w * h; i++) im->data[i] = px[i * 3];
  *out = im;
  return CT_OK;
}

static void gate(stub *s, int closed) {
  pthread_mutex_lock(&s->lock);
  s->closed = closed;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
}

static void wait_entered(stub *s, int n) {
  pthread_mutex_lock(&s->lock);
  while (s->entered < n) pthread_cond_wait(&s->cond, &s->lock);
  pthread_mutex_unlock(&s->lock);
}

/* ---- test images ---- */
enum { W = 40, H = 30 };

static uint8_t pixel(int x, int y, int c) {
  return (uint8_t)(c == 0 ? x * 6 : c == 1 ? y * 8 : 77);
}

static void *make_png(int w, int h, size_t *len) {
  ct_img *im = img_new(w, h, 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++) im->data[(y * w + x) * 3 + c] = pixel(x % W, y % H, c);
  void *buf = NULL;
  char err[300];
  if (img_encode(im, "png", &buf, len, err, sizeof err)) fprintf(stderr, "%s\n", err);
  img_free(im);
  return buf;
}

static uint32_t crc32_of(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xffffffffu;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* A PNG signature, a header claiming w x h, and the first bytes of compressed data: the
 * header reads, decoding fails. */
static size_t header_only_png(uint8_t out[53], uint32_t w, uint32_t h) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static const uint8_t data[8] = {0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x00};
  memcpy(out, sig, 8);
  put32(out + 8, 13);
  memcpy(out + 12, "IHDR", 4);
  put32(out + 16, w);
  put32(out + 20, h);
  out[24] = 8, out[25] = 2, out[26] = 0, out[27] = 0, out[28] = 0;
  put32(out + 29, crc32_of(out + 12, 17));
  put32(out + 33, sizeof data);
  memcpy(out + 37, "IDAT", 4);
  memcpy(out + 41, data, sizeof data);
  put32(out + 49, crc32_of(out + 37, 4 + sizeof data));
  return 53;
}

/* The answer's image, decoded (through a file: the loaders read files). */
static ct_img *decode(const http_resp *r, int rgba) {
  char path[] = "/tmp/cutout-serve-test-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return NULL;
  ssize_t w = write(fd, r->body, r->body_len);
  close(fd);
  ct_img *im = NULL;
  char err[300];
  if (w == (ssize_t)r->body_len) {
    if (rgba ? img_load_rgba(path, &im, NULL, err, sizeof err)
             : img_load_rgb(path, &im, err, sizeof err))
      fprintf(stderr, "decode: %s\n", err);
  }
  unlink(path);
  return im;
}

/* The PNG colour type from the header: 0 grey, 2 RGB, 6 RGBA; -1 when not a PNG. */
static int png_color_type(const http_resp *r) {
  const uint8_t *b = (const uint8_t *)r->body;
  if (r->body_len < 26 || memcmp(b + 1, "PNG", 3)) return -1;
  return b[25];
}

/* ---- requests ---- */
static int port;

static int post_raw(const char *query, const char *type, const void *body, size_t n,
                    http_resp *r) {
  char head[512];
  snprintf(head, sizeof head,
           "POST /api/remove%s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
           "Content-Type: %s\r\nContent-Length: %zu",
           query, type, n);
  size_t len;
  char *req = http_build(head, body, n, &len);
  int rc = http_send(port, req, len, r);
  free(req);
  return rc;
}

static size_t file_part(char *b, size_t cap, const char *name, const void *data, size_t n) {
  size_t len = (size_t)snprintf(b, cap,
                                "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"; "
                                "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n",
                                name);
  memcpy(b + len, data, n);
  len += n;
  return len + (size_t)snprintf(b + len, cap - len, "\r\n");
}

/* A multipart form: fields before the file, the file (unless NULL), the background image
 * (unless NULL), fields after. */
static char *form_bg(const char *const *before, const void *file, size_t file_len,
                     const void *bg, size_t bg_len, const char *const *after, size_t *n) {
  size_t cap = file_len + bg_len + 4096;
  char *b = malloc(cap);
  size_t len = 0;
  for (const char *const *f = before; f && *f; f += 2)
    len += (size_t)snprintf(b + len, cap - len,
                            "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                            f[0], f[1]);
  if (file) len += file_part(b + len, cap - len, "file", file, file_len);
  if (bg) len += file_part(b + len, cap - len, "bg_image_file", bg, bg_len);
  for (const char *const *f = after; f && *f; f += 2)
    len += (size_t)snprintf(b + len, cap - len,
                            "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                            f[0], f[1]);
  len += (size_t)snprintf(b + len, cap - len, "--XyZ--\r\n");
  *n = len;
  return b;
}

static char *form(const char *const *before, const void *file, size_t file_len,
                  const char *const *after, size_t *n) {
  return form_bg(before, file, file_len, NULL, 0, after, n);
}

static int post_form(const char *body, size_t n, http_resp *r) {
  return post_raw("", "multipart/form-data; boundary=XyZ", body, n, r);
}

static int get(const char *method, const char *path, http_resp *r) {
  char head[300];
  snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close", method, path);
  size_t len;
  char *req = http_build(head, NULL, 0, &len);
  int rc = http_send(port, req, len, r);
  free(req);
  return rc;
}

/* status and, for errors, the JSON error code */
static int is_error(const http_resp *r, int status, const char *code) {
  char type[100];
  int ok = r->status == status && http_header(r, "Content-Type", type, sizeof type) &&
           !strcmp(type, "application/json") && strstr(r->body, "{\"error\":{\"code\":\"") &&
           strstr(r->body, code) && strstr(r->body, "\"message\":\"");
  if (!ok) fprintf(stderr, "expected %d %s, got: %.300s\n", status, code, r->raw ? r->raw : "");
  return ok;
}

/* ---- the tests ---- */
static void *png;
static size_t png_len;

static void test_raw_rgba(void) {
  http_resp r;
  /* the photo's own colours: the answer is exactly the photo with alpha = red */
  CHECK(post_raw("?foreground=false", "image/png", png, png_len, &r) == 0);
  CHECK(r.status == 200);
  char v[100];
  CHECK(http_header(&r, "Content-Type", v, sizeof v) && !strcmp(v, "image/png"));
  CHECK(http_header(&r, "X-Width", v, sizeof v) && atoi(v) == W);
  CHECK(http_header(&r, "X-Height", v, sizeof v) && atoi(v) == H);
  CHECK(png_color_type(&r) == 6);
  ct_img *im = decode(&r, 1);
  CHECK(im && im->width == W && im->height == H && im->channels == 4);
  int wrong = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < W; x++) {
      const uint8_t *p = im->data + (y * W + x) * 4;
      wrong += p[0] != pixel(x, y, 0) || p[1] != pixel(x, y, 1) || p[2] != pixel(x, y, 2) ||
               p[3] != pixel(x, y, 0);
    }
  CHECK(wrong == 0);
  img_free(im);
  http_free(&r);
  /* estimated foreground colours (the default): the same alpha, other colours where it is
   * soft, the photo's where it is opaque */
  CHECK(post_raw("", "image/png", png, png_len, &r) == 0 && r.status == 200);
  im = decode(&r, 1);
  CHECK(im && im->width == W && im->height == H && im->channels == 4);
  int alpha_wrong = 0, changed = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < W; x++) {
      const uint8_t *p = im->data + (y * W + x) * 4;
      alpha_wrong += p[3] != pixel(x, y, 0);
      changed += p[1] != pixel(x, y, 1) || p[2] != pixel(x, y, 2);
    }
  CHECK(alpha_wrong == 0);
  CHECK(changed > 0);
  img_free(im);
  http_free(&r);
}

static void test_form_alpha(stub *s) {
  const char *before[] = {"tiles", "true", NULL};
  const char *after[] = {"channels", "alpha", NULL}; /* a field after the file counts too */
  size_t n;
  char *body = form(before, png, png_len, after, &n);
  http_resp r;
  CHECK(post_form(body, n, &r) == 0);
  CHECK(r.status == 200);
  CHECK(png_color_type(&r) == 0); /* grey */
  CHECK(s->tiles == 1);
  ct_img *im = decode(&r, 0);
  CHECK(im && im->width == W && im->height == H);
  int wrong = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < W; x++) wrong += im->data[(y * W + x) * 3] != pixel(x, y, 0);
  CHECK(wrong == 0);
  img_free(im);
  http_free(&r);
  free(body);
  /* the same with the rembg field name and mask_only */
  const char *mask[] = {"mask_only", "1", NULL};
  body = form(mask, png, png_len, NULL, &n);
  CHECK(post_form(body, n, &r) == 0 && r.status == 200 && png_color_type(&r) == 0);
  http_free(&r);
  free(body);
}

static void test_backgrounds(void) {
  http_resp r;
  char v[100];
  /* opaque blue under the cutout, as JPEG: where alpha (= red) is 0 the pixel is blue */
  CHECK(post_raw("?bg_color=0000ff&format=jpg", "image/png", png, png_len, &r) == 0);
  CHECK(r.status == 200);
  CHECK(http_header(&r, "Content-Type", v, sizeof v) && !strcmp(v, "image/jpeg"));
  ct_img *im = decode(&r, 0);
  CHECK(im && im->width == W && im->channels == 3);
  if (im) {
    const uint8_t *p = im->data + (H / 2 * W) * 3; /* x = 0: alpha 0 */
    CHECK(p[0] < 20 && p[1] < 20 && p[2] > 230);
  }
  img_free(im);
  http_free(&r);
  /* half-transparent green: the "over" operator, exact in PNG */
  CHECK(post_raw("?bg_color=0,255,0,128&foreground=0", "image/png", png, png_len, &r) == 0);
  CHECK(r.status == 200 && png_color_type(&r) == 6);
  im = decode(&r, 1);
  CHECK(im && im->channels == 4);
  int wrong = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < W; x++) {
      double a = pixel(x, y, 0) / 255.0, A = 128 / 255.0, cover = a + (1 - a) * A;
      const uint8_t *p = im->data + (y * W + x) * 4;
      double g = (a * pixel(x, y, 1) + (1 - a) * A * 255) / cover;
      wrong += abs(p[3] - (int)(cover * 255 + 0.5)) > 1 || abs(p[1] - (int)(g + 0.5)) > 1;
    }
  CHECK(wrong == 0);
  img_free(im);
  http_free(&r);
  /* format=auto with an opaque colour is JPEG; webp is WebP */
  CHECK(post_raw("?format=auto&bg_color=fff", "image/png", png, png_len, &r) == 0);
  CHECK(r.status == 200 && http_header(&r, "Content-Type", v, sizeof v) &&
        !strcmp(v, "image/jpeg"));
  http_free(&r);
  CHECK(post_raw("?format=webp", "application/octet-stream", png, png_len, &r) == 0);
  CHECK(r.status == 200 && http_header(&r, "Content-Type", v, sizeof v) &&
        !strcmp(v, "image/webp") && r.body_len > 12 && !memcmp(r.body + 8, "WEBP", 4));
  http_free(&r);
}

static void test_bg_image(void) {
  /* a magenta background image, scaled to cover: where alpha (= red) is 0 it shows */
  ct_img *m = img_new(8, 8, 3);
  for (int i = 0; i < 64; i++) m->data[i * 3] = 255, m->data[i * 3 + 2] = 255;
  void *bg = NULL;
  size_t bg_len = 0, n;
  char err[300];
  CHECK(img_encode(m, "png", &bg, &bg_len, err, sizeof err) == 0);
  img_free(m);
  const char *fields[] = {"foreground", "false", NULL};
  char *body = form_bg(fields, png, png_len, bg, bg_len, NULL, &n);
  http_resp r;
  CHECK(post_form(body, n, &r) == 0 && r.status == 200);
  CHECK(png_color_type(&r) == 2); /* RGB: the background is opaque */
  ct_img *im = decode(&r, 0);
  CHECK(im && im->width == W && im->height == H);
  if (im) {
    const uint8_t *p = im->data + (H / 2 * W) * 3; /* x = 0 */
    CHECK(p[0] == 255 && p[1] == 0 && p[2] == 255);
  }
  img_free(im);
  http_free(&r);
  free(body);
  /* with a colour too, or for the mask: refused */
  const char *both[] = {"bg_color", "fff", NULL};
  body = form_bg(both, png, png_len, bg, bg_len, NULL, &n);
  CHECK(post_form(body, n, &r) == 0 && is_error(&r, 400, "bad_parameter"));
  http_free(&r);
  free(body);
  const char *mask[] = {"channels", "alpha", NULL};
  body = form_bg(mask, png, png_len, bg, bg_len, NULL, &n);
  CHECK(post_form(body, n, &r) == 0 && is_error(&r, 400, "bad_parameter"));
  http_free(&r);
  free(body);
  /* a background that is not an image */
  body = form_bg(NULL, png, png_len, "nope", 4, NULL, &n);
  CHECK(post_form(body, n, &r) == 0 && is_error(&r, 415, "unsupported_image"));
  CHECK(strstr(r.body, "bg_image_file") != NULL);
  http_free(&r);
  free(body);
  free(bg);
}

static void test_bad_requests(void) {
  http_resp r;
  CHECK(post_raw("?colour=red", "image/png", png, png_len, &r) == 0);
  CHECK(is_error(&r, 400, "bad_parameter") && strstr(r.body, "colour"));
  http_free(&r);
  CHECK(post_raw("?format=gif", "image/png", png, png_len, &r) == 0);
  CHECK(is_error(&r, 400, "bad_parameter"));
  http_free(&r);
  CHECK(post_raw("?format=jpg", "image/png", png, png_len, &r) == 0); /* no background */
  CHECK(is_error(&r, 400, "bad_parameter"));
  http_free(&r);
  CHECK(post_raw("?image_url=http%3A%2F%2Fexample.com%2Fa.jpg", "image/png", png, png_len,
                 &r) == 0);
  CHECK(is_error(&r, 400, "bad_parameter") && strstr(r.body, "fetches nothing"));
  http_free(&r);
  const char *bad_field[] = {"bg_color", "not-a-colour", NULL};
  size_t n;
  char *body = form(NULL, png, png_len, bad_field, &n);
  CHECK(post_form(body, n, &r) == 0 && is_error(&r, 400, "bad_parameter"));
  http_free(&r);
  free(body);

  /* not images */
  CHECK(post_raw("", "text/plain", "hello", 5, &r) == 0);
  CHECK(is_error(&r, 415, "unsupported_media_type"));
  http_free(&r);
  CHECK(post_raw("", "image/png", "hello, not an image", 19, &r) == 0);
  CHECK(is_error(&r, 415, "unsupported_image"));
  http_free(&r);
  CHECK(post_raw("", "image/png", png, png_len / 2, &r) == 0); /* truncated */
  CHECK(is_error(&r, 400, "damaged_image"));
  http_free(&r);
  CHECK(post_raw("", "image/png", "", 0, &r) == 0);
  CHECK(is_error(&r, 400, "no_image"));
  http_free(&r);
  const char *only_fields[] = {"tiles", "1", NULL};
  body = form(only_fields, NULL, 0, NULL, &n);
  CHECK(post_form(body, n, &r) == 0 && is_error(&r, 400, "no_image"));
  http_free(&r);
  free(body);
  /* two images */
  char *one = form(NULL, png, png_len, NULL, &n);
  size_t n2 = n - 9 + n; /* drop the closing boundary of the first copy */
  char *two = malloc(n2);
  memcpy(two, one, n - 9);
  memcpy(two + n - 9, one, n);
  CHECK(post_form(two, n2, &r) == 0 && is_error(&r, 400, "bad_request"));
  http_free(&r);
  free(one);
  free(two);
  /* a multipart type without a boundary */
  CHECK(post_raw("", "multipart/form-data", png, png_len, &r) == 0);
  CHECK(is_error(&r, 400, "bad_request"));
  http_free(&r);
}

static void test_limits(size_t max_body) {
  http_resp r;
  /* declared too large, waiting for 100-continue: answered before any body is sent */
  char head[300];
  snprintf(head, sizeof head,
           "POST /api/remove HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
           "Content-Type: image/png\r\nExpect: 100-continue\r\nContent-Length: %zu",
           max_body * 100);
  size_t n;
  char *req = http_build(head, NULL, 0, &n);
  CHECK(http_send(port, req, n, &r) == 0 && is_error(&r, 413, "body_too_large"));
  http_free(&r);
  free(req);
  /* declared too large and sent anyway: the body is read, then the answer comes */
  size_t big = max_body + max_body / 2;
  char *blob = calloc(1, big);
  CHECK(post_raw("", "image/png", blob, big, &r) == 0 && is_error(&r, 413, "body_too_large"));
  http_free(&r);
  /* chunked, no length given: over the limit while it arrives */
  snprintf(head, sizeof head,
           "POST /api/remove HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
           "Content-Type: image/png\r\nTransfer-Encoding: chunked");
  size_t chunk = 16384, chunks = big / chunk + 1, len = 0;
  char *body = malloc(chunks * (chunk + 16) + 8);
  for (size_t i = 0; i < chunks; i++) {
    len += (size_t)sprintf(body + len, "%zx\r\n", chunk);
    memset(body + len, 0, chunk);
    len += chunk;
    len += (size_t)sprintf(body + len, "\r\n");
  }
  len += (size_t)sprintf(body + len, "0\r\n\r\n");
  req = http_build(head, body, len, &n);
  CHECK(http_send(port, req, n, &r) == 0 && is_error(&r, 413, "body_too_large"));
  http_free(&r);
  free(req);
  free(body);
  free(blob);

  /* too many pixels: refused from the header, which is all this file has (decoding it would
   * fail as damaged) */
  uint8_t hdr[53];
  size_t hl = header_only_png(hdr, 50000, 40000);
  CHECK(post_raw("", "image/png", hdr, hl, &r) == 0 && is_error(&r, 422, "image_too_large"));
  CHECK(strstr(r.body, "50000x40000") != NULL);
  http_free(&r);
  hl = header_only_png(hdr, 50, 40); /* within the limit: decoded, found damaged */
  CHECK(post_raw("", "image/png", hdr, hl, &r) == 0 && is_error(&r, 400, "damaged_image"));
  http_free(&r);
  size_t wide_len;
  void *wide = make_png(W * 10, H, &wide_len); /* 12000 pixels, over 10000 */
  CHECK(post_raw("", "image/png", wide, wide_len, &r) == 0 &&
        is_error(&r, 422, "image_too_large"));
  http_free(&r);
  free(wide);
}

static void test_routes(void) {
  http_resp r;
  char v[200];
  CHECK(get("GET", "/nowhere", &r) == 0 && is_error(&r, 404, "not_found"));
  http_free(&r);
  CHECK(get("GET", "/api/remove", &r) == 0 && is_error(&r, 405, "method_not_allowed"));
  CHECK(http_header(&r, "Allow", v, sizeof v) && !strcmp(v, "POST"));
  http_free(&r);
  CHECK(get("DELETE", "/healthz", &r) == 0 && is_error(&r, 405, "method_not_allowed"));
  http_free(&r);
  CHECK(get("GET", "/healthz", &r) == 0 && r.status == 200);
  CHECK(strstr(r.body, "\"ok\":true") && strstr(r.body, "\"model\":\"stub\"") &&
        strstr(r.body, "\"limit\":1") && strstr(r.body, "\"uptime_s\":"));
  http_free(&r);
  CHECK(get("GET", "/", &r) == 0 && r.status == 200);
  CHECK(http_header(&r, "Content-Type", v, sizeof v) && strstr(v, "text/html"));
  CHECK(strstr(r.body, "<title>") && strstr(r.body, "app.js") && strstr(r.body, "style.css"));
  /* the page loads nothing from elsewhere */
  CHECK(!strstr(r.body, "http://") && !strstr(r.body, "https://") && !strstr(r.body, "//cdn"));
  http_free(&r);
  CHECK(get("GET", "/app.js", &r) == 0 && r.status == 200);
  CHECK(http_header(&r, "Content-Type", v, sizeof v) && strstr(v, "javascript"));
  CHECK(strstr(r.body, "/api/remove") != NULL);
  http_free(&r);
  CHECK(get("GET", "/style.css", &r) == 0 && r.status == 200);
  CHECK(http_header(&r, "Content-Type", v, sizeof v) && strstr(v, "text/css"));
  http_free(&r);
  CHECK(get("HEAD", "/", &r) == 0 && r.status == 200 && r.body_len == 0);
  http_free(&r);
  CHECK(get("GET", "/../../etc/passwd", &r) == 0 && r.status == 404);
  http_free(&r);
}

typedef struct pending {
  int fd;
  http_resp r;
} pending;

static void *read_pending(void *arg) {
  pending *p = arg;
  http_read(p->fd, &p->r);
  return NULL;
}

static void test_queue_full(stub *s) {
  gate(s, 1);
  int before = s->entered;
  size_t n;
  char head[300];
  snprintf(head, sizeof head,
           "POST /api/remove HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
           "Content-Type: image/png\r\nContent-Length: %zu",
           png_len);
  char *req = http_build(head, png, png_len, &n);
  pending a = {http_open(port, req, n), {0}};
  CHECK(a.fd >= 0);
  pthread_t t;
  pthread_create(&t, NULL, read_pending, &a);
  wait_entered(s, before + 1); /* the one job slot is taken */
  http_resp r;
  char v[50];
  CHECK(http_send(port, req, n, &r) == 0 && is_error(&r, 503, "queue_full"));
  CHECK(http_header(&r, "Retry-After", v, sizeof v) && atoi(v) >= 1);
  http_free(&r);
  CHECK(get("GET", "/healthz", &r) == 0 && r.status == 200);
  CHECK(strstr(r.body, "\"running\":1") && strstr(r.body, "\"in_progress\":1"));
  http_free(&r);
  gate(s, 0);
  pthread_join(t, NULL);
  CHECK(a.r.status == 200 && png_color_type(&a.r) == 6);
  http_free(&a.r);
  free(req);
}

typedef struct stopper {
  sv_server *srv;
  int done;
} stopper;

static void *stop_server(void *arg) {
  stopper *st = arg;
  sv_stop(st->srv);
  st->done = 1;
  return NULL;
}

static void test_graceful_stop(stub *s, sv_server *srv) {
  gate(s, 1);
  int before = s->entered;
  size_t n;
  char head[300];
  snprintf(head, sizeof head,
           "POST /api/remove HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
           "Content-Type: image/png\r\nContent-Length: %zu",
           png_len);
  char *req = http_build(head, png, png_len, &n);
  pending a = {http_open(port, req, n), {0}};
  pthread_t reader, stopping;
  pthread_create(&reader, NULL, read_pending, &a);
  wait_entered(s, before + 1);
  stopper st = {srv, 0};
  pthread_create(&stopping, NULL, stop_server, &st);
  /* new connections are refused once the stop has begun */
  int refused = 0;
  for (int i = 0; i < 200 && !refused; i++) {
    usleep(10 * 1000);
    int fd = http_open(port, "", 0);
    if (fd < 0) refused = 1;
    else close(fd);
  }
  CHECK(refused);
  CHECK(!st.done); /* still waiting for the request in flight */
  gate(s, 0);
  pthread_join(reader, NULL);
  pthread_join(stopping, NULL);
  CHECK(st.done);
  CHECK(a.r.status == 200 && png_color_type(&a.r) == 6);
  http_free(&a.r);
  free(req);
}

int main(void) {
  stub s = {.closed = 0};
  pthread_mutex_init(&s.lock, NULL);
  pthread_cond_init(&s.cond, NULL);
  sv_engine engine = {stub_mask, &s, "stub"};
  sv_config cfg;
  sv_config_init(&cfg);
  cfg.port = 0;
  cfg.jobs = 1;
  cfg.queue = 0;
  cfg.max_body = 64 * 1024;
  cfg.max_pixels = 10000;
  cfg.quiet = 1;
  sv_server *srv;
  char err[300];
  if (sv_start(&cfg, &engine, &srv, err, sizeof err)) {
    fprintf(stderr, "cannot start the server: %s\n", err);
    return 1;
  }
  port = sv_port(srv);
  CHECK(port > 0);
  png = make_png(W, H, &png_len);
  CHECK(png && png_len < cfg.max_body);

  test_raw_rgba();
  test_form_alpha(&s);
  test_backgrounds();
  test_bg_image();
  test_bad_requests();
  test_limits(cfg.max_body);
  test_routes();
  test_queue_full(&s);
  test_graceful_stop(&s, srv);

  free(png);
  pthread_mutex_destroy(&s.lock);
  pthread_cond_destroy(&s.cond);
  return CHECK_DONE();
}
