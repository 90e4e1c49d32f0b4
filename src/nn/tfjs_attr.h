/* Reading a TensorFlow NodeDef's JSON as tfjs's model.json holds it: inputs, and attributes
 * as AttrValue JSON ({"i": "3"}, {"s": "<base64>"}, {"list": {"i": [...]}}, {"f": 0.5},
 * {"b": true}, {"type": "DT_FLOAT"}, {"shape": ...}). */
#ifndef CUTOUT_NN_TFJS_ATTR_H
#define CUTOUT_NN_TFJS_ATTR_H
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* The node's attribute NAME's value object; NULL when absent. */
const cJSON *tfjs_attr(const cJSON *node, const char *name);
/* An integer written as a JSON number or a decimal string into *v; 0 on success. */
int tfjs_json_int(const cJSON *j, int64_t *v);
int64_t tfjs_attr_int(const cJSON *node, const char *name, int64_t def);
int tfjs_attr_bool(const cJSON *node, const char *name, int def);
float tfjs_attr_float(const cJSON *node, const char *name, float def);
/* The attribute's string (base64 in the JSON), decoded into buf (NUL-terminated); def when
 * absent; NULL when it is not a string or does not fit. */
const char *tfjs_attr_str(const cJSON *node, const char *name, const char *def, char *buf,
                          size_t len);
/* The attribute's list of integers into v (at most max): their count, -1 when absent or
 * not such a list, or longer than max. */
int tfjs_attr_ints(const cJSON *node, const char *name, int64_t *v, int max);
/* The string at position i of the attribute's list of strings, decoded into buf; NULL when
 * there is none. *count receives the list's length (0 when absent). */
const char *tfjs_attr_strs(const cJSON *node, const char *name, int i, int *count, char *buf,
                           size_t len);
/* The node's data inputs (control inputs, "^name", are left out): their count, and the
 * i-th one. */
int tfjs_n_inputs(const cJSON *node);
const char *tfjs_input(const cJSON *node, int i);

#endif
