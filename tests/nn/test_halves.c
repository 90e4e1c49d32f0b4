/* nn_halves_to_floats (F16C where the CPU has it, the model loader's float16 widening)
 * gives what nn_half_to_float gives for every one of the 65536 halves, at any alignment and
 * length; NaNs stay NaNs. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/tensor.h"

int main(void) {
  const int n = 65536;
  uint16_t *h = malloc(sizeof *h * (n + 1));
  float *got = malloc(sizeof *got * (n + 1));
  for (int i = 0; i < n; i++) h[i + 1] = (uint16_t)i;
  int wrong = 0;
  for (int off = 0; off < 2; off++) { /* aligned and not */
    nn_halves_to_floats(h + off, got, n - off);
    for (int i = 0; i < n - off; i++) {
      float want = nn_half_to_float(h[i + off]);
      if (isnan(want) ? !isnan(got[i]) : memcmp(&want, &got[i], 4) != 0) wrong++;
    }
  }
  for (int len = 0; len < 20; len++) { /* the tails */
    memset(got, 0, sizeof *got * 20);
    nn_halves_to_floats(h + 1 + 0x3c00, got, len); /* 1.0 and up */
    for (int i = 0; i < 20; i++)
      if (got[i] != (i < len ? nn_half_to_float((uint16_t)(0x3c00 + i)) : 0.0f)) wrong++;
  }
  printf("halves widened: %d wrong\n", wrong);
  CHECK(wrong == 0);
  free(h);
  free(got);
  return CHECK_DONE();
}
