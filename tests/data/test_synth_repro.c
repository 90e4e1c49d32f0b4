/* A set is a pure function of its seed: two runs (with different thread counts) write the
 * same bytes, a single sample regenerates alone, another seed gives another set, and the
 * manifest carries the exact seeds. */
#include <inttypes.h>
#include <omp.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "data/synth.h"
#include "image/image_fixtures.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc(n + 1);
  if (buf && fread(buf, 1, n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) buf[n] = 0;
  *len = (size_t)n;
  return buf;
}

/* 1 when a/rel and b/rel hold the same bytes. */
static int same_file(const char *a, const char *b, const char *rel) {
  char pa[4096], pb[4096];
  snprintf(pa, sizeof pa, "%s/%s", a, rel);
  snprintf(pb, sizeof pb, "%s/%s", b, rel);
  size_t la, lb;
  char *x = slurp(pa, &la), *y = slurp(pb, &lb);
  int same = x && y && la == lb && memcmp(x, y, la) == 0;
  if (!x || !y) fprintf(stderr, "missing %s or %s\n", pa, pb);
  free(x);
  free(y);
  return same;
}

static const char *const parts[] = {"image/%06d.jpg", "alpha/%06d.png", "trimap/%06d.png",
                                    "fg/%06d.png", "bg/%06d.png"};

static int same_sample(const char *a, const char *b, int i) {
  int same = 1;
  for (int k = 0; k < 5; k++) {
    char rel[64];
    snprintf(rel, sizeof rel, parts[k], i);
    same &= same_file(a, b, rel);
  }
  return same;
}

/* line i (0-based) of dir/manifest.jsonl, malloc'd */
static char *manifest_line(const char *dir, int i) {
  char path[4096];
  size_t len;
  snprintf(path, sizeof path, "%s/manifest.jsonl", dir);
  char *all = slurp(path, &len), *p = all;
  if (!all) return NULL;
  for (int k = 0; k < i && p; k++) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  char *line = NULL;
  if (p && *p) {
    char *end = strchr(p, '\n');
    line = strndup(p, end ? (size_t)(end - p) : strlen(p));
  }
  free(all);
  return line;
}

static int run(syn_set_options *o, const char *out, int threads) {
  char err[512];
  o->out_dir = out;
  omp_set_num_threads(threads);
  int rc = syn_write_set(o, err, sizeof err);
  if (rc) fprintf(stderr, "syn_write_set: %s\n", err);
  return rc;
}

int main(void) {
  char *root = fx_tempdir();
  char a[4096], b[4096], c[4096], d[4096], src_fg[4096], src_bg[4096];
  snprintf(a, sizeof a, "%s/a", root);
  snprintf(b, sizeof b, "%s/b", root);
  snprintf(c, sizeof c, "%s/c", root);
  snprintf(d, sizeof d, "%s/d", root);
  snprintf(src_fg, sizeof src_fg, "%s/fg-src", root);
  snprintf(src_bg, sizeof src_bg, "%s/bg-src", root);

  /* sources: two RGBA foregrounds and one background photo */
  mkdir(src_fg, 0777);
  mkdir(src_bg, 0777);
  char err[512], path[8192];
  for (int f = 0; f < 2; f++) {
    ct_img *fg = img_new(30 + 10 * f, 40, 4);
    for (int y = 0; y < fg->height; y++)
      for (int x = 0; x < fg->width; x++) {
        uint8_t *q = fg->data + ((size_t)y * fg->width + x) * 4;
        double r = hypot(x - fg->width / 2.0, y - 20.0);
        q[0] = (uint8_t)(40 + 5 * x);
        q[1] = (uint8_t)(200 - 3 * y);
        q[2] = (uint8_t)(90 * f);
        q[3] = r < 9 ? 255 : r > 14 ? 0 : (uint8_t)(255 * (14 - r) / 5);
      }
    snprintf(path, sizeof path, "%s/fg%d.png", src_fg, f);
    CHECK(img_save(fg, path, err, sizeof err) == 0);
    img_free(fg);
  }
  ct_img *bg = img_new(70, 50, 3);
  for (int i = 0; i < 70 * 50 * 3; i++) bg->data[i] = (uint8_t)(i * 13 % 256);
  snprintf(path, sizeof path, "%s/photo.png", src_bg);
  CHECK(img_save(bg, path, err, sizeof err) == 0);
  img_free(bg);

  syn_set_options o;
  syn_set_options_init(&o);
  o.fg_dir = src_fg;
  o.bg_dir = src_bg;
  o.procedural_fg = o.procedural_bg = 1;
  o.count = 5;
  o.seed = 0xfedcba9876543210ull; /* over 2^53: must survive the manifest exactly */
  o.width = 96;
  o.height = 80;
  o.band = 4;
  o.format = "jpg";
  o.save_bg = 1;
  CHECK(run(&o, a, 2) == 0);
  CHECK(run(&o, b, 1) == 0);
  for (int i = 0; i < 5; i++) CHECK(same_sample(a, b, i));
  CHECK(same_file(a, b, "manifest.jsonl"));

  /* sample 3 alone */
  o.start = 3;
  o.count = 1;
  CHECK(run(&o, c, 2) == 0);
  CHECK(same_sample(a, c, 3));
  char *la = manifest_line(a, 3), *lc = manifest_line(c, 0);
  CHECK(la && lc && strcmp(la, lc) == 0);
  free(lc);

  /* the manifest: exact seeds, the parameters, the files */
  for (int i = 0; i < 5; i++) {
    char *line = manifest_line(a, i);
    cJSON *j = line ? cJSON_Parse(line) : NULL;
    CHECK(j != NULL);
    if (j) {
      char want[32];
      snprintf(want, sizeof want, "\"seed\":%" PRIu64 ",",
               syn_seed_mix(0xfedcba9876543210ull, (uint64_t)i));
      CHECK(strstr(line, want) != NULL);
      CHECK(strstr(line, "\"set_seed\":18364758544493064720,") != NULL);
      CHECK(cJSON_GetObjectItem(j, "index")->valueint == i);
      cJSON *fg = cJSON_GetObjectItem(j, "fg"), *bgj = cJSON_GetObjectItem(j, "bg");
      CHECK(fg && cJSON_GetObjectItem(fg, "source") && cJSON_GetObjectItem(fg, "scale"));
      CHECK(bgj && cJSON_IsString(cJSON_GetObjectItem(bgj, "kind")));
      CHECK(cJSON_GetObjectItem(j, "degrade") && cJSON_GetObjectItem(j, "files"));
      cJSON_Delete(j);
    }
    free(line);
  }
  free(la);

  /* another seed, another set */
  o.start = 0;
  o.count = 2;
  o.seed = 12345;
  CHECK(run(&o, d, 2) == 0);
  CHECK(!same_file(a, d, "alpha/000000.png") || !same_file(a, d, "image/000000.jpg"));

  /* errors are reported, not crashed on */
  o.fg_dir = root; /* holds folders only */
  o.procedural_fg = 0;
  o.out_dir = d;
  CHECK(syn_write_set(&o, err, sizeof err) != 0 && strstr(err, "no foreground images"));
  fx_rmdir(root);
  free(root);
  return CHECK_DONE();
}
