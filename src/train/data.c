/* Training samples and batches. */
#define _POSIX_C_SOURCE 200809L
#include "train/data.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cutout.h"
#include "data/synth.h"

uint64_t tr_rand(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void tr_shuffle(int *order, int n, uint64_t *rng) {
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(tr_rand(rng) % (uint64_t)(i + 1)), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

void tr_dataset_free(tr_dataset *d) {
  for (int i = 0; d->s && i < d->n; i++) {
    img_free(d->s[i].rgb);
    img_free(d->s[i].alpha);
    img_free(d->s[i].trimap);
    free(d->s[i].mask_path);
    free(d->s[i].rgb_path);
    free(d->s[i].alpha_path);
    free(d->s[i].trimap_path);
  }
  free(d->s);
  memset(d, 0, sizeof *d);
}

int tr_dataset_synth(tr_dataset *d, int n, int w, int h, uint64_t seed, nn_err *err) {
  memset(d, 0, sizeof *d);
  d->s = calloc((size_t)(n > 0 ? n : 1), sizeof *d->s);
  if (!d->s) return nn_fail(err, NN_ENOMEM, "out of memory");
  syn_config cfg = {.width = w, .height = h, .band = 2, .procedural_fg = 1,
                    .procedural_bg = 1, .augment = 1};
  for (int i = 0; i < n; i++) {
    syn_params p;
    syn_sample s = {0};
    char why[256];
    syn_draw_params(&cfg, seed, i, &p);
    if (syn_render(&p, NULL, NULL, &s, why, sizeof why)) {
      tr_dataset_free(d);
      return nn_fail(err, NN_ENOMEM, "synthesising sample %d: %s", i, why);
    }
    d->s[d->n++] = (tr_sample){.rgb = s.image, .alpha = s.alpha, .trimap = s.trimap};
    s.image = s.alpha = s.trimap = NULL;
    syn_sample_free(&s);
  }
  return NN_OK;
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

int tr_dataset_open(tr_dataset *d, const char *dir, nn_err *err) {
  memset(d, 0, sizeof *d);
  char *path = join(dir, "manifest.jsonl");
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) {
    int rc = nn_fail(err, NN_EIO, "%s: cannot read (a folder made by cutout synth has one)",
                     path ? path : dir);
    free(path);
    return rc;
  }
  char *line = NULL;
  size_t cap = 0;
  int rc = NN_OK, cap_s = 0, lineno = 0;
  while (!rc && getline(&line, &cap, f) > 0) {
    lineno++;
    cJSON *j = cJSON_Parse(line);
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(j, "files");
    const cJSON *im = cJSON_GetObjectItemCaseSensitive(files, "image");
    const cJSON *al = cJSON_GetObjectItemCaseSensitive(files, "alpha");
    const cJSON *tm = cJSON_GetObjectItemCaseSensitive(files, "trimap");
    if (!cJSON_IsString(im) || !cJSON_IsString(al) || !cJSON_IsString(tm)) {
      rc = nn_fail(err, NN_EFORMAT, "%s:%d: no image, alpha and trimap files", path, lineno);
    } else if (strstr(im->valuestring, "..") || strstr(al->valuestring, "..") ||
               strstr(tm->valuestring, "..") || im->valuestring[0] == '/') {
      rc = nn_fail(err, NN_EFORMAT, "%s:%d: file names must stay inside the folder", path, lineno);
    } else {
      if (d->n == cap_s) {
        cap_s = cap_s ? 2 * cap_s : 64;
        tr_sample *s = realloc(d->s, sizeof *s * (size_t)cap_s);
        if (!s) rc = nn_fail(err, NN_ENOMEM, "out of memory");
        else d->s = s;
      }
      if (!rc) {
        tr_sample *s = &d->s[d->n++];
        memset(s, 0, sizeof *s);
        s->rgb_path = join(dir, im->valuestring);
        s->alpha_path = join(dir, al->valuestring);
        s->trimap_path = join(dir, tm->valuestring);
        if (!s->rgb_path || !s->alpha_path || !s->trimap_path)
          rc = nn_fail(err, NN_ENOMEM, "out of memory");
      }
    }
    cJSON_Delete(j);
  }
  free(line);
  fclose(f);
  if (!rc && d->n == 0) rc = nn_fail(err, NN_EFORMAT, "%s lists no samples", path);
  free(path);
  if (rc) tr_dataset_free(d);
  return rc;
}

int tr_dataset_masks(tr_dataset *d, const char *masks_dir, nn_err *err) {
  for (int i = 0; i < d->n; i++) {
    tr_sample *s = &d->s[i];
    if (!s->rgb_path) return nn_fail(err, NN_EINVAL, "masks are read for samples in files only");
    const char *base = strrchr(s->rgb_path, '/');
    base = base ? base + 1 : s->rgb_path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    size_t n = strlen(masks_dir) + stem + 6;
    free(s->mask_path);
    if (!(s->mask_path = malloc(n))) return nn_fail(err, NN_ENOMEM, "out of memory");
    snprintf(s->mask_path, n, "%s/%.*s.png", masks_dir, (int)stem, base);
    if (access(s->mask_path, R_OK))
      return nn_fail(err, NN_EIO, "%s: no mask for %s (cutout batch IMAGES -o %s --mask makes "
                     "them)", s->mask_path, s->rgb_path, masks_dir);
  }
  return NN_OK;
}

/* A sample's images: photo, true alpha, trimap and the network's mask (NULL when it has
 * none; then the trimap is the sample's own, else the mask's automatic one). Files are read
 * (owned 1); a sample in memory (which has no mask) is used as it is. */
typedef struct sample_view {
  ct_img *rgb, *alpha, *tri, *mask;
  int owned;
} sample_view;

static void view_free(sample_view *v) {
  if (v->owned) img_free(v->rgb), img_free(v->alpha), img_free(v->tri), img_free(v->mask);
  memset(v, 0, sizeof *v);
}

static int sample_images(const tr_sample *s, sample_view *v, nn_err *err) {
  memset(v, 0, sizeof *v);
  if (s->rgb) { /* in memory: no mask */
    *v = (sample_view){s->rgb, s->alpha, s->trimap, NULL, 0};
    return NN_OK;
  }
  ct_error e;
  v->owned = 1;
  if (ct_image_load(s->rgb_path, &v->rgb, &e) || ct_image_load_grey(s->alpha_path, &v->alpha, &e) ||
      (s->mask_path ? ct_image_load_grey(s->mask_path, &v->mask, &e) ||
                          ct_trimap(NULL, v->mask, NULL, &v->tri, &e)
                    : ct_image_load_grey(s->trimap_path, &v->tri, &e))) {
    view_free(v);
    return nn_fail(err, NN_EIO, "%s", e.message);
  }
  const ct_img *c = v->mask ? v->mask : v->tri;
  if (v->alpha->width != v->rgb->width || v->alpha->height != v->rgb->height ||
      c->width != v->rgb->width || c->height != v->rgb->height) {
    view_free(v);
    return nn_fail(err, NN_EFORMAT, "%s: alpha, trimap or mask of another size", s->rgb_path);
  }
  return NN_OK;
}

/* the alpha as a network would give it: cell means over 8 x 8 cells, upsampled bilinearly */
static void coarse(const float *a, int n, float *out) {
  enum { K = 8 };
  int m = (n + K - 1) / K;
  float *cell = calloc((size_t)m * m, sizeof *cell);
  if (!cell) {
    memcpy(out, a, sizeof(float) * (size_t)n * n);
    return;
  }
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++) cell[(y / K) * m + x / K] += a[y * n + x] / (K * K);
  for (int y = 0; y < n; y++) {
    float fy = (y + 0.5f) / K - 0.5f;
    int y0 = fy < 0 ? 0 : (int)fy, y1 = y0 + 1 < m ? y0 + 1 : m - 1;
    float wy = fy < 0 ? 0 : fy - (float)y0;
    for (int x = 0; x < n; x++) {
      float fx = (x + 0.5f) / K - 0.5f;
      int x0 = fx < 0 ? 0 : (int)fx, x1 = x0 + 1 < m ? x0 + 1 : m - 1;
      float wx = fx < 0 ? 0 : fx - (float)x0;
      float top = cell[y0 * m + x0] * (1 - wx) + cell[y0 * m + x1] * wx;
      float bot = cell[y1 * m + x0] * (1 - wx) + cell[y1 * m + x1] * wx;
      out[y * n + x] = top * (1 - wy) + bot * wy;
    }
  }
  free(cell);
}

static int unknown(uint8_t t) { return t != 0 && t != 255; }

/* The pixel index of the k-th unknown pixel of the trimap (k modulo their count), or -1
 * when it has none. */
static long kth_unknown(const ct_img *tri, uint64_t k) {
  size_t n = (size_t)tri->width * tri->height, count = 0;
  for (size_t p = 0; p < n; p++) count += unknown(tri->data[p]);
  if (!count) return -1;
  k %= count;
  for (size_t p = 0; p < n; p++)
    if (unknown(tri->data[p]) && k-- == 0) return (long)p;
  return -1;
}

static int clamp_int(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

int tr_batch_fill(const tr_dataset *d, const int *idx, int batch, int crop, tr_arch arch,
                  uint64_t *rng, float *input, float *target, nn_err *err) {
  int ch = tr_arch_inputs(arch);
  size_t plane = (size_t)crop * crop;
  for (int b = 0; b < batch; b++) {
    sample_view v;
    int rc = sample_images(&d->s[idx[b]], &v, err);
    if (rc) return rc;
    int W = v.rgb->width, H = v.rgb->height;
    if (W < crop || H < crop) {
      view_free(&v);
      return nn_fail(err, NN_EINVAL, "sample %d is %dx%d, smaller than the %d-pixel crop", idx[b],
                     W, H, crop);
    }
    int x0 = (int)(tr_rand(rng) % (uint64_t)(W - crop + 1));
    int y0 = (int)(tr_rand(rng) % (uint64_t)(H - crop + 1));
    int flip = (int)(tr_rand(rng) & 1);
    if (arch == TR_UNET) { /* the same draws whether or not the crop moves */
      uint64_t focus = tr_rand(rng) % 4, k = tr_rand(rng);
      long p = focus ? kth_unknown(v.tri, k) : -1;
      if (p >= 0) {
        x0 = clamp_int((int)(p % W) - crop / 2, 0, W - crop);
        y0 = clamp_int((int)(p / W) - crop / 2, 0, H - crop);
      }
    }
    float *in = input + (size_t)b * ch * plane, *t = target + (size_t)b * plane;
    for (int y = 0; y < crop; y++)
      for (int x = 0; x < crop; x++) {
        int sx = x0 + (flip ? crop - 1 - x : x);
        size_t src = (size_t)(y0 + y) * W + sx, dst = (size_t)y * crop + x;
        for (int c = 0; c < 3; c++) in[c * plane + dst] = v.rgb->data[src * 3 + c] / 255.0f;
        t[dst] = v.alpha->data[src] / 255.0f;
        if (arch == TR_UNET) {
          in[4 * plane + dst] = v.tri->data[src] / 255.0f;
          if (v.mask) in[3 * plane + dst] = v.mask->data[src] / 255.0f;
        }
      }
    if (arch == TR_UNET && !v.mask) coarse(t, crop, in + 3 * plane);
    view_free(&v);
  }
  return NN_OK;
}
