/* Shards: which part of the job list this run takes. */
#include "batch/shard.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHARDS 1000000

uint64_t bt_path_hash(const char *rel) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

int bt_shard_of(const char *rel, int count) {
  return count <= 1 ? 0 : (int)(bt_path_hash(rel) % (uint64_t)count);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* A whole decimal number in [lo, hi]; 0, or -1 when s is not one. */
static int number(const char *s, long lo, long hi, long *v) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  long x = strtol(s, &end, 10);
  if (errno || *end || end == s || x < lo || x > hi) return -1;
  *v = x;
  return 0;
}

int bt_shard_parse(const char *s, bt_shard *out, char *err, size_t errlen) {
  const char *slash = s ? strchr(s, '/') : NULL;
  char k[32];
  long kv, nv;
  if (!slash || (size_t)(slash - s) >= sizeof k)
    return fail(err, errlen, "--shard is K/N with 1 <= K <= N (as 2/4), not '%s'", s ? s : "");
  memcpy(k, s, (size_t)(slash - s));
  k[slash - s] = 0;
  if (number(k, 1, MAX_SHARDS, &kv) || number(slash + 1, 1, MAX_SHARDS, &nv) || kv > nv)
    return fail(err, errlen, "--shard is K/N with 1 <= K <= N (as 2/4), not '%s'", s);
  out->index = (int)kv - 1;
  out->count = (int)nv;
  snprintf(out->source, sizeof out->source, "--shard %ld/%ld", kv, nv);
  return 0;
}

/* N from --shards or the named variable; -1 with the reason when neither gives one. */
static int count_from(int shards, const char *var, const char *for_what, long *n, char *err,
                      size_t errlen) {
  if (shards > 0) {
    *n = shards;
    return 0;
  }
  const char *v = getenv(var);
  if (!v) return fail(err, errlen, "%s is set but the number of shards is not: give --shards N "
                      "or set %s", for_what, var);
  if (number(v, 1, MAX_SHARDS, n))
    return fail(err, errlen, "%s is a number of shards from 1 to %d, not '%s'", var,
                MAX_SHARDS, v);
  return 0;
}

static int slurm(int shards, bt_shard *out, char *err, size_t errlen) {
  const char *id_s = getenv("SLURM_ARRAY_TASK_ID");
  long id, min = 0, step = 1, max, n;
  if (number(id_s, 0, 1L << 30, &id))
    return fail(err, errlen, "SLURM_ARRAY_TASK_ID is a task number, not '%s'", id_s);
  const char *v = getenv("SLURM_ARRAY_TASK_MIN");
  if (v && number(v, 0, 1L << 30, &min))
    return fail(err, errlen, "SLURM_ARRAY_TASK_MIN is a task number, not '%s'", v);
  v = getenv("SLURM_ARRAY_TASK_STEP");
  if (v && number(v, 1, 1L << 30, &step))
    return fail(err, errlen, "SLURM_ARRAY_TASK_STEP is a positive number, not '%s'", v);
  if (count_from(shards, "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_ID", &n, err, errlen))
    return -1;
  if (id < min || (id - min) % step || (id - min) / step >= n)
    return fail(err, errlen, "SLURM_ARRAY_TASK_ID=%ld is not one of %ld tasks numbered from "
                "%ld by %ld: use --shard K/N", id, n, min, step);
  v = getenv("SLURM_ARRAY_TASK_MAX");
  if (shards <= 0 && v && !number(v, 0, 1L << 30, &max) && min + (n - 1) * step != max)
    return fail(err, errlen, "the Slurm array's task numbers (%ld to %ld, %ld tasks) are not "
                "evenly spaced: use --shard K/N", min, max, n);
  out->index = (int)((id - min) / step);
  out->count = (int)n;
  snprintf(out->source, sizeof out->source, "SLURM_ARRAY_TASK_ID=%ld", id);
  return 0;
}

int bt_shard_resolve(const bt_shard *given, int shards, bt_shard *out, char *err,
                     size_t errlen) {
  if (given) {
    *out = *given;
    if (shards > 0 && shards != given->count)
      return fail(err, errlen, "--shards %d disagrees with %s", shards, given->source);
    return 0;
  }
  const char *k8s = getenv("JOB_COMPLETION_INDEX");
  if (k8s) {
    long i, n;
    if (number(k8s, 0, MAX_SHARDS - 1, &i))
      return fail(err, errlen, "JOB_COMPLETION_INDEX is a shard number from 0, not '%s'", k8s);
    if (count_from(shards, "CUTOUT_SHARDS", "JOB_COMPLETION_INDEX", &n, err, errlen)) return -1;
    if (i >= n)
      return fail(err, errlen, "JOB_COMPLETION_INDEX=%ld is not below the %ld shards", i, n);
    out->index = (int)i;
    out->count = (int)n;
    snprintf(out->source, sizeof out->source, "JOB_COMPLETION_INDEX=%ld", i);
    return 0;
  }
  if (getenv("SLURM_ARRAY_TASK_ID")) return slurm(shards, out, err, errlen);
  if (shards > 1)
    return fail(err, errlen, "--shards %d needs this run's shard: --shard K/N, or "
                "JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID in the environment", shards);
  out->index = 0;
  out->count = 1;
  snprintf(out->source, sizeof out->source, "no shards");
  return 0;
}
