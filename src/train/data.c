/* Training samples and batches. */
#define _POSIX_C_SOURCE 200809L
#include "train/data.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* loads a sample's files (a sample in memory is used as it is) */
static int sample_images(const tr_sample *s, ct_img **rgb, ct_img **alpha, ct_img **tri,
                         int *owned, nn_err *err) {
  *owned = 0;
  if (s->rgb) {
    *rgb = s->rgb, *alpha = s->alpha, *tri = s->trimap;
    return NN_OK;
  }
  ct_error e;
  *rgb = *alpha = *tri = NULL;
  if (ct_image_load(s->rgb_path, rgb, &e) || ct_image_load_grey(s->alpha_path, alpha, &e) ||
      ct_image_load_grey(s->trimap_path, tri, &e)) {
    img_free(*rgb), img_free(*alpha), img_free(*tri);
    return nn_fail(err, NN_EIO, "%s", e.message);
  }
  *owned = 1;
  if ((*alpha)->width != (*rgb)->width || (*alpha)->height != (*rgb)->height ||
      (*tri)->width != (*rgb)->width || (*tri)->height != (*rgb)->height) {
    img_free(*rgb), img_free(*alpha), img_free(*tri);
    return nn_fail(err, NN_EFORMAT, "%s: alpha or trimap of another size", s->rgb_path);
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

int tr_batch_fill(const tr_dataset *d, const int *idx, int batch, int crop, tr_arch arch,
                  uint64_t *rng, float *input, float *target, nn_err *err) {
  int ch = tr_arch_inputs(arch);
  size_t plane = (size_t)crop * crop;
  for (int b = 0; b < batch; b++) {
    ct_img *rgb, *al, *tri;
    int owned;
    int rc = sample_images(&d->s[idx[b]], &rgb, &al, &tri, &owned, err);
    if (rc) return rc;
    if (rgb->width < crop || rgb->height < crop) {
      if (owned) img_free(rgb), img_free(al), img_free(tri);
      return nn_fail(err, NN_EINVAL, "sample %d is %dx%d, smaller than the %d-pixel crop", idx[b],
                     rgb->width, rgb->height, crop);
    }
    int x0 = (int)(tr_rand(rng) % (uint64_t)(rgb->width - crop + 1));
    int y0 = (int)(tr_rand(rng) % (uint64_t)(rgb->height - crop + 1));
    int flip = (int)(tr_rand(rng) & 1);
    float *in = input + (size_t)b * ch * plane, *t = target + (size_t)b * plane;
    for (int y = 0; y < crop; y++)
      for (int x = 0; x < crop; x++) {
        int sx = x0 + (flip ? crop - 1 - x : x);
        size_t src = (size_t)(y0 + y) * rgb->width + sx, dst = (size_t)y * crop + x;
        for (int c = 0; c < 3; c++) in[c * plane + dst] = rgb->data[src * 3 + c] / 255.0f;
        t[dst] = al->data[src] / 255.0f;
        if (arch == TR_UNET) in[4 * plane + dst] = tri->data[src] / 255.0f;
      }
    if (arch == TR_UNET) coarse(t, crop, in + 3 * plane);
    if (owned) img_free(rgb), img_free(al), img_free(tri);
  }
  return NN_OK;
}
