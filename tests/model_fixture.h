/* The real model, for the tests that run the network: the test is skipped (exit 77) when the
 * model is absent and fails when it does not load. Two threads, as ctest runs them. */
#ifndef CUTOUT_TESTS_MODEL_FIXTURE_H
#define CUTOUT_TESTS_MODEL_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "cutout.h"

static ct_model *fixture_model(void) {
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/models/isnet-fp16.onnx", src ? src : ".");
  struct stat st;
  if (stat(path, &st) != 0) SKIP("model absent: run scripts/fetch-models.sh");
  ct_set_threads(2);
  ct_model *model;
  ct_error err;
  if (ct_model_load(path, &model, &err) != CT_OK) {
    fprintf(stderr, "%s: %s\n", path, err.message);
    exit(1);
  }
  return model;
}

#endif
