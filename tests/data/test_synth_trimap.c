/* Trimap bands against a brute-force search of every pixel's disc, and worked cases. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "data/synth.h"

/* 255 if every pixel within distance band is 255, 0 if every one is 0, else 128. */
static uint8_t brute(const uint8_t *a, int w, int h, int x, int y, int band) {
  int all_fg = 1, all_bg = 1;
  for (int v = y - band; v <= y + band; v++)
    for (int u = x - band; u <= x + band; u++) {
      if (u < 0 || v < 0 || u >= w || v >= h) continue;
      if ((u - x) * (u - x) + (v - y) * (v - y) > band * band) continue;
      all_fg &= a[v * w + u] == 255;
      all_bg &= a[v * w + u] == 0;
    }
  return all_fg ? 255 : all_bg ? 0 : 128;
}

int main(void) {
  /* one semi-transparent pixel in an opaque 9x9: band 2 marks the 13 pixels of its disc */
  {
    uint8_t a[81], t[81];
    memset(a, 255, sizeof a);
    a[4 * 9 + 4] = 100;
    CHECK(syn_trimap(a, 9, 9, 2, t) == 0);
    int unknown = 0;
    for (int i = 0; i < 81; i++) {
      int dx = i % 9 - 4, dy = i / 9 - 4;
      CHECK(t[i] == (dx * dx + dy * dy <= 4 ? 128 : 255));
      unknown += t[i] == 128;
    }
    CHECK(unknown == 13);
    CHECK(syn_trimap(a, 9, 9, 0, t) == 0); /* band 0: exactly the soft pixels */
    for (int i = 0; i < 81; i++) CHECK(t[i] == (i == 40 ? 128 : 255));
  }
  /* a hard edge (no soft pixels): band 0 leaves nothing unknown, band 1 one column each side */
  {
    uint8_t a[6 * 4], t[6 * 4];
    for (int i = 0; i < 24; i++) a[i] = i % 6 < 3 ? 0 : 255;
    CHECK(syn_trimap(a, 6, 4, 0, t) == 0);
    for (int i = 0; i < 24; i++) CHECK(t[i] == a[i]);
    CHECK(syn_trimap(a, 6, 4, 1, t) == 0);
    for (int i = 0; i < 24; i++) CHECK(t[i] == (i % 6 == 2 || i % 6 == 3 ? 128 : a[i]));
  }
  /* all background / all foreground: no unknown pixels at any band */
  {
    uint8_t zero[20] = {0}, one[20], t[20];
    memset(one, 255, sizeof one);
    CHECK(syn_trimap(zero, 5, 4, 3, t) == 0);
    for (int i = 0; i < 20; i++) CHECK(t[i] == 0);
    CHECK(syn_trimap(one, 5, 4, 3, t) == 0);
    for (int i = 0; i < 20; i++) CHECK(t[i] == 255);
  }
  /* random blobs against brute force, several bands */
  {
    enum { W = 41, H = 29 };
    uint8_t a[W * H], t[W * H];
    srand(11);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        double d = hypot(x - 20.0, y - 14.0);
        int r = rand() % 100;
        a[y * W + x] = d < 8 ? 255 : d > 11 ? (r < 3 ? 200 : 0) : (uint8_t)(r * 2.55);
      }
    for (int band = 0; band <= 7; band += band < 3 ? 1 : 4) {
      CHECK(syn_trimap(a, W, H, band, t) == 0);
      int bad = 0;
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) bad += t[y * W + x] != brute(a, W, H, x, y, band);
      CHECK(bad == 0);
    }
  }
  return CHECK_DONE();
}
