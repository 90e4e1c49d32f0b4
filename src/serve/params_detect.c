/* The parameters that choose instances: subject for /api/remove; class, min_score,
 * max_instances and crop for /api/instances. */
#include "serve/params_detect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sv_set_subject(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  int cls = v ? ct_class_id(v) : -1;
  if (v && !strcmp(v, "all")) p->opts.subject = "all";
  else if (v && !strcmp(v, "largest")) p->opts.subject = "largest";
  else if (cls >= 0) p->opts.subject = ct_class_name(cls); /* static */
  else if (v && !*v) p->opts.subject = NULL; /* a form left blank: the whole cutout */
  else
    return sv_param_fail(err, errlen,
                         "%s is all, largest or a class of the detector (COCO's: person, car, "
                         "chair, dog, ...), not '%.64s'",
                         name, v ? v : "");
  return 0;
}

/* One class's name, n bytes of s (spaces around it dropped). */
static int add_class(sv_params *p, const char *name, const char *s, size_t n, char *err,
                     size_t errlen) {
  while (n && *s == ' ') s++, n--;
  while (n && s[n - 1] == ' ') n--;
  char buf[64];
  if (n == 0) return 0; /* "person,,dog" or an empty field: nothing */
  if (n >= sizeof buf)
    return sv_param_fail(err, errlen, "%s: '%.32s...' is no class of the detector", name, s);
  memcpy(buf, s, n);
  buf[n] = '\0';
  int cls = ct_class_id(buf);
  if (cls < 0)
    return sv_param_fail(err, errlen,
                         "%s: '%s' is not one of the detector's classes (COCO's: person, car, "
                         "chair, dog, ...)",
                         name, buf);
  for (int i = 0; i < p->n_classes; i++)
    if (p->classes[i] == cls) return 0;
  if (p->n_classes < SV_MAX_CLASSES) p->classes[p->n_classes++] = cls;
  return 0;
}

int sv_set_class(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  if (!v) return sv_param_fail(err, errlen, "%s needs a class's name (person, dog, ...)", name);
  for (const char *s = v;;) {
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    if (add_class(p, name, s, n, err, errlen)) return -1;
    if (!comma) return 0;
    s = comma + 1;
  }
}

int sv_set_min_score(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  char *end = NULL;
  errno = 0;
  double s = v ? strtod(v, &end) : 0;
  if (!v || end == v || *end || errno || !(s > 0 && s <= 1))
    return sv_param_fail(err, errlen, "%s is a number above 0, at most 1, not '%.64s'", name,
                         v ? v : "");
  p->min_score = (float)s;
  return 0;
}

int sv_set_max_instances(sv_params *p, const char *name, const char *v, char *err,
                         size_t errlen) {
  char *end = NULL;
  errno = 0;
  long n = v && *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : 0;
  if (!end || end == v || *end || errno || n < 1 || n > CT_DETECT_MAX)
    return sv_param_fail(err, errlen, "%s is a number from 1 to %d, not '%.64s'", name,
                         CT_DETECT_MAX, v ? v : "");
  p->max_instances = (int)n;
  return 0;
}

int sv_set_crop(sv_params *p, const char *name, const char *v, char *err, size_t errlen) {
  if (sv_parse_bool(v, &p->crop))
    return sv_param_fail(err, errlen, "%s is true or false, not '%.64s'", name, v);
  return 0;
}
