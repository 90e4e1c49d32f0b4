/* cutout eval: score predicted mattes against ground truth, or run remove on a synthesised
 * set and score it in one go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/eval_report.h"
#include "cli/remove_opts.h"
#include "data/synth.h"
#include "image/image.h"

static const char eval_usage[] =
    "usage: cutout eval --pred DIR --gt DIR [--trimap DIR] [--json | --csv]\n"
    "       cutout eval --pipeline --set DIR [REMOVE OPTIONS] [--save-pred DIR] [--limit N]\n"
    "                   [--no-trimap] [-q] [--json | --csv]";

static const char eval_help[] =
    "\n"
    "Scores alpha mattes as alphamatting.com does (Rhemann et al. 2009): SAD / 1000, MSE,\n"
    "gradient error (Gaussian derivatives, sigma 1.4) / 1000 and connectivity error (step 0.1,\n"
    "theta 0.15) / 1000, over the trimap's unknown pixels when a trimap is given, else the whole\n"
    "image; and IoU and F-measure (beta^2 0.3) of the masks alpha >= 0.5 over the whole image.\n"
    "Prints one row per image and the mean: a table, JSON (--json) or CSV (--csv).\n"
    "\n"
    "  --pred, --gt, --trimap DIR   files are matched by name without extension; a matte is\n"
    "                               the image's alpha channel, or its grey level without one\n"
    "  --pipeline --set DIR         runs remove on DIR/image/* (a cutout synth set) and scores\n"
    "                               against DIR/alpha/* over DIR/trimap/* (unless --no-trimap)\n"
    "  --save-pred DIR              also write the predicted mattes\n"
    "  --limit N                    the first N images only\n"
    "\n"
    "With --pipeline, the options of `cutout remove` that shape the matte (the matte alone\n"
    "is scored; background options do not apply):\n";

/* How the pipeline is run for an evaluation. The options of remove() live here, so every
 * stage that gains options (tiles, matting, ...) is evaluated through the same call. */
typedef struct eval_pipeline_cfg {
  ct_remove_options remove;
} eval_pipeline_cfg;

/* The one place the evaluation calls the pipeline: photo in, 1-channel alpha out. */
static ct_status predict_alpha(ct_model *model, const eval_pipeline_cfg *cfg,
                               const ct_image *photo, ct_image **alpha, ct_error *err) {
  ct_remove_options opts = cfg->remove;
  opts.mask_only = 1;
  return ct_remove(model, photo, &opts, alpha, err);
}

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir/stem.<image extension>, the first that exists. */
static int find_by_stem(const char *dir, const char *stem, char *buf, size_t len) {
  static const char *const ext[] = {"png", "jpg", "jpeg", "webp", "tif", "tiff",
                                    "PNG", "JPG", "JPEG", "WEBP", "TIF", "TIFF"};
  struct stat st;
  for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
    snprintf(buf, len, "%s/%s.%s", dir, stem, ext[i]);
    if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) return 0;
  }
  return -1;
}

static void stem_of(const char *name, char *buf, size_t len) {
  const char *dot = strrchr(name, '.');
  snprintf(buf, len, "%.*s", dot ? (int)(dot - name) : (int)strlen(name), name);
}

/* A matte from a file: its alpha channel when it has one, else its first (grey) channel. */
static int load_matte(const char *path, ct_img **out) {
  char err[512];
  ct_img *im = NULL;
  int had_alpha = 0;
  *out = NULL;
  if (img_load_rgba(path, &im, &had_alpha, err, sizeof err)) {
    cli_error("%s", err);
    return -1;
  }
  ct_img *m = img_new(im->width, im->height, 1);
  if (!m) {
    img_free(im);
    cli_error("out of memory for '%s'", path);
    return -1;
  }
  size_t n = (size_t)im->width * im->height;
  for (size_t i = 0; i < n; i++) m->data[i] = im->data[i * 4 + (had_alpha ? 3 : 0)];
  img_free(im);
  *out = m;
  return 0;
}

static int score(report *rep, const char *name, const ct_img *pred, const ct_img *gt,
                 const ct_img *trimap, double seconds) {
  if (pred->width != gt->width || pred->height != gt->height ||
      (trimap && (trimap->width != gt->width || trimap->height != gt->height))) {
    cli_error("%s: sizes differ (prediction %dx%d, ground truth %dx%d%s)", name, pred->width,
              pred->height, gt->width, gt->height, trimap ? ", or the trimap" : "");
    return -1;
  }
  eval_scores s;
  if (eval_score_u8(pred->data, gt->data, trimap ? trimap->data : NULL, gt->width, gt->height,
                    &s) ||
      report_add(rep, name, &s, seconds)) {
    cli_error("out of memory scoring %s", name);
    return -1;
  }
  return 0;
}

/* --pred DIR --gt DIR [--trimap DIR]: every ground truth needs a prediction of the same name. */
static int eval_dirs(const char *pred_dir, const char *gt_dir, const char *trimap_dir,
                     report *rep) {
  char err[512], **names = NULL;
  int n = syn_list_images(gt_dir, &names, err, sizeof err), rc = 1;
  if (n < 0) {
    cli_error("%s", err);
    return 1;
  }
  if (n == 0) {
    cli_error("no ground-truth images in '%s'", gt_dir);
    return 1;
  }
  for (int i = 0; i < n; i++) {
    char stem[512], gt_path[4096], pred_path[4096], tri_path[4096];
    stem_of(names[i], stem, sizeof stem);
    snprintf(gt_path, sizeof gt_path, "%s/%s", gt_dir, names[i]);
    if (find_by_stem(pred_dir, stem, pred_path, sizeof pred_path)) {
      cli_error("no prediction for '%s' in '%s' (looked for %s.png, .jpg, ...)", names[i],
                pred_dir, stem);
      goto done;
    }
    if (trimap_dir && find_by_stem(trimap_dir, stem, tri_path, sizeof tri_path)) {
      cli_error("no trimap for '%s' in '%s'", names[i], trimap_dir);
      goto done;
    }
    ct_img *pred = NULL, *gt = NULL, *tri = NULL;
    int bad = load_matte(pred_path, &pred) || load_matte(gt_path, &gt) ||
              (trimap_dir && load_matte(tri_path, &tri)) || score(rep, stem, pred, gt, tri, -1);
    img_free(pred);
    img_free(gt);
    img_free(tri);
    if (bad) goto done;
  }
  rc = 0;
done:
  syn_free_names(names, n);
  return rc;
}

typedef struct pipeline_args {
  const char *set, *model, *save_pred;
  int limit, use_trimap, quiet;
  eval_pipeline_cfg cfg;
} pipeline_args;

/* --pipeline --set DIR: predict every image of DIR/image and score it against DIR/alpha. */
static int eval_pipeline(const pipeline_args *a, report *rep) {
  char image_dir[4096], alpha_dir[4096], trimap_dir[4096], model_buf[4096], err[512];
  snprintf(image_dir, sizeof image_dir, "%s/image", a->set);
  snprintf(alpha_dir, sizeof alpha_dir, "%s/alpha", a->set);
  snprintf(trimap_dir, sizeof trimap_dir, "%s/trimap", a->set);
  if (!is_dir(image_dir) || !is_dir(alpha_dir)) {
    cli_error("'%s' is not a synthesised set (it needs image/ and alpha/ folders)", a->set);
    return 1;
  }
  int use_trimap = a->use_trimap && is_dir(trimap_dir);
  rep->trimap = use_trimap;
  const char *model_path = a->model;
  if (!model_path) {
    if (cli_default_model(model_buf, sizeof model_buf) != 0) return 1;
    model_path = model_buf;
  }
  if (a->save_pred && !is_dir(a->save_pred)) {
    cli_error("--save-pred folder '%s' does not exist", a->save_pred);
    return 1;
  }
  char **names = NULL;
  int n = syn_list_images(image_dir, &names, err, sizeof err), rc = 1;
  if (n <= 0) {
    cli_error("%s", n < 0 ? err : "the set has no images");
    syn_free_names(names, n);
    return 1;
  }
  if (a->limit > 0 && a->limit < n) n = a->limit;
  ct_error e = {0};
  ct_model *model = NULL;
  if (ct_model_load(model_path, &model, &e)) {
    cli_error("%s", e.message);
    goto done;
  }
  for (int i = 0; i < n; i++) {
    char stem[512], path[8192], alpha_path[4096], tri_path[4096];
    stem_of(names[i], stem, sizeof stem);
    snprintf(path, sizeof path, "%s/%s", image_dir, names[i]);
    if (find_by_stem(alpha_dir, stem, alpha_path, sizeof alpha_path) ||
        (use_trimap && find_by_stem(trimap_dir, stem, tri_path, sizeof tri_path))) {
      cli_error("'%s' has no %s in the set", names[i], use_trimap ? "alpha or trimap" : "alpha");
      goto done;
    }
    ct_image *photo = NULL, *pred = NULL;
    ct_img *gt = NULL, *tri = NULL;
    double t0 = cli_now();
    int bad = 0;
    if (ct_image_load(path, &photo, &e) || predict_alpha(model, &a->cfg, photo, &pred, &e)) {
      cli_error("%s: %s", names[i], e.message);
      bad = 1;
    }
    double seconds = cli_now() - t0;
    if (!bad && a->save_pred) {
      snprintf(path, sizeof path, "%s/%s.png", a->save_pred, stem);
      if (ct_image_save(pred, path, &e)) {
        cli_error("%s", e.message);
        bad = 1;
      }
    }
    bad = bad || load_matte(alpha_path, &gt) || (use_trimap && load_matte(tri_path, &tri)) ||
          score(rep, stem, pred, gt, tri, seconds);
    if (!bad && !a->quiet) {
      const eval_scores *s = &rep->rows[rep->n - 1].s;
      fprintf(stderr, "eval: %d/%d %s  SAD %.3f  IoU %.4f  %.2f s\n", i + 1, n, stem, s->sad,
              s->iou, seconds);
    }
    ct_image_free(photo);
    ct_image_free(pred);
    img_free(gt);
    img_free(tri);
    if (bad) goto done;
  }
  rc = 0;
done:
  ct_model_free(model);
  syn_free_names(names, n);
  return rc;
}

int cmd_eval(int argc, char **argv) {
  const char *pred = NULL, *gt = NULL, *trimap = NULL;
  pipeline_args pa = {0};
  pa.use_trimap = 1;
  ct_remove_options_init(&pa.cfg.remove);
  int pipeline = 0;
  remove_args ra;
  remove_args_init(&ra);
  report_format fmt = REPORT_TABLE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has_next = i + 1 < argc, taken;
    if (!strcmp(a, "--pred") && has_next) pred = argv[++i];
    else if (!strcmp(a, "--gt") && has_next) gt = argv[++i];
    else if (!strcmp(a, "--trimap") && has_next) trimap = argv[++i];
    else if (!strcmp(a, "--pipeline")) pipeline = 1;
    else if (!strcmp(a, "--set") && has_next) pa.set = argv[++i];
    else if (!strcmp(a, "--save-pred") && has_next) pa.save_pred = argv[++i];
    else if (!strcmp(a, "--no-trimap")) pa.use_trimap = 0;
    else if (!strcmp(a, "--limit") && has_next) {
      char *end;
      long v = strtol(argv[++i], &end, 10);
      if (*end || v <= 0 || v > 1000000) {
        cli_error("--limit needs a positive number, not '%s'", argv[i]);
        return 2;
      }
      pa.limit = (int)v;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) pa.quiet = 1;
    else if (!strcmp(a, "--json")) fmt = REPORT_JSON;
    else if (!strcmp(a, "--csv")) fmt = REPORT_CSV;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("%s\n%s%s", eval_usage, eval_help, remove_args_help);
      return 0;
    } else if ((taken = remove_args_parse(argc, argv, &i, &ra)) != 0) {
      if (taken < 0) return 2;
    } else {
      cli_error("unknown or incomplete option '%s'\n%s", a, eval_usage);
      return 2;
    }
  }
  if (pipeline ? !pa.set || pred || gt || trimap : !pred || !gt || pa.set) {
    cli_error("%s\n%s",
              pipeline ? "--pipeline needs --set DIR (and no --pred/--gt/--trimap)"
                       : "give --pred DIR and --gt DIR, or --pipeline --set DIR",
              eval_usage);
    return 2;
  }
  if (ra.bg_color_set || ra.bg_image) {
    cli_error("eval scores the matte alone: it takes no --bg-color or --bg-image");
    return 2;
  }
  ct_error err;
  remove_inputs no_inputs;
  if (ra.trimap) {
    cli_error("eval makes a trimap for each photo: it takes no --trimap");
    return 2;
  }
  if (remove_args_apply(&ra, &pa.cfg.remove, &no_inputs, &err)) {
    cli_error("%s", err.message);
    return 2;
  }
  pa.model = ra.model;
  ct_set_threads(ra.threads);
  report rep = {0};
  rep.trimap = trimap != NULL;
  int rc = pipeline ? eval_pipeline(&pa, &rep) : eval_dirs(pred, gt, trimap, &rep);
  if (rc == 0 && report_print(&rep, fmt, stdout)) {
    cli_error("out of memory printing the report");
    rc = 1;
  }
  report_free(&rep);
  return rc;
}
