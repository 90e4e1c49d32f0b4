/* The parameters of POST /api/remove and POST /api/instances, from the query string or form
 * fields.
 *
 *   size      full (default) | auto (= full) | preview: the result at the photo's size, or
 *             scaled down to fit 0.25 megapixels (the photo is scaled before the network)
 *   format    png (default) | webp | jpg | auto: png, or jpg when bg_color is opaque
 *   bg_color  a background under the cutout: hex (f00, f00a, ff0000, ff0000aa, '#' allowed)
 *             or R,G,B[,A] in 0..255; opaque gives an RGB image. (A background image comes
 *             as the form's file field bg_image_file: see request.h.)
 *   channels  rgba (default) | alpha: the alpha mask alone, greyscale
 *   mask_only true|false: the same as channels=alpha
 *   foreground true (default)|false: soft pixels take the estimated colour of the subject
 *             (no trace of the old background), or keep the photo's own
 *   tiles     true|false: refine edges with the tile pass
 *   tile_size, tile_overlap  tile geometry in photo pixels (imply tiles)
 *   tile_scale  photo pixels per tile pixel, 1..64 (implies tiles; default automatic)
 *   per_channel true|false: the per-channel pass (cutout remove --channels)
 *   matting   full (default) | fast | off: alpha matting (cutout remove --matting)
 *   subject   all | largest | a COCO class ("person", "dog"): keep only those instances, as
 *             cutout remove --subject (needs the service's detector)
 * /api/instances takes the quality parameters (foreground, tiles, tile_*, per_channel,
 * matting, quality, framing) and its own (params_detect.c):
 *   class     only these classes: repeatable, or a comma list (class=person,dog)
 *   min_score drop detections scored below, 0 < s <= 1 (default CT_DETECT_MIN_SCORE)
 *   max_instances  at most this many, best first, 1..CT_DETECT_MAX (the service may allow
 *             fewer: sv_config.max_instances)
 *   crop      true|false: each PNG cropped to its instance (default false: the photo's size)
 * Booleans read 1/0, true/false, yes/no, on/off; a name without a value means true. */
#ifndef CUTOUT_SERVE_PARAMS_H
#define CUTOUT_SERVE_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "cutout.h"

typedef enum { SV_SIZE_FULL = 0, SV_SIZE_PREVIEW = 1 } sv_size;
typedef enum { SV_FMT_PNG = 0, SV_FMT_WEBP, SV_FMT_JPG, SV_FMT_AUTO } sv_format;
/* Which endpoint the parameters are for: each takes its own names. */
typedef enum { SV_ROUTE_REMOVE = 1, SV_ROUTE_INSTANCES = 2 } sv_route;
#define SV_MAX_CLASSES 80

/* Pixels of the largest size=preview result (remove.bg's preview size). */
#define SV_PREVIEW_PIXELS 250000

typedef struct sv_params {
  sv_route route;   /* SV_ROUTE_REMOVE unless set after sv_params_init */
  sv_size size;
  sv_format format;
  int alpha_only;   /* channels=alpha or mask_only */
  int channels_set; /* channels given: 4 (rgba) or 1 (alpha), 0 when not given */
  int has_bg;
  uint8_t bg[4];    /* R, G, B, A */
  int has_bg_image; /* set by the caller when the form holds bg_image_file */
  ct_remove_options opts; /* for the library; sv_params_finish sets mask_only, bg_color;
                             opts.subject is a static string (or NULL) */
  /* /api/instances */
  int classes[SV_MAX_CLASSES]; /* COCO class ids, each once */
  int n_classes;
  float min_score;   /* 0: the detector's default */
  int max_instances; /* 0: the service's limit */
  int crop;
} sv_params;

void sv_params_init(sv_params *p);
/* For the parameters of /api/instances (call right after sv_params_init). */
void sv_params_for_instances(sv_params *p);
/* 1 when the request needs the service's detector (subject, or /api/instances). */
int sv_params_need_detector(const sv_params *p);

/* Sets one parameter. 0, or -1 with the reason in err (an unknown name or a bad value).
 * value may be NULL (a name without a value). */
int sv_param_set(sv_params *p, const char *name, const char *value, char *err, size_t errlen);

/* Checks the parameters together and resolves format=auto; 0, or -1 with the reason. */
int sv_params_finish(sv_params *p, char *err, size_t errlen);

/* "png", "webp" or "jpg" and the matching media type, for a finished sv_params. */
const char *sv_format_name(sv_format f);
const char *sv_format_media_type(sv_format f);

/* Colour parsing for bg_color; 0, or -1 when s is not a colour. */
int sv_parse_color(const char *s, uint8_t rgba[4]);
/* Boolean parsing (NULL is true); 0, or -1 when s is not a boolean. */
int sv_parse_bool(const char *s, int *out);

#endif
