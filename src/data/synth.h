/* Dataset synthesis: foregrounds with transparency composited onto backgrounds, with
 * augmentation, written as image + alpha + trimap + foreground colour + manifest.
 *
 * Every sample is a pure function of (set seed, sample index, configuration, source files):
 * syn_draw_params draws all the sample's parameters from a generator seeded by
 * syn_seed_mix(set seed, index), and syn_render turns them into pixels with no other source
 * of randomness. The composite obeys I = round(a*F + (1-a)*B) exactly on the 8-bit alpha a,
 * foreground colour F and background B that are written out; only the optional degradations
 * (sensor noise, JPEG re-compression) are applied afterwards, to the image alone. */
#ifndef CUTOUT_DATA_SYNTH_H
#define CUTOUT_DATA_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "data/raster.h"
#include "image/image.h"

typedef enum syn_bg_kind {
  SYN_BG_PHOTO,
  SYN_BG_STRIPES,
  SYN_BG_CHECKS,
  SYN_BG_NOISE,
  SYN_BG_GRADIENT,
  SYN_BG_FABRIC,
  SYN_BG_KINDS
} syn_bg_kind;

/* "photo", "stripes", ... */
const char *syn_bg_kind_name(syn_bg_kind k);

/* What the generator may use. */
typedef struct syn_config {
  int width, height;    /* canvas size */
  int band;             /* trimap unknown band, pixels either side of the soft edge */
  int fg_files;         /* number of foreground files to choose from (0: none) */
  int bg_files;         /* number of background photos to choose from (0: none) */
  int procedural_fg;    /* 1: built-in foregrounds allowed */
  int procedural_bg;    /* 1: patterned backgrounds allowed */
  int fg_premultiplied; /* 1: foreground files hold premultiplied colour */
  int augment;          /* 0: no geometric or photometric augmentation */
} syn_config;

/* The built-in foreground: a head-and-shoulders silhouette with hair strands, optional fur
 * on the shoulders and an optional veil, in canvas coordinates before the placement. */
typedef struct syn_fg_shape {
  uint64_t seed;                         /* per-strand randomness and shading noise */
  double head_cx, head_cy, head_rx, head_ry;
  double body_cx, body_cy, body_rx, body_ry;
  double wobble_amp[4], wobble_phase[4]; /* boundary harmonics 2..5 (fraction of radius) */
  float skin[3], cloth[3], hair[3];
  int strands;                           /* hair strands, 1-3 px wide */
  double strand_len, curl, gravity, strand_opacity;
  int fur;                               /* fur strands on the shoulders (0: none) */
  double fur_len;
  int veil;                              /* 1: a semi-transparent net over one side */
  double veil_opacity, veil_period;
  float veil_colour[3];
} syn_fg_shape;

typedef struct syn_params {
  uint64_t set_seed, seed; /* seed = syn_seed_mix(set_seed, index) */
  int index, width, height, band;
  /* foreground */
  int fg_procedural; /* 1: built-in (shape), 0: file number fg_file */
  int fg_file;
  int fg_premultiplied;
  syn_fg_shape shape;
  double scale, angle, tx, ty; /* placement: scale of the fit, degrees, shift (canvas fraction) */
  int flip;
  syn_jitter fg_jitter;
  double fg_blur; /* Gaussian sigma, pixels (premultiplied, alpha included) */
  /* background */
  syn_bg_kind bg;
  int bg_file;                       /* for SYN_BG_PHOTO */
  double crop, crop_x, crop_y;       /* photo: crop size (fraction of the largest) and place */
  int bg_flip;
  int close_colour;                  /* 1: colours near the foreground's mean colour */
  float colour_delta[2][3];          /* offsets from that mean when close_colour */
  float colour[2][3];                /* the two pattern colours (resolved by syn_render) */
  double period, angle_bg, softness; /* pattern size (px), direction (deg), edge softness */
  int octaves, radial, twill;
  syn_jitter bg_jitter;
  double bg_blur;
  /* degradations of the final image */
  double noise; /* Gaussian sigma in 8-bit steps */
  int jpeg;     /* re-compression quality, 0 for none */
} syn_params;

/* Draws sample index of the set seeded by set_seed. */
void syn_draw_params(const syn_config *cfg, uint64_t set_seed, int index, syn_params *p);

typedef struct syn_sample {
  ct_img *image;     /* RGB, after the degradations */
  ct_img *composite; /* RGB, round(a*F + (1-a)*B) */
  ct_img *alpha;     /* grey */
  ct_img *trimap;    /* grey: 0 background, 128 unknown, 255 foreground */
  ct_img *fg;        /* RGB foreground colour, 0 where alpha is 0 */
  ct_img *bg;        /* RGB background */
} syn_sample;

void syn_sample_free(syn_sample *s);

/* Renders p. fg_src is the foreground file's pixels (RGBA, or RGB/grey taken as opaque)
 * when !p->fg_procedural, bg_src the background photo when p->bg == SYN_BG_PHOTO; both
 * NULL otherwise. Resolves p->colour. Returns 0, or -1 with a message in err. */
int syn_render(syn_params *p, const ct_img *fg_src, const ct_img *bg_src, syn_sample *out,
               char *err, size_t errlen);

/* Draws the built-in foreground through the placement fwd/inv into a premultiplied RGBA
 * layer of the canvas size. Returns 0, or -1 when out of memory. */
int syn_draw_shape(const syn_fg_shape *s, const syn_affine *fwd, const syn_affine *inv,
                   double scale, syn_fimg *layer);

/* Fills an opaque RGB layer with the pattern of p (p->colour resolved). */
void syn_draw_background(const syn_params *p, syn_fimg *bg);

/* Trimap of an 8-bit alpha: 255 where every pixel within Euclidean distance band is 255,
 * 0 where every pixel within band is 0, 128 elsewhere (band 0: exactly the pixels with
 * 0 < a < 255). Returns 0, or -1 when out of memory. */
int syn_trimap(const uint8_t *alpha, int w, int h, int band, uint8_t *trimap);

/* Composites the quantised layers: a = round(255*A), F = round(255*clamp(Fp/A)) (0 where
 * a is 0), B = round(255*bg), I = round(a*F + (1-a)*B) with a in [0, 1]. Fills
 * composite, alpha, fg and bg of out (allocated here). Returns 0, or -1 when out of memory. */
int syn_composite(const syn_fimg *fg, const syn_fimg *bg, syn_sample *out);

/* Adds Gaussian noise of sigma (8-bit steps; per channel, seeded per row) to an RGB image,
 * then JPEG re-compresses it at quality when quality > 0. *out is a new image. Returns 0,
 * or -1 with a message in err. */
int syn_degrade(const ct_img *in, double sigma, int quality, uint64_t seed, ct_img **out,
                char *err, size_t errlen);

/* The manifest line of a sample (one JSON object, no newline), with the source names and
 * the written files; malloc'd, NULL when out of memory. Names may be NULL. */
typedef struct syn_paths {
  const char *fg_source, *bg_source;
  const char *image, *alpha, *trimap, *fg, *bg;
} syn_paths;
char *syn_manifest_line(const syn_params *p, const syn_paths *paths);

/* A whole set on disk. */
typedef struct syn_set_options {
  const char *fg_dir;   /* NULL: no foreground files */
  const char *bg_dir;   /* NULL: no background photos */
  int procedural_fg, procedural_bg, fg_premultiplied, augment;
  const char *out_dir;
  int count, start;     /* samples start .. start + count - 1 */
  uint64_t seed;
  int width, height, band;
  const char *format;   /* image format: "png" or "jpg" */
  int save_bg;          /* 1: also write bg/NAME.png */
  /* called after each sample (may be NULL) */
  void (*progress)(void *user, int done, int total, const char *name);
  void *user;
} syn_set_options;

void syn_set_options_init(syn_set_options *o);

/* Creates out_dir/{image,alpha,trimap,fg[,bg]}/ and writes the samples and
 * out_dir/manifest.jsonl. Returns 0, or -1 with a message in err. */
int syn_write_set(const syn_set_options *o, char *err, size_t errlen);

/* Image files (png, jpg, jpeg, webp, tif, tiff) directly in dir, sorted by name (bytewise):
 * *names is a malloc'd array of malloc'd names (free with syn_free_names). Returns the count,
 * or -1 with a message in err. */
int syn_list_images(const char *dir, char ***names, char *err, size_t errlen);
void syn_free_names(char **names, int n);

#endif
