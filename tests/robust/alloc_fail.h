/* Allocation failures injected by test programs: every malloc, calloc, realloc,
 * aligned_alloc and strdup of the program's own (statically linked) code goes through these
 * wrappers (link options -Wl,--wrap=malloc ... : tests/robust/tests.cmake), and
 * every_failure makes each of them fail in turn, the 1st, then the 2nd, and so on, until a
 * job completes without reaching the failing one. Include once per test program. */
#ifndef CUTOUT_TESTS_ALLOC_FAIL_H
#define CUTOUT_TESTS_ALLOC_FAIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
char *__real_strdup(const char *s);

static long fail_at, count; /* fail_at 0: never */
static int injected;

static int should_fail(void) {
  if (!fail_at || ++count != fail_at) return 0;
  injected = 1;
  return 1;
}
void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) {
  return should_fail() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t align, size_t n) {
  return should_fail() ? NULL : __real_aligned_alloc(align, n);
}
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

typedef int (*job)(void *ctx); /* 0 ok, 1 out of memory, -1 another failure */

/* Fails each allocation of fn in turn; returns how many were tried. */
static long every_failure(const char *name, job fn, void *ctx) {
  long n;
  for (n = 1;; n++) {
    fail_at = n, count = 0, injected = 0;
    int rc = fn(ctx);
    fail_at = 0;
    if (rc < 0) {
      fprintf(stderr, "%s: allocation %ld failing gave another error\n", name, n);
      check_failures++;
    }
    if (!injected) {
      if (rc != 0) {
        fprintf(stderr, "%s: failed with no allocation failing\n", name);
        check_failures++;
      }
      break;
    }
  }
  printf("%s: %ld allocations failed in turn, each handled\n", name, n - 1);
  return n - 1;
}

#endif
