/* Shards: every path in exactly one shard, shards of even size, a path's shard unmoved when
 * others are added, K/N parsing, and the Kubernetes and Slurm variables. */
#include <stdlib.h>
#include <string.h>

#include "batch/joblist.h"
#include "batch/shard.h"
#include "check.h"

#define FILES 3000

static void name(int i, char *buf, size_t len) {
  snprintf(buf, len, "cat%02d/item-%05d.jpg", i % 37, i * 7919 % 100003);
}

static char names[FILES][64];
static const char *sorted[FILES];

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The index of rel among the names, or -1. */
static int id_of(const char *rel) {
  const char **hit = bsearch(&rel, sorted, FILES, sizeof *sorted, cmp_name);
  return hit ? (int)((const char(*)[64])*hit - names) : -1;
}

static void test_partition(void) {
  static int owner[FILES];
  for (int i = 0; i < FILES; i++) {
    name(i, names[i], sizeof names[i]);
    sorted[i] = names[i];
  }
  qsort(sorted, FILES, sizeof *sorted, cmp_name);
  for (int n = 1; n <= 7; n++) {
    int counts[7] = {0};
    for (int i = 0; i < FILES; i++) owner[i] = -1;
    /* Each shard's list made as a run would make it: the whole list, then its share. */
    for (int k = 0; k < n; k++) {
      bt_joblist l = {0};
      for (int i = 0; i < FILES; i++) CHECK(bt_joblist_add(&l, names[i], names[i]) != NULL);
      CHECK(bt_joblist_sort(&l) == 0);
      bt_joblist_shard(&l, k, n);
      for (size_t j = 0; j < l.n; j++) {
        int id = id_of(l.jobs[j].rel);
        CHECK(id >= 0);
        if (id < 0) continue;
        CHECK(owner[id] == -1); /* pairwise disjoint */
        owner[id] = k;
        counts[k]++;
        if (j > 0) CHECK(strcmp(l.jobs[j - 1].rel, l.jobs[j].rel) < 0); /* still sorted */
      }
      bt_joblist_free(&l);
    }
    for (int i = 0; i < FILES; i++) CHECK(owner[i] >= 0); /* union = all */
    for (int k = 0; k < n; k++) {
      /* a fair hash: within 5 standard deviations of FILES / n */
      double mean = (double)FILES / n, sd = sqrt(FILES * (1.0 / n) * (1 - 1.0 / n));
      if (fabs(counts[k] - mean) > 5 * sd + 1)
        fprintf(stderr, "shard %d/%d holds %d of %d\n", k, n, counts[k], FILES);
      CHECK(fabs(counts[k] - mean) <= 5 * sd + 1);
    }
  }
}

static void test_stable(void) {
  /* Adding files moves no existing one: a path's shard depends on the path alone. */
  char buf[64];
  int before[FILES];
  for (int i = 0; i < FILES; i++) {
    name(i, buf, sizeof buf);
    before[i] = bt_shard_of(buf, 5);
  }
  bt_joblist l = {0};
  for (int i = FILES - 1; i >= 0; i--) {
    name(i, buf, sizeof buf);
    bt_joblist_add(&l, buf, buf);
    snprintf(buf, sizeof buf, "new/%d.png", i); /* the added files, interleaved */
    bt_joblist_add(&l, buf, buf);
  }
  bt_joblist_sort(&l);
  bt_joblist_shard(&l, 2, 5);
  size_t kept_old = 0;
  for (size_t j = 0; j < l.n; j++)
    if (strncmp(l.jobs[j].rel, "new/", 4)) kept_old++;
  size_t want = 0;
  for (int i = 0; i < FILES; i++) want += before[i] == 2;
  CHECK(kept_old == want);
  for (size_t j = 0; j < l.n; j++) CHECK(bt_shard_of(l.jobs[j].rel, 5) == 2);
  bt_joblist_free(&l);
  /* The hash is part of the format: fixed values. */
  CHECK(bt_path_hash("") != bt_path_hash("a"));
  CHECK(bt_path_hash("a/b.jpg") == bt_path_hash("a/b.jpg"));
  CHECK(bt_shard_of("anything", 1) == 0);
}

static int parses(const char *s, int index, int count) {
  bt_shard sh;
  char err[200];
  return bt_shard_parse(s, &sh, err, sizeof err) == 0 && sh.index == index && sh.count == count;
}

static int refused(const char *s) {
  bt_shard sh;
  char err[200] = "";
  int rc = bt_shard_parse(s, &sh, err, sizeof err);
  return rc != 0 && strstr(err, "K/N") != NULL;
}

static void test_parse(void) {
  CHECK(parses("1/1", 0, 1));
  CHECK(parses("1/4", 0, 4));
  CHECK(parses("4/4", 3, 4));
  CHECK(parses("17/1000", 16, 1000));
  CHECK(refused("0/4"));   /* K counts from 1 */
  CHECK(refused("5/4"));
  CHECK(refused("1/0"));
  CHECK(refused("4"));
  CHECK(refused("a/b"));
  CHECK(refused("1/4x"));
  CHECK(refused("-1/4"));
  CHECK(refused("/4"));
  CHECK(refused(""));
}

static void clear_env(void) {
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("CUTOUT_SHARDS");
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("SLURM_ARRAY_TASK_MAX");
  unsetenv("SLURM_ARRAY_TASK_STEP");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
}

static int resolves(const bt_shard *given, int shards, int index, int count) {
  bt_shard sh;
  char err[300] = "";
  int rc = bt_shard_resolve(given, shards, &sh, err, sizeof err);
  if (rc) fprintf(stderr, "resolve: %s\n", err);
  return rc == 0 && sh.index == index && sh.count == count;
}

static int resolve_fails(int shards) {
  bt_shard sh;
  char err[300] = "";
  int rc = bt_shard_resolve(NULL, shards, &sh, err, sizeof err);
  return rc != 0 && err[0];
}

static void test_environment(void) {
  clear_env();
  CHECK(resolves(NULL, 0, 0, 1)); /* nothing: one shard */
  CHECK(resolve_fails(3));        /* --shards without an index */

  setenv("JOB_COMPLETION_INDEX", "2", 1);
  CHECK(resolve_fails(0)); /* the count is needed */
  CHECK(resolves(NULL, 4, 2, 4));
  setenv("CUTOUT_SHARDS", "5", 1);
  CHECK(resolves(NULL, 0, 2, 5));
  setenv("JOB_COMPLETION_INDEX", "5", 1);
  CHECK(resolve_fails(0)); /* index beyond the count */
  setenv("JOB_COMPLETION_INDEX", "x", 1);
  CHECK(resolve_fails(0));
  bt_shard given;
  char err[200];
  CHECK(bt_shard_parse("3/3", &given, err, sizeof err) == 0);
  CHECK(resolves(&given, 0, 2, 3)); /* --shard wins over the environment */
  {
    bt_shard sh;
    CHECK(bt_shard_resolve(&given, 4, &sh, err, sizeof err) != 0); /* --shards disagrees */
  }
  clear_env();

  setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "8", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  CHECK(resolves(NULL, 0, 2, 4)); /* --array=5-8: task 7 is the third */
  setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  CHECK(resolves(NULL, 0, 0, 4));
  setenv("SLURM_ARRAY_TASK_ID", "9", 1);
  CHECK(resolve_fails(0));
  setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  CHECK(resolve_fails(0));
  /* --array=1-7:2 : tasks 1 3 5 7 */
  setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "7", 1);
  setenv("SLURM_ARRAY_TASK_STEP", "2", 1);
  setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  CHECK(resolves(NULL, 0, 2, 4));
  setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  CHECK(resolve_fails(0)); /* not on the step */
  /* --array=1,2,9: not evenly spaced */
  unsetenv("SLURM_ARRAY_TASK_STEP");
  setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "9", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  setenv("SLURM_ARRAY_TASK_ID", "2", 1);
  CHECK(resolve_fails(0));
  CHECK(resolves(NULL, 3, 1, 3)); /* unless the count is given */
  clear_env();
  setenv("SLURM_ARRAY_TASK_ID", "0", 1); /* no count anywhere */
  CHECK(resolve_fails(0));
  CHECK(resolves(NULL, 2, 0, 2));
  clear_env();
}

int main(void) {
  test_partition();
  test_stable();
  test_parse();
  test_environment();
  return CHECK_DONE();
}
