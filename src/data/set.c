/* Writing a synthesised set to disk: the folders, the samples and the manifest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/synth.h"

void syn_set_options_init(syn_set_options *o) {
  memset(o, 0, sizeof *o);
  o->count = 1;
  o->seed = 1;
  o->width = 1024;
  o->height = 768;
  o->band = 10;
  o->format = "png";
  o->augment = 1;
}

/* mkdir -p */
static int make_dirs(const char *path, char *err, size_t errlen) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path);
  size_t len = strlen(buf);
  for (size_t i = 1; i <= len; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char keep = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
      snprintf(err, errlen, "cannot create folder '%s': %s", buf, strerror(errno));
      return -1;
    }
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
      snprintf(err, errlen, "cannot create folder '%s': a file is in the way", buf);
      return -1;
    }
    buf[i] = keep;
  }
  return 0;
}

static int list_sources(const char *dir, const char *what, char ***names, char *err,
                        size_t errlen) {
  if (!dir) return 0;
  int n = syn_list_images(dir, names, err, errlen);
  if (n == 0) snprintf(err, errlen, "no %s images (png, jpg, webp, tif) in '%s'", what, dir);
  return n > 0 ? n : -1;
}

static int save(const ct_img *im, const char *dir, const char *rel, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  return img_save(im, path, err, errlen) ? -1 : 0;
}

/* Renders and writes sample i; appends its manifest line to mf. */
static int one_sample(const syn_set_options *o, const syn_config *cfg, char **fg_names,
                      char **bg_names, int i, FILE *mf, char *err, size_t errlen) {
  syn_params p;
  syn_draw_params(cfg, o->seed, i, &p);
  char path[4096], name[32];
  snprintf(name, sizeof name, "%06d", i);
  ct_img *fg_src = NULL, *bg_src = NULL;
  syn_sample s = {0};
  int rc = -1;
  if (!p.fg_procedural) {
    snprintf(path, sizeof path, "%s/%s", o->fg_dir, fg_names[p.fg_file]);
    if (img_load_rgba(path, &fg_src, NULL, err, errlen)) goto done;
  }
  if (p.bg == SYN_BG_PHOTO) {
    snprintf(path, sizeof path, "%s/%s", o->bg_dir, bg_names[p.bg_file]);
    if (img_load_rgb(path, &bg_src, err, errlen)) goto done;
  }
  if (syn_render(&p, fg_src, bg_src, &s, err, errlen)) goto done;

  char image[64], alpha[64], trimap[64], fg[64], bg[64];
  snprintf(image, sizeof image, "image/%s.%s", name, o->format);
  snprintf(alpha, sizeof alpha, "alpha/%s.png", name);
  snprintf(trimap, sizeof trimap, "trimap/%s.png", name);
  snprintf(fg, sizeof fg, "fg/%s.png", name);
  snprintf(bg, sizeof bg, "bg/%s.png", name);
  if (save(s.image, o->out_dir, image, err, errlen) ||
      save(s.alpha, o->out_dir, alpha, err, errlen) ||
      save(s.trimap, o->out_dir, trimap, err, errlen) ||
      save(s.fg, o->out_dir, fg, err, errlen) ||
      (o->save_bg && save(s.bg, o->out_dir, bg, err, errlen)))
    goto done;
  syn_paths paths = {p.fg_procedural ? NULL : fg_names[p.fg_file],
                     p.bg == SYN_BG_PHOTO ? bg_names[p.bg_file] : NULL,
                     image, alpha, trimap, fg, o->save_bg ? bg : NULL};
  char *line = syn_manifest_line(&p, &paths);
  if (!line) {
    snprintf(err, errlen, "out of memory for the manifest");
    goto done;
  }
  int bad = fprintf(mf, "%s\n", line) < 0 || fflush(mf) != 0;
  free(line);
  if (bad) {
    snprintf(err, errlen, "cannot write the manifest in '%s': %s", o->out_dir, strerror(errno));
    goto done;
  }
  if (o->progress) o->progress(o->user, i - o->start + 1, o->count, name);
  rc = 0;
done:
  syn_sample_free(&s);
  img_free(fg_src);
  img_free(bg_src);
  return rc;
}

int syn_write_set(const syn_set_options *o, char *err, size_t errlen) {
  if (!o->out_dir || !*o->out_dir) {
    snprintf(err, errlen, "no output folder given");
    return -1;
  }
  if (o->width <= 0 || o->height <= 0 || o->count <= 0 || o->start < 0 || o->band < 0) {
    snprintf(err, errlen, "invalid size %dx%d, count %d, start %d or band %d", o->width,
             o->height, o->count, o->start, o->band);
    return -1;
  }
  if (!o->format || (strcmp(o->format, "png") && strcmp(o->format, "jpg"))) {
    snprintf(err, errlen, "image format must be png or jpg");
    return -1;
  }
  if (!o->fg_dir && !o->procedural_fg) {
    snprintf(err, errlen, "no foregrounds: give a folder of RGBA images or use the built-in ones");
    return -1;
  }
  if (!o->bg_dir && !o->procedural_bg) {
    snprintf(err, errlen, "no backgrounds: give a folder of photos or use the patterned ones");
    return -1;
  }
  char **fg_names = NULL, **bg_names = NULL;
  int nfg = 0, nbg = 0, rc = -1;
  FILE *mf = NULL;
  if ((nfg = list_sources(o->fg_dir, "foreground", &fg_names, err, errlen)) < 0) goto done;
  if ((nbg = list_sources(o->bg_dir, "background", &bg_names, err, errlen)) < 0) goto done;
  static const char *const sub[] = {"image", "alpha", "trimap", "fg", "bg"};
  for (int k = 0; k < 5; k++) {
    if (k == 4 && !o->save_bg) break;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", o->out_dir, sub[k]);
    if (make_dirs(dir, err, errlen)) goto done;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/manifest.jsonl", o->out_dir);
  if (!(mf = fopen(path, "w"))) {
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    goto done;
  }
  syn_config cfg = {.width = o->width,
                    .height = o->height,
                    .band = o->band,
                    .fg_files = nfg,
                    .bg_files = nbg,
                    .procedural_fg = o->procedural_fg,
                    .procedural_bg = o->procedural_bg,
                    .fg_premultiplied = o->fg_premultiplied,
                    .augment = o->augment};
  for (int i = o->start; i < o->start + o->count; i++)
    if (one_sample(o, &cfg, fg_names, bg_names, i, mf, err, errlen)) goto done;
  rc = 0;
done:
  if (mf && fclose(mf) != 0 && rc == 0) {
    snprintf(err, errlen, "cannot write the manifest in '%s': %s", o->out_dir, strerror(errno));
    rc = -1;
  }
  syn_free_names(fg_names, nfg);
  syn_free_names(bg_names, nbg);
  return rc;
}
