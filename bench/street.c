/* Instances on street-like scenes with known masks: how many people cutout finds (F1 of the
 * matches at IoU >= 0.5) and how well it masks them (mean IoU of the matches), and the time
 * a photo takes (detection and instance masks, the models loaded once).
 *
 * The scenes are made: each example portrait (../shared/examples, else examples/ and its
 * mirror) is cut out once by the default pipeline, and 1-8 of these people, scaled to
 * between 0.3 and 0.75 of the scene's height (0.6 when there are more than four), mirrored at random, standing on the
 * scene's bottom edge and overlapping one another, are composited, smaller (farther) first,
 * over a photo of ../shared/realset (plants, toys, nets: busy backgrounds) scaled to cover
 * the scene. Each person's true mask is its alpha times what the people in front leave of
 * it; a scene where someone is less than 40% visible is drawn again. The detector and the
 * masks then see only the composite.
 *
 *   bench_street [--scenes N] [--seed S] [--size WxH] [--fast] [--boxes] [--min-score S]
 *                [--save DIR]
 *
 * --fast masks each instance with the global pass alone (ct_remove_options_fast); --boxes
 * matches the detector's boxes with the true masks' boxes (no masks made); --min-score is
 * the detector's threshold (default CT_DETECT_MIN_SCORE); --save
 * writes each scene, its true labels and the found ones as PNGs. Run from the source folder
 * (or set CUTOUT_SOURCE_DIR); the models as the tests find them (models/). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "cutout.h"
#include "data/rng.h"
#include "image/image.h"

#define MAX_PEOPLE 8
#define MAX_SPRITES 6
#define MAX_BACKS 16
#define MIN_VISIBLE 0.4
#define MATCH_IOU 0.5

typedef struct sprite {
  ct_img *rgba; /* the person alone, cropped to its alpha */
} sprite;

static void die(const char *what, const char *why) {
  fprintf(stderr, "bench_street: %s: %s\n", what, why);
  exit(1);
}

static ct_img *load(const char *path) {
  char emsg[256];
  ct_img *im = NULL;
  if (img_load_rgb(path, &im, emsg, sizeof emsg)) die(path, emsg);
  return im;
}

static void mirror(ct_img *im) {
  int c = im->channels;
  for (int y = 0; y < im->height; y++)
    for (int x = 0; x < im->width / 2; x++) {
      uint8_t *a = im->data + ((size_t)y * im->width + x) * c;
      uint8_t *b = im->data + ((size_t)y * im->width + im->width - 1 - x) * c;
      for (int k = 0; k < c; k++) {
        uint8_t t = a[k];
        a[k] = b[k];
        b[k] = t;
      }
    }
}

/* The person of photo (its RGB and the default pipeline's alpha), cropped to the alpha's
 * extent. */
static ct_img *cut_person(ct_model *model, const ct_img *photo) {
  ct_remove_options o;
  ct_remove_options_init(&o);
  o.mask_only = 1;
  ct_image *mask = NULL;
  ct_error err = {0};
  if (ct_remove(model, photo, &o, &mask, &err)) die("cutting out a portrait", err.message);
  int W = photo->width, H = photo->height, x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (mask->data[(size_t)y * W + x] >= 8) {
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
      }
  if (x1 < 0) die("cutting out a portrait", "an empty mask");
  ct_img *s = img_new(x1 - x0 + 1, y1 - y0 + 1, 4);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      uint8_t *d = s->data + ((size_t)(y - y0) * s->width + (x - x0)) * 4;
      memcpy(d, photo->data + ((size_t)y * W + x) * 3, 3);
      d[3] = mask->data[(size_t)y * W + x];
    }
  ct_image_free(mask);
  return s;
}

/* back scaled to cover W x H and centred. */
static ct_img *cover(const ct_img *back, int W, int H) {
  double s = fmax((double)W / back->width, (double)H / back->height);
  int w = (int)ceil(back->width * s), h = (int)ceil(back->height * s);
  ct_img *big = NULL;
  if (img_resize(back, w < W ? W : w, h < H ? H : h, &big)) die("a background", "resize failed");
  ct_img *c = img_crop(big, (big->width - W) / 2, (big->height - H) / 2, W, H);
  img_free(big);
  return c;
}

typedef struct scene {
  ct_img *photo;
  int people;
  uint8_t *truth[MAX_PEOPLE]; /* W x H masks, 0-255 */
} scene;

/* One scene (see the top); 0, or -1 when someone ended up under 40% visible. */
static int make_scene(syn_rng *r, sprite *sp, int n_sp, ct_img **backs, int n_backs, int W,
                      int H, scene *sc) {
  memset(sc, 0, sizeof *sc);
  int k = syn_rng_int(r, 1, MAX_PEOPLE);
  double hs[MAX_PEOPLE];
  for (int i = 0; i < k; i++) hs[i] = syn_rng_range(r, k > 4 ? 0.3 : 0.35, k > 4 ? 0.6 : 0.75);
  qsort(hs, (size_t)k, sizeof *hs, bench_cmp_double); /* smaller (farther) first */
  sc->photo = cover(backs[syn_rng_int(r, 0, n_backs - 1)], W, H);
  if (syn_rng_uniform(r) < 0.5) mirror(sc->photo);
  sc->people = k;
  size_t px = (size_t)W * H;
  float *alpha[MAX_PEOPLE] = {0};
  for (int i = 0; i < k; i++) {
    const ct_img *s = sp[syn_rng_int(r, 0, n_sp - 1)].rgba;
    int h = (int)(hs[i] * H), w = (int)((double)s->width * h / s->height + 0.5);
    ct_img *p = NULL;
    if (w < 1 || img_resize(s, w, h, &p)) die("a person", "resize failed");
    if (syn_rng_uniform(r) < 0.5) mirror(p);
    int x0 = syn_rng_int(r, 0, W > w ? W - w : 0), y0 = H - h;
    alpha[i] = calloc(px, sizeof(float));
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        int X = x0 + x, Y = y0 + y;
        if (X < 0 || X >= W) continue;
        const uint8_t *q = p->data + ((size_t)y * w + x) * 4;
        float a = q[3] / 255.0f;
        uint8_t *d = sc->photo->data + ((size_t)Y * W + X) * 3;
        for (int c = 0; c < 3; c++) d[c] = (uint8_t)(a * q[c] + (1 - a) * d[c] + 0.5f);
        alpha[i][(size_t)Y * W + X] = a;
      }
    img_free(p);
  }
  int ok = 1;
  for (int i = 0; i < k; i++) {
    sc->truth[i] = malloc(px);
    double own = 0, seen = 0;
    for (size_t j = 0; j < px; j++) {
      float v = alpha[i][j];
      own += v;
      for (int f = i + 1; f < k; f++) v *= 1 - alpha[f][j];
      seen += v;
      sc->truth[i][j] = (uint8_t)(v * 255 + 0.5f);
    }
    if (own <= 0 || seen < MIN_VISIBLE * own) ok = 0;
  }
  for (int i = 0; i < k; i++) free(alpha[i]);
  return ok ? 0 : -1;
}

static void free_scene(scene *sc) {
  img_free(sc->photo);
  for (int i = 0; i < sc->people; i++) free(sc->truth[i]);
}

static double iou(const uint8_t *a, const uint8_t *b, size_t n) {
  long inter = 0, uni = 0;
  for (size_t i = 0; i < n; i++) {
    int x = a[i] >= 128, y = b[i] >= 128;
    inter += x && y;
    uni += x || y;
  }
  return uni ? (double)inter / uni : 0;
}

/* m (W x H) set to 255 inside the box, 0 outside. */
static void box_mask(uint8_t *m, int W, int H, double x0, double y0, double x1, double y1) {
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      m[(size_t)y * W + x] = x + 0.5 >= x0 && x + 0.5 < x1 && y + 0.5 >= y0 && y + 0.5 < y1 ? 255 : 0;
}

/* m (W x H) replaced by the box of its pixels >= 128. */
static void truth_box(uint8_t *m, int W, int H) {
  int x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (m[(size_t)y * W + x] >= 128) {
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
      }
  box_mask(m, W, H, x0, y0, x1 + 1, y1 + 1);
}

/* A label image (0 background, k the k-th mask where it is >= 128) into path. */
static void save_labels(const char *path, uint8_t **masks, int n, int W, int H) {
  ct_img *l = img_new(W, H, 1);
  memset(l->data, 0, (size_t)W * H);
  for (int k = 0; k < n; k++)
    for (size_t i = 0; i < (size_t)W * H; i++)
      if (masks[k][i] >= 128) l->data[i] = (uint8_t)(255 * (k + 1) / n);
  char emsg[256];
  if (img_save(l, path, emsg, sizeof emsg)) die(path, emsg);
  img_free(l);
}

int main(int argc, char **argv) {
  int scenes = 24, W = 1600, H = 900, fast = 0, boxes = 0;
  float min_score = 0;
  unsigned long long seed = 1;
  const char *save = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--scenes") && v) {
      scenes = atoi(argv[++i]);
    } else if (!strcmp(a, "--seed") && v) {
      seed = strtoull(argv[++i], NULL, 10);
    } else if (!strcmp(a, "--size") && v) {
      if (sscanf(argv[++i], "%dx%d", &W, &H) != 2) W = 0;
    } else if (!strcmp(a, "--save") && v) {
      save = argv[++i];
    } else if (!strcmp(a, "--fast")) {
      fast = 1;
    } else if (!strcmp(a, "--boxes")) {
      boxes = 1;
    } else if (!strcmp(a, "--min-score") && v) {
      min_score = (float)atof(argv[++i]);
    } else {
      fprintf(stderr, "usage: bench_street [--scenes N] [--seed S] [--size WxH] [--fast] "
                      "[--boxes] [--min-score S] [--save DIR]\n(run from the source folder, or set CUTOUT_SOURCE_DIR)\n");
      return 2;
    }
  }
  if (scenes < 1 || scenes > 10000 || W < 256 || H < 256 || W > 8000 || H > 8000) {
    fprintf(stderr, "bench_street: --scenes 1-10000, --size from 256x256 to 8000x8000\n");
    return 2;
  }
  if (save && mkdir(save, 0777) && errno != EEXIST) die(save, strerror(errno));
  const char *src = getenv("CUTOUT_SOURCE_DIR");
  if (!src) src = ".";
  char model_path[1024], det_path[1024], path[2100];
  snprintf(model_path, sizeof model_path, "%s/models/isnet-fp16.onnx", src);
  snprintf(det_path, sizeof det_path, "%s/models/centernet.json", src);
  struct stat st;
  if (stat(model_path, &st) || stat(det_path, &st)) {
    printf("skipped: models absent (scripts/fetch-models.sh, scripts/fetch-tfjs-models.sh)\n");
    return 0;
  }
  ct_error err = {0};
  ct_model *model = NULL;
  ct_detector *det = NULL;
  if (ct_model_load(model_path, &model, &err) || ct_detector_load(det_path, &det, &err))
    die("loading the models", err.message);

  /* the people */
  static const char *const names[] = {"portrait-curls", "portrait-dark-curls",
                                      "portrait-windblown"};
  sprite sp[MAX_SPRITES];
  int n_sp = 0;
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/../shared/examples/%s.jpg", src, names[i]);
    if (stat(path, &st)) continue;
    ct_img *p = load(path);
    sp[n_sp++].rgba = cut_person(model, p);
    img_free(p);
  }
  if (!n_sp) {
    snprintf(path, sizeof path, "%s/examples/portrait-curls.jpg", src);
    ct_img *p = load(path);
    sp[n_sp++].rgba = cut_person(model, p);
    img_free(p);
  }
  /* the backgrounds */
  ct_img *backs[MAX_BACKS];
  int n_backs = 0;
  snprintf(path, sizeof path, "%s/../shared/realset/image", src);
  DIR *d = opendir(path);
  for (struct dirent *e; d && n_backs < MAX_BACKS && (e = readdir(d));) {
    if (!strstr(e->d_name, ".png")) continue;
    char file[2400];
    snprintf(file, sizeof file, "%s/%s", path, e->d_name);
    backs[n_backs++] = load(file);
  }
  if (d) closedir(d);
  if (!n_backs) { /* no real set: the portraits' own photo, blurred by scaling, as a street */
    snprintf(path, sizeof path, "%s/examples/portrait-curls.jpg", src);
    ct_img *p = load(path), *small = NULL;
    if (img_resize(p, p->width / 16, p->height / 16, &small)) die(path, "resize failed");
    backs[n_backs++] = small;
    img_free(p);
  }
  printf("%d scenes of %dx%d: 1-%d of %d people over %d backgrounds; masks by the %s "
         "pipeline\n", scenes, W, H, MAX_PEOPLE, n_sp, n_backs, fast ? "fast" : "default");

  ct_remove_options opts;
  if (fast) ct_remove_options_fast(&opts);
  else ct_remove_options_init(&opts);
  opts.mask_only = 1;
  int person = ct_class_id("person");
  ct_detect_options dopts = {.classes = &person, .n_classes = 1, .min_score = min_score};
  syn_rng r;
  syn_rng_seed(&r, seed);
  long tp = 0, fp = 0, fn = 0, people = 0, found = 0;
  double iou_sum = 0, t_det = 0, t_mask = 0, worst_s = 0;
  size_t px = (size_t)W * H;
  for (int s = 0; s < scenes; s++) {
    scene sc;
    while (make_scene(&r, sp, n_sp, backs, n_backs, W, H, &sc)) free_scene(&sc);
    ct_detection *dt = NULL;
    int n = 0;
    double t0 = bench_now();
    if (ct_detect(det, sc.photo, &dopts, &dt, &n, &err)) die("detecting", err.message);
    double t1 = bench_now();
    ct_image **masks = calloc((size_t)(n > 0 ? n : 1), sizeof *masks);
    if (boxes) { /* the boxes alone, matched against the true masks' boxes */
      for (int j = 0; j < n; j++) {
        masks[j] = img_new(W, H, 1);
        box_mask(masks[j]->data, W, H, dt[j].x0, dt[j].y0, dt[j].x1, dt[j].y1);
      }
      for (int i = 0; i < sc.people; i++) truth_box(sc.truth[i], W, H);
    } else if (n && ct_instance_masks(model, sc.photo, dt, n, &opts, masks, &err)) {
      die("masking", err.message);
    }
    double t2 = bench_now();
    t_det += t1 - t0, t_mask += t2 - t1;
    worst_s = fmax(worst_s, t2 - t0);
    /* greedy matching, best IoU first */
    double m[MAX_PEOPLE][CT_DETECT_MAX];
    int used_t[MAX_PEOPLE] = {0}, *used_p = calloc((size_t)(n > 0 ? n : 1), sizeof *used_p);
    for (int i = 0; i < sc.people; i++)
      for (int j = 0; j < n; j++) m[i][j] = iou(sc.truth[i], masks[j]->data, px);
    int matched = 0;
    double scene_iou = 0;
    for (;;) {
      int bi = -1, bj = -1;
      double best = MATCH_IOU;
      for (int i = 0; i < sc.people; i++)
        for (int j = 0; j < n; j++)
          if (!used_t[i] && !used_p[j] && m[i][j] >= best) best = m[i][j], bi = i, bj = j;
      if (bi < 0) break;
      used_t[bi] = used_p[bj] = 1;
      matched++;
      scene_iou += best;
    }
    tp += matched, fp += n - matched, fn += sc.people - matched;
    people += sc.people, found += n;
    iou_sum += scene_iou;
    printf("scene %2d: %d people, %d found, %d matched, mean IoU %.3f, %.2f s (detection "
           "%.2f s)\n", s + 1, sc.people, n, matched, matched ? scene_iou / matched : 0,
           t2 - t0, t1 - t0);
    if (save) {
      char file[2400], emsg[256];
      snprintf(file, sizeof file, "%s/scene-%02d.jpg", save, s + 1);
      if (img_save(sc.photo, file, emsg, sizeof emsg)) die(file, emsg);
      snprintf(file, sizeof file, "%s/scene-%02d-truth.png", save, s + 1);
      save_labels(file, sc.truth, sc.people, W, H);
      uint8_t *pm[CT_DETECT_MAX];
      for (int j = 0; j < n; j++) pm[j] = masks[j]->data;
      snprintf(file, sizeof file, "%s/scene-%02d-found.png", save, s + 1);
      save_labels(file, pm, n, W, H);
    }
    for (int j = 0; j < n; j++) ct_image_free(masks[j]);
    free(masks);
    free(used_p);
    free(dt);
    free_scene(&sc);
  }
  double precision = found ? (double)tp / found : 0, recall = people ? (double)tp / people : 0;
  double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  printf("people %ld, found %ld, matched %ld (IoU >= %.1f): precision %.3f, recall %.3f, "
         "F1 %.3f (target >= 0.90)\n", people, found, tp, MATCH_IOU, precision, recall, f1);
  printf("mean IoU of the matches %.3f (target >= 0.80)\n", tp ? iou_sum / tp : 0);
  printf("time a photo: %.2f s mean (target <= 2 s), %.2f s worst; detection %.2f s, masks "
         "%.2f s a photo, %.2f s an instance found\n", (t_det + t_mask) / scenes, worst_s,
         t_det / scenes, t_mask / scenes, found ? t_mask / found : 0);
  for (int i = 0; i < n_sp; i++) img_free(sp[i].rgba);
  for (int i = 0; i < n_backs; i++) img_free(backs[i]);
  ct_detector_free(det);
  ct_model_free(model);
  return 0;
}
