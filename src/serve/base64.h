/* Base64 (RFC 4648, with padding) for the PNGs inside the JSON answers. */
#ifndef CUTOUT_SERVE_BASE64_H
#define CUTOUT_SERVE_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* The encoded length of n bytes (no terminator), or 0 when it would overflow. */
size_t sv_base64_len(size_t n);
/* Writes sv_base64_len(n) characters of in's encoding to out (no terminator). */
void sv_base64_encode(const uint8_t *in, size_t n, char *out);

#endif
