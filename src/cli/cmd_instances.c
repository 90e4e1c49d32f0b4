/* cutout instances IN -o DIR [--class NAME]... [--min-score S] [--max-instances N] [--crop]
 *                  [--labels OUT.png] [--detector PATH] [remove options] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/remove_opts.h"

#define MAX_CLASSES 80

static void usage(FILE *f) {
  fprintf(f,
          "usage: cutout instances IN -o DIR [options]\n"
          "\n"
          "One cutout per object: a detector (CenterNet, COCO's 80 classes) finds each person\n"
          "or object, and each gets its own mask at the photo's resolution, from the whole\n"
          "remove pipeline run on its box. Writes DIR/NAME-K.png for the K-th instance (best\n"
          "score first; NAME is IN's name without its extension) and DIR/NAME.json (each\n"
          "instance's class, score, box, area and file). Where instances overlap, each pixel\n"
          "goes to one of them.\n"
          "\n"
          "  -o, --output DIR    the folder to write into (made when missing)\n"
          "      --class NAME    only this class (repeatable; e.g. person, chair, dog)\n"
          "      --min-score S   drop detections scored below S (0-1, default %.2f)\n"
          "      --max-instances N  at most N, best first (default %d)\n"
          "      --crop          each file cropped to its instance (default: photo-sized)\n"
          "      --labels F      also a label image F (.png, the photo's size): 0 background,\n"
          "                      K where the K-th instance's alpha is 128 or more\n"
          "      --detector PATH the detector's model.json (default: $CUTOUT_DETECTOR, or\n"
          "                      centernet.json from the model folders, as 'cutout help'\n"
          "                      lists; scripts/fetch-tfjs-models.sh fetches it)\n"
          "  -q, --quiet         print nothing but errors\n"
          "\n"
          "and remove's options for each instance's cutout:\n%s",
          CT_DETECT_MIN_SCORE, CT_DETECT_MAX, remove_args_help);
}

static void stem_of(const char *in, char *buf, size_t len) {
  const char *slash = strrchr(in, '/'), *base = slash ? slash + 1 : in;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
  snprintf(buf, len, "%.*s", (int)n, base);
}

/* The smallest rectangle holding every non-zero pixel of mask (the box when it has none). */
static void extent(const ct_image *mask, const ct_detection *d, int r[4]) {
  if (ct_image_extent(mask, r)) return;
  int W = ct_image_width(mask), H = ct_image_height(mask);
  int x0 = (int)d->x0, y0 = (int)d->y0, x1 = (int)d->x1, y1 = (int)d->y1;
  x1 = x1 >= W ? W - 1 : x1 < x0 ? x0 : x1;
  y1 = y1 >= H ? H - 1 : y1 < y0 ? y0 : y1;
  r[0] = x0, r[1] = y0, r[2] = x1 - x0 + 1, r[3] = y1 - y0 + 1;
}

/* text into path through a temporary file beside it, renamed into place: a full disk leaves
 * the old file as it was. 0, or -1 after saying why. */
static int write_text(const char *path, const char *text) {
  char tmp[4500];
  snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "w");
  int ok = f && fputs(text, f) >= 0;
  if (f && fclose(f) != 0) ok = 0;
  if (!ok || rename(tmp, path) != 0) {
    cli_error("cannot write '%s': %s", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

int cmd_instances(int argc, char **argv) {
  const char *in = NULL, *dir = NULL, *labels = NULL, *detector_path = NULL;
  int quiet = 0, crop = 0, taken, classes[MAX_CLASSES], n_classes = 0, most = 0;
  float min_score = 0;
  remove_args margs;
  remove_args_init(&margs);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && v) {
      dir = argv[++i];
    } else if (!strcmp(a, "--class") && v) {
      int c = ct_class_id(argv[++i]);
      if (c < 0) {
        cli_error("--class: '%s' is not one of the detector's classes (COCO's: person, car, "
                  "chair, dog, ...)", v);
        return 2;
      }
      if (n_classes < MAX_CLASSES) classes[n_classes++] = c;
    } else if (!strcmp(a, "--min-score") && v) {
      char *end;
      min_score = strtof(argv[++i], &end);
      if (end == v || *end || !(min_score > 0 && min_score <= 1)) {
        cli_error("--min-score needs a number above 0, at most 1, not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--max-instances") && v) {
      if ((most = cli_parse_int(argv[++i])) <= 0 || most > CT_DETECT_MAX) {
        cli_error("--max-instances needs a number from 1 to %d, not '%s'", CT_DETECT_MAX, v);
        return 2;
      }
    } else if (!strcmp(a, "--labels") && v) {
      labels = argv[++i];
    } else if (!strcmp(a, "--detector") && v) {
      detector_path = argv[++i];
    } else if (!strcmp(a, "--crop")) {
      crop = 1;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if ((taken = remove_args_parse(argc, argv, &i, &margs)) != 0) {
      if (taken < 0) return 2;
    } else if (a[0] == '-' && a[1]) {
      cli_error("unknown or incomplete option '%s' (try 'cutout instances --help')", a);
      return 2;
    } else if (!in) {
      in = a;
    } else {
      cli_error("unexpected argument '%s'", a);
      return 2;
    }
  }
  if (!in || !dir) {
    cli_error("usage: cutout instances IN -o DIR [options] (try 'cutout instances --help')");
    return 2;
  }
  if (margs.subject) {
    cli_error("--subject is remove's: instances writes every instance (choose them with "
              "--class, --max-instances)");
    return 2;
  }
  if (margs.trimap) {
    cli_error("--trimap is one photo's trimap and fits no instance's crop: leave it out");
    return 2;
  }
  if (remove_args_check(&margs, "instance.png") != 0) return 2;
  if (labels && (cli_check_output(labels) != 0)) return 1;
  if (labels && (!strcmp(labels, in) || cli_same_file(labels, in))) {
    cli_error("the labels file '%s' is the input photo; choose another name", labels);
    return 2;
  }
  if (cli_make_dir(dir) != 0) return 1;
  char model_buf[4096], det_buf[4096], stem[1024];
  const char *model_path = NULL;
  if (remove_args_model(&margs, model_buf, sizeof model_buf, &model_path) != 0) return 1;
  if (!detector_path) {
    if (cli_default_detector(det_buf, sizeof det_buf) != 0) return 1;
    detector_path = det_buf;
  }
  stem_of(in, stem, sizeof stem);
  ct_set_threads(margs.threads);
  double t0 = cli_now();
  ct_error err = {0};
  ct_image *photo = NULL, *label_im = NULL, **masks = NULL;
  ct_model *model = NULL;
  ct_detector *det = NULL;
  ct_detection *d = NULL;
  remove_inputs inputs = {0};
  cJSON *root = NULL;
  char *text = NULL;
  int count = 0, rc = 1;
  ct_remove_options opts;
  ct_remove_options_init(&opts);
  if (remove_args_apply(&margs, &opts, &inputs, &err)) goto done;
  if (ct_image_load(in, &photo, &err)) goto done;
  if (ct_detector_load(detector_path, &det, &err)) goto done;
  ct_detect_options dopts = {.min_score = min_score, .max_instances = most,
                             .classes = n_classes ? classes : NULL, .n_classes = n_classes};
  if (ct_detect(det, photo, &dopts, &d, &count, &err)) goto done;
  double t_detect = cli_now() - t0;
  masks = calloc(count > 0 ? (size_t)count : 1, sizeof *masks);
  if (!masks) {
    err.code = CT_ERR_MEMORY;
    snprintf(err.message, sizeof err.message, "out of memory");
    goto done;
  }
  if (count && ct_model_load(model_path, &model, &err)) goto done;
  ct_remove_options mopts = opts;
  mopts.mask_only = 1;
  if (count && ct_instance_masks(model, photo, d, count, &mopts, masks, &err)) goto done;
  int W = ct_image_width(photo), H = ct_image_height(photo);
  root = cJSON_CreateObject();
  cJSON *list = cJSON_CreateArray();
  cJSON_AddStringToObject(root, "photo", in);
  cJSON_AddNumberToObject(root, "width", W);
  cJSON_AddNumberToObject(root, "height", H);
  cJSON_AddItemToObject(root, "instances", list);
  uint8_t *lab = NULL;
  if (labels) {
    uint8_t *zero = calloc((size_t)W * H, 1);
    if (zero) ct_image_from_pixels(zero, W, H, 1, (size_t)W, &label_im, &err);
    free(zero);
    if (!label_im) goto done;
    lab = (uint8_t *)ct_image_pixels(label_im);
  }
  for (int k = 0; k < count; k++) {
    const uint8_t *m = ct_image_pixels(masks[k]);
    long area = 0;
    for (size_t i = 0; i < (size_t)W * H; i++)
      if (m[i] >= 128) {
        area++;
        if (lab) lab[i] = (uint8_t)(k + 1);
      }
    int r[4] = {0, 0, W, H};
    if (crop) extent(masks[k], &d[k], r);
    ct_image *src = photo, *alpha = masks[k], *cut = NULL;
    if (crop && (ct_image_crop(photo, r[0], r[1], r[2], r[3], &src, &err) ||
                 ct_image_crop(masks[k], r[0], r[1], r[2], r[3], &alpha, &err))) {
      ct_image_free(src);
      goto done;
    }
    char file[1100], path[4400];
    snprintf(file, sizeof file, "%s-%d.png", stem, k + 1);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    ct_status st = margs.mask ? ct_image_save(alpha, path, &err)
                   : ct_composite(src, alpha, &opts, &cut, &err) || ct_image_save(cut, path, &err);
    ct_image_free(cut);
    if (crop) {
      ct_image_free(src);
      ct_image_free(alpha);
    }
    if (st) goto done;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", k + 1);
    cJSON_AddStringToObject(o, "class", ct_class_name(d[k].cls));
    cJSON_AddNumberToObject(o, "score", (int)(d[k].score * 1000 + 0.5) / 1000.0);
    float b[4] = {d[k].x0, d[k].y0, d[k].x1, d[k].y1};
    cJSON *box = cJSON_CreateArray();
    for (int j = 0; j < 4; j++) cJSON_AddItemToArray(box, cJSON_CreateNumber((int)(b[j] + 0.5)));
    cJSON_AddItemToObject(o, "box", box);
    cJSON_AddNumberToObject(o, "area", (double)area);
    cJSON_AddStringToObject(o, "file", file);
    if (crop) {
      cJSON *c = cJSON_CreateArray();
      for (int j = 0; j < 4; j++) cJSON_AddItemToArray(c, cJSON_CreateNumber(r[j]));
      cJSON_AddItemToObject(o, "crop", c);
    }
    cJSON_AddItemToArray(list, o);
    if (!quiet)
      printf("%d: %s %.2f, box (%.0f,%.0f)-(%.0f,%.0f), %ld pixels -> %s\n", k + 1,
             ct_class_name(d[k].cls), d[k].score, b[0], b[1], b[2], b[3], area, path);
  }
  if (label_im && ct_image_save(label_im, labels, &err)) goto done;
  char json_path[4400];
  snprintf(json_path, sizeof json_path, "%s/%s.json", dir, stem);
  text = cJSON_Print(root);
  if (!text || write_text(json_path, text) != 0) {
    if (!text) cli_error("out of memory");
    rc = 1;
    goto quiet_done;
  }
  rc = 0;
  if (!quiet)
    printf("%s: %d instance%s (detection %.2f s, all %.2f s) -> %s\n", in, count,
           count == 1 ? "" : "s", t_detect, cli_now() - t0, json_path);
done:
  if (rc) cli_error("%s", err.message);
quiet_done:
  free(text);
  cJSON_Delete(root);
  for (int k = 0; masks && k < count; k++) ct_image_free(masks[k]);
  free(masks);
  free(d);
  ct_image_free(label_im);
  ct_image_free(photo);
  remove_inputs_free(&inputs);
  ct_detector_free(det);
  ct_model_free(model);
  return rc;
}
