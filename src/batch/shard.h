/* Shards: N machines share one job list with no coordinator. Every input goes to the shard
 * given by a hash of its relative path modulo N, so each machine computes the same split
 * from the same list, and adding files never moves the others between shards.
 *
 * Where the shard comes from, first match wins:
 *   --shard K/N                       K counts from 1 (1/4 .. 4/4), as in `split -n l/K/N`;
 *   JOB_COMPLETION_INDEX=i            Kubernetes Indexed Jobs (i from 0), with N from
 *                                     --shards N or CUTOUT_SHARDS=N;
 *   SLURM_ARRAY_TASK_ID=id            Slurm job arrays: shard (id - SLURM_ARRAY_TASK_MIN) /
 *                                     SLURM_ARRAY_TASK_STEP of SLURM_ARRAY_TASK_COUNT
 *                                     (--shards N overrides the count);
 *   otherwise one shard (all jobs). */
#ifndef CUTOUT_BATCH_SHARD_H
#define CUTOUT_BATCH_SHARD_H
#include <stddef.h>
#include <stdint.h>

typedef struct bt_shard {
  int index;          /* 0-based */
  int count;          /* 1: no sharding */
  char source[96];    /* where it came from, for messages ("--shard 2/4", ...) */
} bt_shard;

/* FNV-1a over the bytes of rel, then a 64-bit mixer (splitmix64's finaliser). Fixed forever:
 * changing it would move files between shards of runs in progress. */
uint64_t bt_path_hash(const char *rel);
/* The shard (0-based) of rel among count. */
int bt_shard_of(const char *rel, int count);

/* Parses "K/N" (1 <= K <= N <= 1000000). 0, or -1 with the reason in err. */
int bt_shard_parse(const char *s, bt_shard *out, char *err, size_t errlen);

/* Resolves the shard: given (from --shard) when not NULL, else the environment as above;
 * shards is --shards N (0 when absent). 0, or -1 with the reason in err. */
int bt_shard_resolve(const bt_shard *given, int shards, bt_shard *out, char *err,
                     size_t errlen);

#endif
