/* The per-channel fusion without the network (pipeline/channels.h), on a 256x256 disc:
 *   - the local confidence is |2v - 1| averaged over the window;
 *   - a channel with a sharp edge where the RGB mask has a soft one sharpens the result there;
 *   - a channel that sees an object far from the RGB mask's edges adds nothing;
 *   - channels that call the whole subject background cannot erase it (its sure part stays;
 *     only the soft rim may fade);
 *   - identical channels give back the RGB mask. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/channels.h"

#define W 256
#define H 256
#define N ((size_t)W * H)

/* A disc of radius 60 centred at (128, 128) whose edge ramps over `soft` pixels. */
static void disc(double soft, uint8_t *m) {
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double d = sqrt((x - 128.0) * (x - 128.0) + (y - 128.0) * (y - 128.0)) - 60.0;
      double a = soft > 0 ? 0.5 - d / soft : (d < 0 ? 1 : 0);
      m[(size_t)y * W + x] = (uint8_t)(255.0 * (a < 0 ? 0 : a > 1 ? 1 : a) + 0.5);
    }
}

static double sad(const uint8_t *a, const uint8_t *b) {
  double s = 0;
  for (size_t i = 0; i < N; i++) s += fabs((double)a[i] - b[i]);
  return s;
}

int main(void) {
  uint8_t *rgb = malloc(N), *sharp = malloc(N), *out = malloc(N), *other = malloc(N),
          *conf = malloc(N);

  /* confidence: 255 on a sure mask, 0 on a grey one, the window mean in between */
  memset(other, 0, N);
  channel_confidence(other, W, H, 3, conf);
  CHECK(conf[0] == 255 && conf[N / 2] == 255);
  memset(other, 128, N);
  channel_confidence(other, W, H, 3, conf);
  CHECK(conf[N / 2] <= 1);
  memset(other, 0, N);
  for (int y = 0; y < H; y++) other[(size_t)y * W + 100] = 128; /* one grey column */
  channel_confidence(other, W, H, 3, conf);
  CHECK_NEAR(conf[(size_t)50 * W + 100], 255.0 * 6 / 7, 1.0); /* 1 of 7 columns grey */
  CHECK(conf[(size_t)50 * W + 104] == 255);                   /* out of the window */

  disc(24.0, rgb);
  disc(0.0, sharp);

  /* a sharp channel sharpens the soft edge */
  const uint8_t *ch[3] = {sharp, rgb, rgb};
  CHECK(channel_fuse(rgb, ch, W, H, out) == 0);
  double before = sad(rgb, sharp), after = sad(out, sharp);
  printf("SAD to the sharp disc: RGB %.0f, fused %.0f\n", before, after);
  CHECK(after < 0.5 * before);

  /* identical channels: the RGB mask back */
  const uint8_t *same[3] = {rgb, rgb, rgb};
  CHECK(channel_fuse(rgb, same, W, H, out) == 0);
  CHECK(memcmp(out, rgb, N) == 0);

  /* an object far from the edges, seen by one channel only: ignored */
  memcpy(other, rgb, N);
  for (int y = 10; y < 40; y++)
    for (int x = 10; x < 40; x++) other[(size_t)y * W + x] = 255;
  const uint8_t *extra[3] = {rgb, other, rgb};
  CHECK(channel_fuse(rgb, extra, W, H, out) == 0);
  int invented = 0;
  for (int y = 10; y < 40; y++)
    for (int x = 10; x < 40; x++) invented |= out[(size_t)y * W + x] != rgb[(size_t)y * W + x];
  CHECK(!invented);

  /* channels that call everything background: the subject stays */
  memset(other, 0, N);
  const uint8_t *none[3] = {other, other, other};
  CHECK(channel_fuse(rgb, none, W, H, out) == 0);
  double kept = 0, had = 0;
  int sure_lost = 0;
  for (size_t i = 0; i < N; i++) {
    kept += out[i], had += rgb[i];
    sure_lost += rgb[i] >= 242 && out[i] < 230;
  }
  printf("channels that see nothing keep %.3f of the subject; sure pixels lost: %d\n",
         kept / had, sure_lost);
  CHECK(kept >= 0.95 * had); /* at most the soft rim fades */
  CHECK(sure_lost == 0);

  /* out may be the RGB mask itself */
  memcpy(other, rgb, N);
  CHECK(channel_fuse(other, ch, W, H, other) == 0);
  CHECK(channel_fuse(rgb, ch, W, H, out) == 0);
  CHECK(memcmp(other, out, N) == 0);

  free(rgb);
  free(sharp);
  free(out);
  free(other);
  free(conf);
  return CHECK_DONE();
}
