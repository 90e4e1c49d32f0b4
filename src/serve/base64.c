/* Base64 encoding, three bytes to four characters. */
#include "serve/base64.h"

static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t sv_base64_len(size_t n) {
  size_t groups = n / 3 + (n % 3 != 0);
  return groups > (size_t)-1 / 4 ? 0 : groups * 4;
}

void sv_base64_encode(const uint8_t *in, size_t n, char *out) {
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    *out++ = digits[v >> 18];
    *out++ = digits[(v >> 12) & 63];
    *out++ = digits[(v >> 6) & 63];
    *out++ = digits[v & 63];
  }
  if (i < n) { /* one or two bytes left: padded */
    uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
    *out++ = digits[v >> 18];
    *out++ = digits[(v >> 12) & 63];
    *out++ = i + 1 < n ? digits[(v >> 6) & 63] : '=';
    *out++ = '=';
  }
}
