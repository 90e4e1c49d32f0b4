/* Tiny assertion helpers shared by the test programs. */
#ifndef CUTOUT_TESTS_CHECK_H
#define CUTOUT_TESTS_CHECK_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
      check_failures++;                                                          \
    }                                                                            \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                    \
  do {                                                                           \
    double check_a_ = (a), check_b_ = (b);                                       \
    if (!(fabs(check_a_ - check_b_) <= (tol))) {                                 \
      fprintf(stderr, "%s:%d: %s = %g, expected %g (tol %g)\n", __FILE__,        \
              __LINE__, #a, check_a_, check_b_, (double)(tol));                  \
      check_failures++;                                                          \
    }                                                                            \
  } while (0)

/* Exit code for main(): 0 when every check held. */
#define CHECK_DONE()                                                             \
  (check_failures ? (fprintf(stderr, "%d check(s) failed\n", check_failures), 1) \
                  : 0)

/* Exit code 77 tells ctest the test was skipped. */
#define SKIP(...)                                                                \
  do {                                                                           \
    printf("SKIP: ");                                                            \
    printf(__VA_ARGS__);                                                         \
    printf("\n");                                                                \
    exit(77);                                                                    \
  } while (0)

#endif
