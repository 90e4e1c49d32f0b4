/* The service over HTTP with a stand-in for the networks (the mask is the photo's red channel;
 * the detector finds a person on the right half and a dog in the top left corner; the colours
 * are the library's, ct_composite):
 * raw and multipart uploads, parameters, JSON errors and their status codes, limits, the
 * queue (503), /healthz, the embedded page, subject= and /api/instances (with and without a
 * detector), and a graceful stop with a request in flight. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

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
  const char *subject; /* opts->subject of the last mask() call */
  ct_detect_options dopts; /* of the last instances() call */
} stub;

/* The stand-in detector's finds: a person on the right half, a dog in the top left corner
 * (the test image is W x H = 40 x 30). */
static const ct_detection stub_found[2] = {{20, 0, 40, 30, 0.9f, 0}, {0, 0, 10, 10, 0.5f, 16}};

/* 1 when pixel (x, y) lies in the box. */
static int in_box(const ct_detection *d, int x, int y) {
  return x >= d->x0 && x < d->x1 && y >= d->y0 && y < d->y1;
}

static ct_status no_memory(ct_error *err) {
  err->code = CT_ERR_MEMORY;
  snprintf(err->message, sizeof err->message, "out of memory");
  return CT_ERR_MEMORY;
}

/* Enters the engine: counted, then held while the gate is closed. */
static void enter(stub *s) {
  pthread_mutex_lock(&s->lock);
  s->entered++;
  pthread_cond_broadcast(&s->cond);
  while (s->closed) pthread_cond_wait(&s->cond, &s->lock);
  pthread_mutex_unlock(&s->lock);
}

/* The red channel; with a subject, only inside the person's box. */
static ct_status stub_mask(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                           ct_image **out, ct_error *err) {
  stub *s = ctx;
  s->tiles = opts->tiles;
  s->subject = opts->subject;
  enter(s);
  int w = ct_image_width(photo), h = ct_image_height(photo);
  const uint8_t *px = ct_image_pixels(photo);
  ct_img *im = img_new(w, h, 1);
  if (!im) return no_memory(err);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      im->data[i] = !opts->subject || in_box(&stub_found[0], x, y) ? px[i * 3] : 0;
    }
  *out = im;
  return CT_OK;
}

/* stub_found, filtered as ct_detect filters; each mask 255 on its box. */
static ct_status stub_instances(void *ctx, const ct_image *photo,
                                const ct_detect_options *dopts, const ct_remove_options *opts,
                                ct_detection **dets, ct_image ***masks, int *count,
                                ct_error *err) {
  (void)opts;
  stub *s = ctx;
  s->dopts = *dopts;
  enter(s);
  int w = ct_image_width(photo), h = ct_image_height(photo), n = 0;
  float min = dopts->min_score > 0 ? dopts->min_score : CT_DETECT_MIN_SCORE;
  *dets = calloc(2, sizeof **dets);
  *masks = calloc(2, sizeof **masks);
  if (!*dets || !*masks) return no_memory(err);
  for (int k = 0; k < 2 && (!dopts->max_instances || n < dopts->max_instances); k++) {
    const ct_detection *d = &stub_found[k];
    int wanted = !dopts->n_classes;
    for (int c = 0; c < dopts->n_classes; c++) wanted |= dopts->classes[c] == d->cls;
    if (!wanted || d->score < min) continue;
    ct_img *m = img_new(w, h, 1);
    if (!m) return no_memory(err);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) m->data[(size_t)y * w + x] = in_box(d, x, y) ? 255 : 0;
    (*dets)[n] = *d;
    (*masks)[n++] = m;
  }
  *count = n;
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

static int post_to(const char *path, const char *query, const char *type, const void *body,
                   size_t n, http_resp *r) {
  char head[512];
  snprintf(head, sizeof head,
           "POST %s%s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
           "Content-Type: %s\r\nContent-Length: %zu",
           path, query, type, n);
  size_t len;
  char *req = http_build(head, body, n, &len);
  int rc = http_send(port, req, len, r);
  free(req);
  return rc;
}

static int post_raw(const char *query, const char *type, const void *body, size_t n,
                    http_resp *r) {
  return post_to("/api/remove", query, type, body, n, r);
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
        strstr(r.body, "\"detector\":\"stub-detector\"") &&
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

/* ---- subject and /api/instances ---- */

static int post_instances(const char *query, const void *body, size_t n, http_resp *r) {
  return post_to("/api/instances", query, "image/png", body, n, r);
}

static int b64_digit(int c) {
  return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
         : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Base64 (padded) to bytes; the length, or -1 when s is not base64. */
static long b64_decode(const char *s, uint8_t *out, size_t cap) {
  size_t n = strlen(s), len = 0;
  if (n % 4) return -1;
  for (size_t i = 0; i < n; i += 4) {
    int v[4], pad = 0;
    for (int j = 0; j < 4; j++) {
      v[j] = s[i + j] == '=' && i + 4 == n && j >= 2 ? (pad++, 0) : b64_digit(s[i + j]);
      if (v[j] < 0) return -1;
    }
    uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | v[3];
    for (int j = 0; j < 3 - pad; j++) {
      if (len == cap) return -1;
      out[len++] = (uint8_t)(w >> (16 - 8 * j));
    }
  }
  return (long)len;
}

/* An instance's "png", decoded as RGBA. */
static ct_img *instance_png(const cJSON *inst) {
  const cJSON *png = cJSON_GetObjectItem(inst, "png");
  if (!cJSON_IsString(png)) return NULL;
  size_t cap = strlen(png->valuestring);
  uint8_t *bytes = malloc(cap + 1);
  long n = bytes ? b64_decode(png->valuestring, bytes, cap) : -1;
  http_resp fake = {.body = (const char *)bytes, .body_len = n > 0 ? (size_t)n : 0};
  ct_img *im = n > 0 ? decode(&fake, 1) : NULL;
  free(bytes);
  return im;
}

static int number(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItem(o, name);
  return cJSON_IsNumber(v) ? v->valueint : -12345;
}

static int array_is(const cJSON *o, const char *name, int a, int b, int c, int d) {
  const cJSON *v = cJSON_GetObjectItem(o, name);
  int want[4] = {a, b, c, d};
  if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 4) return 0;
  for (int i = 0; i < 4; i++)
    if (cJSON_GetArrayItem(v, i)->valueint != want[i]) return 0;
  return 1;
}

static const char *class_of(const cJSON *inst) {
  const cJSON *v = cJSON_GetObjectItem(inst, "class");
  return cJSON_IsString(v) ? v->valuestring : "";
}

/* The answer's JSON (NULL unless 200 application/json) and its instances. */
static cJSON *instances_json(const http_resp *r, const cJSON **list) {
  char type[100];
  *list = NULL;
  if (r->status != 200 || !http_header(r, "Content-Type", type, sizeof type) ||
      strcmp(type, "application/json")) {
    fprintf(stderr, "expected 200 JSON, got: %.300s\n", r->raw ? r->raw : "");
    return NULL;
  }
  cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
  *list = root ? cJSON_GetObjectItem(root, "instances") : NULL;
  return root;
}

static void test_instances(stub *s) {
  http_resp r;
  const cJSON *list;
  /* both found, best first, each photo-sized, opaque on its box and clear elsewhere */
  CHECK(post_instances("?foreground=false", png, png_len, &r) == 0);
  cJSON *root = instances_json(&r, &list);
  CHECK(root && number(root, "width") == W && number(root, "height") == H);
  CHECK(cJSON_GetArraySize(list) == 2);
  CHECK(s->dopts.max_instances == 2); /* the server's limit when none is asked for */
  const cJSON *person = cJSON_GetArrayItem(list, 0), *dog = cJSON_GetArrayItem(list, 1);
  CHECK(person && number(person, "index") == 1 && !strcmp(class_of(person), "person"));
  CHECK(person && fabs(cJSON_GetObjectItem(person, "score")->valuedouble - 0.9) < 1e-6);
  CHECK(array_is(person, "box", 20, 0, 40, 30) && number(person, "area") == 20 * 30);
  CHECK(!cJSON_GetObjectItem(person, "crop"));
  CHECK(dog && number(dog, "index") == 2 && !strcmp(class_of(dog), "dog"));
  CHECK(array_is(dog, "box", 0, 0, 10, 10) && number(dog, "area") == 100);
  ct_img *im = instance_png(person);
  CHECK(im && im->width == W && im->height == H && im->channels == 4);
  int wrong = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < W; x++) {
      const uint8_t *p = im->data + (y * W + x) * 4;
      int inside = x >= 20;
      wrong += p[3] != (inside ? 255 : 0) ||
               (inside && (p[0] != pixel(x, y, 0) || p[1] != pixel(x, y, 1)));
    }
  CHECK(wrong == 0);
  img_free(im);
  cJSON_Delete(root);
  http_free(&r);

  /* crop: the person alone, at its box's size */
  CHECK(post_instances("?crop=1&class=person&foreground=false", png, png_len, &r) == 0);
  root = instances_json(&r, &list);
  CHECK(cJSON_GetArraySize(list) == 1);
  person = cJSON_GetArrayItem(list, 0);
  CHECK(person && array_is(person, "crop", 20, 0, 20, 30));
  im = person ? instance_png(person) : NULL;
  CHECK(im && im->width == 20 && im->height == H && im->channels == 4);
  wrong = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < 20; x++) {
      const uint8_t *p = im->data + (y * 20 + x) * 4;
      wrong += p[3] != 255 || p[0] != pixel(x + 20, y, 0) || p[1] != pixel(x + 20, y, 1);
    }
  CHECK(wrong == 0);
  img_free(im);
  cJSON_Delete(root);
  http_free(&r);

  /* the choice of instances reaches the detector: classes, score, count */
  CHECK(post_instances("?class=dog", png, png_len, &r) == 0);
  root = instances_json(&r, &list);
  CHECK(cJSON_GetArraySize(list) == 1 && !strcmp(class_of(cJSON_GetArrayItem(list, 0)), "dog"));
  cJSON_Delete(root);
  http_free(&r);
  CHECK(post_instances("?class=dog,person&class=dog", png, png_len, &r) == 0);
  root = instances_json(&r, &list);
  CHECK(cJSON_GetArraySize(list) == 2 && s->dopts.n_classes == 2);
  cJSON_Delete(root);
  http_free(&r);
  CHECK(post_instances("?class=", png, png_len, &r) == 0); /* a form's blank field: any */
  root = instances_json(&r, &list);
  CHECK(cJSON_GetArraySize(list) == 2 && s->dopts.n_classes == 0);
  cJSON_Delete(root);
  http_free(&r);
  CHECK(post_instances("?class=cat", png, png_len, &r) == 0);
  root = instances_json(&r, &list);
  CHECK(root && cJSON_IsArray(list) && cJSON_GetArraySize(list) == 0);
  cJSON_Delete(root);
  http_free(&r);
  CHECK(post_instances("?min_score=0.6", png, png_len, &r) == 0);
  root = instances_json(&r, &list);
  CHECK(cJSON_GetArraySize(list) == 1 && fabs(s->dopts.min_score - 0.6) < 1e-6);
  cJSON_Delete(root);
  http_free(&r);
  /* as form fields, max_instances after the file */
  const char *before[] = {"class", "person, dog", NULL}, *after[] = {"max_instances", "1", NULL};
  size_t n;
  char *body = form(before, png, png_len, after, &n);
  CHECK(post_to("/api/instances", "", "multipart/form-data; boundary=XyZ", body, n, &r) == 0);
  root = instances_json(&r, &list);
  CHECK(cJSON_GetArraySize(list) == 1 && s->dopts.max_instances == 1);
  cJSON_Delete(root);
  http_free(&r);
  free(body);
}

static void test_instances_errors(void) {
  static const char *const bad[] = {
      "?class=unicorn", "?class=person,unicorn", "?class", "?min_score=2", "?min_score=0",
      "?min_score=abc",
      "?max_instances=0", "?max_instances=3", /* over the server's 2 */
      "?max_instances=x", "?crop=maybe", "?subject=person", "?format=png", "?bg_color=fff",
      "?channels=alpha", "?size=preview", "?colour=red"};
  http_resp r;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK(post_instances(bad[i], png, png_len, &r) == 0);
    if (!is_error(&r, 400, "bad_parameter")) fprintf(stderr, "  for %s\n", bad[i]);
    CHECK(is_error(&r, 400, "bad_parameter"));
    http_free(&r);
  }
  CHECK(post_instances("?class=unicorn", png, png_len, &r) == 0 && strstr(r.body, "unicorn"));
  http_free(&r);
  CHECK(post_instances("?format=png", png, png_len, &r) == 0 &&
        strstr(r.body, "/api/remove"));
  http_free(&r);
  /* broken bodies */
  CHECK(post_instances("", png, png_len / 2, &r) == 0 && is_error(&r, 400, "damaged_image"));
  http_free(&r);
  CHECK(post_instances("", "", 0, &r) == 0 && is_error(&r, 400, "no_image"));
  http_free(&r);
  CHECK(post_instances("", "not an image", 12, &r) == 0 &&
        is_error(&r, 415, "unsupported_image"));
  http_free(&r);
  const char *broken = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\""
                       "\r\n\r\n\x89PNG";
  CHECK(post_to("/api/instances", "", "multipart/form-data; boundary=XyZ", broken,
                strlen(broken), &r) == 0);
  CHECK(r.status == 400 && strstr(r.body, "\"error\""));
  http_free(&r);
  size_t n;
  const char *fields[] = {"foreground", "false", NULL};
  char *body = form_bg(fields, png, png_len, png, png_len, NULL, &n);
  CHECK(post_to("/api/instances", "", "multipart/form-data; boundary=XyZ", body, n, &r) == 0 &&
        is_error(&r, 400, "bad_parameter") && strstr(r.body, "bg_image_file"));
  http_free(&r);
  free(body);
  /* class, min_score and the rest are /api/instances's */
  CHECK(post_raw("?class=person", "image/png", png, png_len, &r) == 0 &&
        is_error(&r, 400, "bad_parameter") && strstr(r.body, "/api/instances"));
  http_free(&r);
  CHECK(get("GET", "/api/instances", &r) == 0 && is_error(&r, 405, "method_not_allowed"));
  char v[50];
  CHECK(http_header(&r, "Allow", v, sizeof v) && !strcmp(v, "POST"));
  http_free(&r);
}

static void test_subject(stub *s) {
  http_resp r;
  /* the person alone: the mask is kept to its box */
  CHECK(post_raw("?subject=person&channels=alpha", "image/png", png, png_len, &r) == 0);
  CHECK(r.status == 200 && png_color_type(&r) == 0);
  CHECK(s->subject && !strcmp(s->subject, "person"));
  ct_img *im = decode(&r, 0);
  CHECK(im && im->width == W && im->height == H);
  int wrong = 0;
  for (int y = 0; im && y < H; y++)
    for (int x = 0; x < W; x++)
      wrong += im->data[(y * W + x) * 3] != (x >= 20 ? pixel(x, y, 0) : 0);
  CHECK(wrong == 0);
  img_free(im);
  http_free(&r);
  const char *fields[] = {"subject", "largest", NULL};
  size_t n;
  char *body = form(fields, png, png_len, NULL, &n);
  CHECK(post_form(body, n, &r) == 0 && r.status == 200);
  CHECK(s->subject && !strcmp(s->subject, "largest"));
  http_free(&r);
  free(body);
  CHECK(post_raw("", "image/png", png, png_len, &r) == 0 && r.status == 200 && !s->subject);
  http_free(&r);
  CHECK(post_raw("?subject=unicorn", "image/png", png, png_len, &r) == 0 &&
        is_error(&r, 400, "bad_parameter") && strstr(r.body, "unicorn"));
  http_free(&r);
  CHECK(post_raw("?subject=Person", "image/png", png, png_len, &r) == 0 &&
        is_error(&r, 400, "bad_parameter"));
  http_free(&r);
}

/* A second server whose engine has no detector: what needs one gets 501 no_detector. */
static void test_no_detector(const sv_engine *with) {
  sv_engine engine = *with;
  engine.detector = NULL;
  sv_config cfg;
  sv_config_init(&cfg);
  cfg.port = 0;
  cfg.quiet = 1;
  sv_server *srv;
  char err[300];
  if (sv_start(&cfg, &engine, &srv, err, sizeof err)) {
    fprintf(stderr, "cannot start the second server: %s\n", err);
    CHECK(0);
    return;
  }
  int main_port = port;
  port = sv_port(srv);
  http_resp r;
  CHECK(post_instances("", png, png_len, &r) == 0 && is_error(&r, 501, "no_detector"));
  CHECK(strstr(r.body, "detector") && strstr(r.body, "/api/instances"));
  http_free(&r);
  CHECK(post_raw("?subject=person", "image/png", png, png_len, &r) == 0 &&
        is_error(&r, 501, "no_detector"));
  http_free(&r);
  const char *fields[] = {"subject", "all", NULL};
  size_t n;
  char *body = form(NULL, png, png_len, fields, &n); /* a field after the file */
  CHECK(post_form(body, n, &r) == 0 && is_error(&r, 501, "no_detector"));
  http_free(&r);
  free(body);
  CHECK(post_raw("?subject=unicorn", "image/png", png, png_len, &r) == 0 &&
        is_error(&r, 400, "bad_parameter")); /* a bad value is still a bad value */
  http_free(&r);
  CHECK(post_raw("", "image/png", png, png_len, &r) == 0 && r.status == 200);
  http_free(&r);
  CHECK(get("GET", "/healthz", &r) == 0 && r.status == 200 && strstr(r.body, "\"detector\":null"));
  http_free(&r);
  sv_stop(srv);
  port = main_port;
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
  /* /api/instances is admitted by the same count */
  CHECK(post_instances("", png, png_len, &r) == 0 && is_error(&r, 503, "queue_full"));
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
  sv_engine engine = {stub_mask, stub_instances, &s, "stub", "stub-detector"};
  sv_config cfg;
  sv_config_init(&cfg);
  cfg.port = 0;
  cfg.jobs = 1;
  cfg.queue = 0;
  cfg.max_body = 64 * 1024;
  cfg.max_pixels = 10000;
  cfg.quiet = 1;
  cfg.max_instances = 2;
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
  test_instances(&s);
  test_instances_errors();
  test_subject(&s);
  test_no_detector(&engine);
  test_queue_full(&s);
  test_graceful_stop(&s, srv);

  free(png);
  pthread_mutex_destroy(&s.lock);
  pthread_cond_destroy(&s.cond);
  return CHECK_DONE();
}
