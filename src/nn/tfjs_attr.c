#include "nn/tfjs_attr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const cJSON *tfjs_attr(const cJSON *node, const char *name) {
  return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, "attr"), name);
}

int tfjs_json_int(const cJSON *j, int64_t *v) {
  if (cJSON_IsNumber(j)) {
    *v = (int64_t)j->valuedouble;
    return (double)*v == j->valuedouble ? 0 : -1;
  }
  const char *s = cJSON_GetStringValue(j);
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  long long x = strtoll(s, &end, 10);
  if (*end || errno) return -1;
  *v = x;
  return 0;
}

int64_t tfjs_attr_int(const cJSON *node, const char *name, int64_t def) {
  int64_t v;
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(tfjs_attr(node, name), "i");
  return a && tfjs_json_int(a, &v) == 0 ? v : def;
}

int tfjs_attr_bool(const cJSON *node, const char *name, int def) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(tfjs_attr(node, name), "b");
  return cJSON_IsBool(a) ? cJSON_IsTrue(a) : def;
}

float tfjs_attr_float(const cJSON *node, const char *name, float def) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(tfjs_attr(node, name), "f");
  if (cJSON_IsNumber(a)) return (float)a->valuedouble;
  const char *s = cJSON_GetStringValue(a);
  return s ? strtof(s, NULL) : def;
}

static int b64_value(int ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '+' || ch == '-') return 62;
  if (ch == '/' || ch == '_') return 63;
  return -1;
}

/* base64 (standard or URL alphabet, padding optional) into buf; NULL when malformed or too
 * long for it. */
static const char *b64_decode(const char *s, char *buf, size_t len) {
  size_t n = 0;
  unsigned acc = 0;
  int bits = 0;
  for (; *s && *s != '='; s++) {
    int v = b64_value((unsigned char)*s);
    if (v < 0) return NULL;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n + 1 >= len) return NULL;
      buf[n++] = (char)((acc >> bits) & 0xff);
    }
  }
  buf[n] = 0;
  return strlen(buf) == n ? buf : NULL; /* no NUL inside */
}

const char *tfjs_attr_str(const cJSON *node, const char *name, const char *def, char *buf,
                          size_t len) {
  const cJSON *a = tfjs_attr(node, name);
  if (!a) return def;
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "s"));
  return s ? b64_decode(s, buf, len) : NULL;
}

int tfjs_attr_ints(const cJSON *node, const char *name, int64_t *v, int max) {
  const cJSON *a = tfjs_attr(node, name);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(a, "list");
  if (!list) return -1;
  const cJSON *is = cJSON_GetObjectItemCaseSensitive(list, "i"), *e;
  if (!is) return 0; /* an empty list: {"list": {}} */
  if (!cJSON_IsArray(is) || cJSON_GetArraySize(is) > max) return -1;
  int n = 0;
  cJSON_ArrayForEach(e, is) if (tfjs_json_int(e, &v[n++])) return -1;
  return n;
}

const char *tfjs_attr_strs(const cJSON *node, const char *name, int i, int *count, char *buf,
                           size_t len) {
  const cJSON *ss = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(tfjs_attr(node, name), "list"), "s");
  *count = cJSON_IsArray(ss) ? cJSON_GetArraySize(ss) : 0;
  const char *s = i < *count ? cJSON_GetStringValue(cJSON_GetArrayItem(ss, i)) : NULL;
  return s ? b64_decode(s, buf, len) : NULL;
}

int tfjs_n_inputs(const cJSON *node) {
  const cJSON *e;
  int n = 0;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "input")) {
    const char *s = cJSON_GetStringValue(e);
    if (s && s[0] != '^') n++;
  }
  return n;
}

const char *tfjs_input(const cJSON *node, int i) {
  const cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "input")) {
    const char *s = cJSON_GetStringValue(e);
    if (s && s[0] != '^' && i-- == 0) return s;
  }
  return NULL;
}
