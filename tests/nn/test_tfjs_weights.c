/* tfjs_weights_decode: a manifest of float32, int32, float16-quantised and uint8/uint16
 * (min, scale) weights over one byte buffer decodes to the values they stand for, in order;
 * a short buffer, an unknown dtype or quantization, and a quantization without min/scale
 * are refused with the weight's name. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nn/tensor.h"
#include "nn/tfjs_weights.h"

static size_t put32(uint8_t *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> 8 * k);
  return 4;
}

int main(void) {
  uint8_t buf[64];
  size_t n = 0;
  float f[2] = {1.5f, -2.25f};
  uint32_t bits;
  for (int k = 0; k < 2; k++) memcpy(&bits, &f[k], 4), n += put32(buf + n, bits);
  n += put32(buf + n, (uint32_t)-7); /* int32 */
  uint16_t h = nn_float_to_half(0.375f);
  buf[n++] = (uint8_t)h, buf[n++] = (uint8_t)(h >> 8); /* float16 */
  buf[n++] = 0, buf[n++] = 4, buf[n++] = 255;           /* uint8 */
  buf[n++] = 0x10, buf[n++] = 0x00;                     /* uint16 = 16 */
  const char *json =
      "[{\"paths\":[\"a.bin\"],\"weights\":["
      "{\"name\":\"f\",\"shape\":[1,2],\"dtype\":\"float32\"},"
      "{\"name\":\"i\",\"shape\":[],\"dtype\":\"int32\"}]},"
      "{\"paths\":[\"b.bin\"],\"weights\":["
      "{\"name\":\"h\",\"shape\":[1],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"float16\"}},"
      "{\"name\":\"q\",\"shape\":[3],\"dtype\":\"float32\","
      "\"quantization\":{\"dtype\":\"uint8\",\"min\":-1,\"scale\":0.5}},"
      "{\"name\":\"qi\",\"shape\":[1],\"dtype\":\"int32\","
      "\"quantization\":{\"dtype\":\"uint16\",\"min\":-3,\"scale\":1}}]}]";
  cJSON *m = cJSON_Parse(json);
  CHECK(m != NULL);
  tfjs_weights ws;
  char err[256] = "";
  CHECK(tfjs_weights_decode(m, buf, n, &ws, err, sizeof err) == 0);
  CHECK(ws.n == 5);
  const tfjs_weight *w = tfjs_weights_find(&ws, "f");
  CHECK(w && !w->is_int && w->rank == 2 && w->dims[1] == 2 && w->count == 2);
  CHECK(w && w->f[0] == 1.5f && w->f[1] == -2.25f);
  w = tfjs_weights_find(&ws, "i");
  CHECK(w && w->is_int && w->rank == 0 && w->count == 1 && w->i[0] == -7);
  w = tfjs_weights_find(&ws, "h");
  CHECK(w && w->f[0] == 0.375f);
  w = tfjs_weights_find(&ws, "q");
  CHECK(w && w->count == 3 && w->f[0] == -1.0f && w->f[1] == 1.0f && w->f[2] == 126.5f);
  w = tfjs_weights_find(&ws, "qi");
  CHECK(w && w->is_int && w->i[0] == 13);
  CHECK(tfjs_weights_find(&ws, "nothing") == NULL);
  tfjs_weights_free(&ws);

  /* One byte short: the last weight is named. */
  CHECK(tfjs_weights_decode(m, buf, n - 1, &ws, err, sizeof err) == -1);
  CHECK(strstr(err, "weight qi") != NULL);
  cJSON_Delete(m);

  const char *bad[][2] = {
      {"[{\"weights\":[{\"name\":\"s\",\"shape\":[1],\"dtype\":\"string\"}]}]", "dtype string"},
      {"[{\"weights\":[{\"name\":\"s\",\"shape\":[1],\"dtype\":\"float32\","
       "\"quantization\":{\"dtype\":\"int4\"}}]}]", "quantization int4"},
      {"[{\"weights\":[{\"name\":\"s\",\"shape\":[1],\"dtype\":\"float32\","
       "\"quantization\":{\"dtype\":\"uint8\"}}]}]", "min and scale"},
      {"[{\"weights\":[{\"name\":\"s\",\"shape\":[-1],\"dtype\":\"float32\"}]}]", "bad shape"},
      {"{}", "not a list"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    cJSON *b = cJSON_Parse(bad[k][0]);
    CHECK(b != NULL);
    CHECK(tfjs_weights_decode(b, buf, n, &ws, err, sizeof err) == -1);
    CHECK(strstr(err, bad[k][1]) != NULL);
    cJSON_Delete(b);
  }
  return CHECK_DONE();
}
