/* A minimal HTTP/1.1 client for the service tests: raw bytes out, the whole answer back
 * (requests say "Connection: close", so the answer ends when the server closes). */
#ifndef CUTOUT_TESTS_HTTP_CLIENT_H
#define CUTOUT_TESTS_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct http_resp {
  int status;
  char *raw;        /* the whole answer, NUL-terminated */
  size_t raw_len;
  const char *body; /* inside raw */
  size_t body_len;
} http_resp;

/* Connects to 127.0.0.1:port and sends n bytes; the socket, or -1. */
static int http_open(int port, const void *req, size_t n) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval tv = {30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  const char *p = req;
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) break; /* the server may answer and close before reading everything */
    p += w;
    n -= (size_t)w;
  }
  return fd;
}

/* Reads the answer until the server closes, then closes fd. 0, or -1. */
static int http_read(int fd, http_resp *r) {
  memset(r, 0, sizeof *r);
  size_t cap = 1 << 16;
  r->raw = malloc(cap + 1);
  if (!r->raw) {
    close(fd);
    return -1;
  }
  for (;;) {
    if (r->raw_len == cap) {
      char *p = realloc(r->raw, cap * 2 + 1);
      if (!p) break;
      r->raw = p;
      cap *= 2;
    }
    ssize_t n = recv(fd, r->raw + r->raw_len, cap - r->raw_len, 0);
    if (n <= 0) break;
    r->raw_len += (size_t)n;
  }
  close(fd);
  r->raw[r->raw_len] = '\0';
  char *end = strstr(r->raw, "\r\n\r\n");
  if (!end || sscanf(r->raw, "HTTP/1.%*d %d", &r->status) != 1) return -1;
  r->body = end + 4;
  r->body_len = r->raw_len - (size_t)(r->body - r->raw);
  return 0;
}

static int http_send(int port, const void *req, size_t n, http_resp *r) {
  int fd = http_open(port, req, n);
  if (fd < 0) {
    memset(r, 0, sizeof *r);
    return -1;
  }
  return http_read(fd, r);
}

/* The value of a header (case-insensitive name) copied into buf, or NULL. */
static const char *http_header(const http_resp *r, const char *name, char *buf, size_t n) {
  size_t len = strlen(name);
  for (const char *line = strstr(r->raw, "\r\n"); line && line < r->body - 2;
       line = strstr(line + 2, "\r\n")) {
    const char *h = line + 2;
    if (!strncasecmp(h, name, len) && h[len] == ':') {
      h += len + 1;
      while (*h == ' ') h++;
      const char *e = strstr(h, "\r\n");
      snprintf(buf, n, "%.*s", (int)(e - h), h);
      return buf;
    }
  }
  return NULL;
}

static void http_free(http_resp *r) {
  free(r->raw);
  memset(r, 0, sizeof *r);
}

/* A request: head lines (without the blank line) then body. malloc'd; *n its size. */
static char *http_build(const char *head, const void *body, size_t body_len, size_t *n) {
  size_t hl = strlen(head);
  char *req = malloc(hl + 4 + body_len + 1);
  if (!req) return NULL;
  memcpy(req, head, hl);
  memcpy(req + hl, "\r\n\r\n", 4);
  if (body_len) memcpy(req + hl + 4, body, body_len);
  *n = hl + 4 + body_len;
  return req;
}

#endif
