/* cutout — background removal for photos of any size.
 *
 *   ct_model *model;  ct_image *photo, *cut;  ct_error err;
 *   ct_model_load("models/isnet-fp16.onnx", &model, &err);
 *   ct_image_load("photo.jpg", &photo, &err);
 *   ct_remove(model, photo, NULL, &cut, &err);       // RGBA, same size as the photo
 *   ct_image_save(cut, "photo.png", &err);
 *   ct_image_free(cut); ct_image_free(photo); ct_model_free(model);
 *
 * Every call that can fail returns a ct_status and, when err is not NULL, fills it with the
 * same code and a one-line message for a person. Handles are opaque; free each with its
 * _free function (NULL is accepted). A model may be shared by several threads: its network
 * runs take turns (one at a time, on whichever thread calls), the rest runs in parallel. */
#ifndef CUTOUT_H
#define CUTOUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
/* libcutout.so is built with -fvisibility=hidden: what this header declares is its interface. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define CUTOUT_VERSION "0.1.0"

typedef enum ct_status {
  CT_OK = 0,
  CT_ERR_ARGUMENT = 1,    /* a bad argument or option */
  CT_ERR_IO = 2,          /* a file is missing, unreadable or unwritable */
  CT_ERR_IMAGE = 3,       /* not an image, a damaged image, or too large */
  CT_ERR_MODEL = 4,       /* not an ONNX model, or a damaged one */
  CT_ERR_UNSUPPORTED = 5, /* a valid model using ops or types cutout does not implement */
  CT_ERR_MEMORY = 6,      /* out of memory */
  CT_ERR_INTERNAL = 7     /* anything else */
} ct_status;

typedef struct ct_error {
  ct_status code;
  char message[512];
} ct_error;

/* "ok", "argument", "io", ... */
const char *ct_status_name(ct_status code);
const char *ct_version(void);
/* One line on what runs here: the libraries' versions, the CPU's instruction set as the
 * engine uses it (ONEDNN_MAX_CPU_ISA caps it) and the convolutions' arithmetic, e.g.
 * "libvips 8.14.1, oneDNN 2.6.3, avx512_core_bf16, convolutions in bfloat16". Starts
 * libvips. */
void ct_runtime_info(char *buf, size_t len);

/* Worker threads for inference and image work; n <= 0 means one per core. Process-wide:
 * it applies to the network runs of every thread. */
void ct_set_threads(int n);

/* The network's arithmetic. AUTO (the default): convolutions multiply bfloat16 numbers with
 * float32 sums where the CPU does that in hardware (AVX512_BF16 dot products or AMX tiles:
 * faster, half the memory; masks differ from float32 ones by a few 1/255 steps at a few
 * pixels), float32 elsewhere; the environment variable CUTOUT_PRECISION=f32|bf16 overrides
 * AUTO. F32: float32 throughout, as onnxruntime. BF16: bfloat16 whatever the environment
 * says. A CPU without bfloat16 arithmetic computes float32 whatever the choice. The CPU's
 * instruction set is read from oneDNN, so ONEDNN_MAX_CPU_ISA caps it.
 * Applies to runs after the call. */
typedef enum ct_precision {
  CT_PRECISION_AUTO = 0,
  CT_PRECISION_F32 = 1,
  CT_PRECISION_BF16 = 2
} ct_precision;
void ct_set_precision(ct_precision p);

/* on: the process runs the models it loads from now on once or twice (one photo below the
 * tiles' size, as `cutout remove` does): convolutions whose Winograd transforms would take
 * over 64 MiB run directly, slower per run but faster in a fresh process, which pays a page
 * fault for each page it touches first (on AVX-512 in float32 only; its own prepared cache
 * file). 0 (the default): every convolution in its fastest kernel per run. */
void ct_set_one_shot(int on);

/* Prepared models outlive the process: ct_model_load and ct_refiner_load keep each model
 * as it runs on this CPU (its optimised graph, its weights in the kernels' layouts) in a
 * cache file, and later loads map that file instead of parsing the model and transforming
 * its weights again. A file is keyed by the model's content hash, the engine's build,
 * oneDNN's version, the CPU's instruction set and the arithmetic; one that is damaged,
 * truncated, stale or foreign is never used but made again; files are written whole or not
 * at all; a cache that cannot be written only costs time. dir: the folder; NULL: the
 * default, $CUTOUT_CACHE_DIR, else $XDG_CACHE_HOME/cutout, else ~/.cache/cutout. enabled 0:
 * no cache. Process-wide; applies to later loads. */
void ct_set_cache(int enabled, const char *dir);

/* ---- Images: 8-bit, interleaved, 1 (grey), 3 (RGB) or 4 (RGBA) channels. ---- */
typedef struct ct_img ct_image;

/* Decodes any format libvips reads into sRGB RGB, with EXIF orientation applied. */
ct_status ct_image_load(const char *path, ct_image **out, ct_error *err);
ct_status ct_image_load_memory(const void *data, size_t size, ct_image **out, ct_error *err);
/* Reads the header alone: the format, the size (after EXIF orientation) and the size limits,
 * in milliseconds and without the memory that decoding takes. */
ct_status ct_image_probe(const char *path, int *width, int *height, ct_error *err);
/* Decodes into one grey channel (luma), as masks and trimaps are read. */
ct_status ct_image_load_grey(const char *path, ct_image **out, ct_error *err);
/* Copies pixels (rows stride bytes apart) into a new image. */
ct_status ct_image_from_pixels(const uint8_t *pixels, int width, int height, int channels,
                               size_t stride, ct_image **out, ct_error *err);
/* Writes PNG, WebP, JPEG or TIFF by the path's extension. The file appears complete or
 * not at all (written under a temporary name, then renamed). */
ct_status ct_image_save(const ct_image *im, const char *path, ct_error *err);
int ct_image_width(const ct_image *im);
int ct_image_height(const ct_image *im);
int ct_image_channels(const ct_image *im);
/* width * height * channels bytes, row after row. */
const uint8_t *ct_image_pixels(const ct_image *im);
void ct_image_free(ct_image *im);
/* The w x h rectangle of im at (x, y) as a new image (CT_ERR_ARGUMENT when it does not lie
 * inside im). */
ct_status ct_image_crop(const ct_image *im, int x, int y, int w, int h, ct_image **out,
                        ct_error *err);
/* The smallest rectangle {x, y, w, h} holding every non-zero pixel of a 1-channel image (a
 * mask): 1, or 0 (rect left as it was) when it has none. */
int ct_image_extent(const ct_image *mask, int rect[4]);

/* ---- Models: ONNX segmentation networks (ISNet, U-2-Net and the like). ---- */
typedef struct ct_model ct_model;

/* Loads and prepares an ONNX model whose first input is 1x3xHxW and whose first output is
 * a 1-channel mask (a probability in [0,1]). */
ct_status ct_model_load(const char *path, ct_model **out, ct_error *err);
void ct_model_free(ct_model *model);
/* The network's input size (1024x1024 for ISNet). */
void ct_model_input_size(const ct_model *model, int *width, int *height);
/* What the prepared-model cache did at the model's load: "from the cache", "prepared, kept
 * in FILE", "prepared again, FILE: why", "prepared, not cached: why" or "no cache". */
const char *ct_model_cache_note(const ct_model *model);

/* ---- Removing the background. ---- */
/* Alpha matting over the trimap's unknown band (ct_matte). */
typedef enum ct_matting {
  CT_MATTING_OFF = 0,  /* the mask as the network (and the tiles) gave it */
  CT_MATTING_FAST = 1, /* a colour guided filter of the mask: a preview */
  CT_MATTING_FULL = 2  /* closed-form matting (Levin et al.) solved by conjugate gradient */
} ct_matting;

/* How the global pass puts the photo into the network's square input. Stretching it (what
 * rembg and imgly do) gives the network the most pixels of the subject; letterboxing it (its
 * aspect kept, centred on the network's mean colour) shows the subject at its own shape with
 * room around it, which rescues photos whose subject fills or leaves the frame (a wig filling
 * the photo: whole-image SAD 228 -> 47) and loses others (a soft toy: 6 -> 81). Automatic
 * framing stretches; when more than CT_FRAMING_UNSURE of that mask is unsure (strictly
 * between 0.1 and 0.9), it runs the letterboxed input too and keeps the surer mask: on the
 * real set 0.45x the stretched pass's SAD, on the synthesised set 0.99x. */
typedef enum ct_framing {
  CT_FRAMING_AUTO = 0,    /* stretched, and letterboxed as well when that mask is unsure */
  CT_FRAMING_STRETCH = 1, /* resized to the input size, aspect not kept: one network run */
  CT_FRAMING_FIT = 2      /* letterboxed: one network run */
} ct_framing;
#define CT_FRAMING_UNSURE 0.045

/* The automatic tile scale: a photo CT_TILE_AUTO_SPAN network inputs long or shorter (6144
 * pixels with ISNet: a 24-megapixel photo) is tiled at its own pixels; a longer one is
 * scaled down to that length first, which bounds the tiles' count and time. */
#define CT_TILE_AUTO_SPAN 6
/* Automatic tiles: on photos at least this many network inputs long (2048 pixels with ISNet),
 * where a tile's pixel is at most half the global pass's; below it the tiles cost a network
 * run each for little detail. */
#define CT_TILES_AUTO (-1)
#define CT_TILES_AUTO_MIN 2

/* What each stage of ct_remove did and how long it took (seconds of wall time). */
typedef struct ct_remove_stats {
  double global_s;                 /* the global pass (and the per-channel pass) */
  ct_framing framing;              /* the framing whose mask was kept (STRETCH or FIT) */
  double unsure_stretched;         /* share of unsure pixels in the stretched mask, */
  double unsure_fitted;            /* and in the letterboxed one (-1: not run) */
  double tiles_s;                  /* the tile pass */
  int tiles_run, tiles_total;      /* tiles inferred, tiles laid out */
  double refine_s;                 /* the tile refiner (its trimap included) */
  double matting_s;                /* trimap and matting */
  long unknown;                    /* pixels the matting solved */
  int iterations;                  /* the most solver iterations any tile of them needed */
  double residual;                 /* the largest final relative residual */
  double composite_s;              /* foreground colours and compositing */
  int instances_found;             /* with a subject: the detector's instances of its kind, */
  int instances_kept;              /* and those kept (0 found: see ct_remove_options.subject) */
  double detect_s;                 /* the detector's pass */
  double instances_s;              /* the instances' masks */
} ct_remove_stats;

typedef struct ct_remove_options {
  int mask_only;    /* 1: the result is the alpha mask alone (1 channel) */
  int tiles;        /* 1: refine the global mask with the tile pass (ct_tiled_mask); 0: no
                       tiles; CT_TILES_AUTO (the default): tiles where the photo's longer
                       side is at least CT_TILES_AUTO_MIN network inputs */
  int tile_size;    /* tile side in photo pixels; 0: the network's input width */
  int tile_overlap; /* pixels shared by neighbouring tiles; 0: a quarter of the tile size */
  double tile_scale; /* photo pixels per tile pixel (1: the photo's own pixels; up to 64);
                        0: automatic, the photo's longest side over CT_TILE_AUTO_SPAN
                        network inputs, at least 1 (1 up to 6144 pixels with ISNet) */
  ct_framing framing; /* the global pass's framing (default automatic: ct_global_mask) */
  int channels;     /* 1: the per-channel pass refines the global mask (ct_channel_mask) */
  ct_matting matting; /* alpha matting at the photo's resolution (default full) */
  int trimap_fg;    /* mask >= this is sure foreground before erosion; 0: 240 */
  int trimap_bg;    /* mask <= this is sure background before erosion; 0: 10 */
  int trimap_erode; /* pixels the sure regions shrink by; 0: the photo's larger side / 400 */
  int trimap_slic;  /* 1: the unknown band snaps to SLIC superpixels of the photo */
  const ct_image *trimap; /* when set: this trimap (1 channel, the photo's size: 0 background,
                         255 foreground, anything else unknown) instead of one made */
  const char *debug_dir; /* when set: the intermediate masks are written there as PNG */
  int foreground;     /* 1 (default): soft pixels take the estimated foreground colour (no
                         trace of the old background); 0: the photo's own colours */
  uint8_t bg_color[4]; /* r, g, b, a composited under the cutout: a = 255 gives an opaque RGB
                         result, 0 < a < 255 a translucent RGBA one, a = 0 (default) none */
  const ct_image *bg_image; /* when set: composited under the cutout instead, scaled to cover
                         the photo and centred; RGB result (RGBA when it has 4 channels) */
  ct_remove_stats *stats; /* when set: ct_remove (and ct_matte) fill it in */
  struct ct_refiner *refiner; /* when set: the tile refiner (ct_refine) runs on the mask's
                         unknown band before matting */
  const char *subject; /* when set (with detector): the cutout keeps only these instances,
                         each masked by ct_instance_masks: "all" (every object the detector
                         finds), "largest" (the one with the largest box, as its mask is among
                         its neighbours'), or a class's name ("person", "chair": every one of
                         them). When the detector finds nothing, "all" and "largest" give the
                         ordinary cutout and a class gives an empty (transparent) one. */
  struct ct_detector *detector; /* the detector for subject (ct_detector_load) */
} ct_remove_options;

/* The defaults: the best measured pipeline. Automatic framing, tiles on large photos
 * (CT_TILES_AUTO), closed-form matting at the photo's resolution over an automatic trimap,
 * foreground colours (real set, whole-image SAD: 0.32x the stretched global pass's; README,
 * "The default pipeline"). */
void ct_remove_options_init(ct_remove_options *opts);
/* The global pass alone, stretched, no tiles, no matting: what rembg and imgly give, in one
 * network run (remove --fast, quality=fast). */
void ct_remove_options_fast(ct_remove_options *opts);

/* Global pass: the photo at the network's resolution (stretched), the mask upscaled to the
 * photo's size. *mask is a 1-channel image, 255 = foreground. */
ct_status ct_predict_mask(ct_model *model, const ct_image *photo, ct_image **mask,
                          ct_error *err);

/* The global pass as ct_remove runs it: framed by opts->framing (see ct_framing), what was
 * decided in opts->stats when set (opts may be NULL: automatic). The result is shaped as
 * ct_predict_mask's. */
ct_status ct_global_mask(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                         ct_image **mask, ct_error *err);

/* Per-channel pass: the global pass, and the network again on each colour channel alone
 * (replicated to three planes). At the RGB mask's edges, where one channel's mask is locally
 * more confident (|2a - 1| over 7x7 pixels at the network's resolution), it takes over, as
 * long as it agrees with the RGB mask at the scale of objects; elsewhere the result is the
 * RGB mask. Costs three more network runs. Same result shape as ct_predict_mask. */
ct_status ct_channel_mask(ct_model *model, const ct_image *photo, ct_image **mask,
                          ct_error *err);

/* Tile pass: the photo (scaled down by tile_scale when that is over 1: see
 * ct_remove_options) is cut into tile_size x tile_size tiles of its pixels (a grid whose
 * neighbours share tile_overlap pixels; the last row and column are shifted inward to end at
 * the border). Tiles where global_mask (from ct_predict_mask) is all sure foreground
 * or all sure background are skipped; the others go through the network and are blended with
 * smooth weights. Near the global mask's edges (uncertain pixels and foreground/background
 * boundaries) the result is the blend, fading into the global mask between tile_size/8 and
 * tile_size/4 pixels away (at most 125 and 250); farther it is the global mask, so tiles
 * refine edges but cannot add or remove objects away from them. Even near the edges, where
 * the blend and the global mask disagree at the scale of objects (their mean difference over
 * tile_size/32-pixel cells exceeds 0.15), the global mask takes over, fully at 0.4: a tile
 * that sees too little of the subject to recognise it cannot erase it.
 * *mask is a 1-channel image of the photo's size; *tiles_run (may be NULL) tells how many
 * tiles were inferred. On a scaled photo, the tiles' change to the scaled global mask is
 * scaled back up and added to global_mask, so it stays as it was wherever the tiles change
 * nothing; with debug_dir, tiles.png and tiles-chosen.png are then at the scaled size.
 * opts may be NULL for the defaults; its tiles and mask_only fields are not used here. */
ct_status ct_tiled_mask(ct_model *model, const ct_image *photo, const ct_image *global_mask,
                        const ct_remove_options *opts, ct_image **mask, int *tiles_run,
                        ct_error *err);

/* *count: how many tiles ct_tiled_mask lays over a width x height photo with these options
 * (those it runs and those it skips). Fails, as ct_tiled_mask would, on bad tile sizes. */
ct_status ct_tile_count(const ct_model *model, int width, int height,
                        const ct_remove_options *opts, int *count, ct_error *err);

/* The tile refiner: a U-Net trained by `cutout train --arch unet|unet-gan` (model.onnx,
 * input 1 x 5 x S x S: RGB, mask and trimap in [0, 1]; output the alpha). ct_refine runs it
 * over tiles of S x S photo pixels that hold unknown pixels of trimap and gives the mask
 * with those pixels replaced by its alpha (the others unchanged); a photo narrower or lower
 * than S is extended by repeating its edge. Threads may share a refiner: their network runs
 * take turns. */
typedef struct ct_refiner ct_refiner;
ct_status ct_refiner_load(const char *path, ct_refiner **out, ct_error *err);
void ct_refiner_free(ct_refiner *refiner);
ct_status ct_refine(ct_refiner *refiner, const ct_image *photo, const ct_image *mask,
                    const ct_image *trimap, ct_image **alpha, ct_error *err);

/* An RGBA image of the photo with mask (1 channel, the photo's size) as its alpha. */
ct_status ct_apply_mask(const ct_image *photo, const ct_image *mask, ct_image **rgba,
                        ct_error *err);

/* The trimap of a mask (1 channel, the photo's size): 0 sure background, 255 sure
 * foreground, 128 unknown, by opts' trimap_* fields (opts may be NULL for the defaults).
 * The photo is needed only with trimap_slic (may be NULL otherwise). */
ct_status ct_trimap(const ct_image *photo, const ct_image *mask, const ct_remove_options *opts,
                    ct_image **trimap, ct_error *err);

/* Alpha matting by opts->matting (CT_MATTING_OFF gives a copy of the mask): the alpha of
 * the photo solved over the unknown pixels of trimap (ct_trimap, or NULL to make it from the
 * mask with opts), starting from the mask. Sure pixels of the trimap come out 0 or 255.
 * Memory is bounded by tiles of the unknown band, not by the photo's size. */
ct_status ct_matte(const ct_image *photo, const ct_image *mask, const ct_image *trimap,
                   const ct_remove_options *opts, ct_image **alpha, ct_error *err);

/* An RGBA image whose alpha is alpha (1 channel, the photo's size) and whose colour is the
 * photo's where alpha is 255 and the estimated foreground colour elsewhere (multi-level
 * foreground estimation, Germer et al. 2020), so that it shows no trace of the photo's
 * background on any new one. */
ct_status ct_estimate_foreground(const ct_image *photo, const ct_image *alpha,
                                 ct_image **rgba, ct_error *err);

/* The last stage of ct_remove: the photo with alpha (1 channel, the photo's size) as RGBA,
 * or over opts->bg_color or opts->bg_image (both set is an error), with the estimated
 * foreground colours when opts->foreground. opts may be NULL for the defaults. */
ct_status ct_composite(const ct_image *photo, const ct_image *alpha,
                       const ct_remove_options *opts, ct_image **out, ct_error *err);

/* The whole job: an RGBA image of the photo's size whose alpha is the mask (global, then
 * tiled with opts->tiles, then matted with opts->matting over opts->trimap or ct_trimap) and whose colours are the estimated foreground (ct_composite), or
 * that over a background, or the mask alone with opts->mask_only. opts may be NULL for the
 * defaults. */
ct_status ct_remove(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                    ct_image **out, ct_error *err);

/* Objects one by one. A detector (CenterNet trained on COCO's 80 classes, a TensorFlow.js
 * graph model: models/centernet.json) finds each object's box; ct_instance_masks then gives
 * each box a mask of its own at the photo's resolution. */
typedef struct ct_detector ct_detector;
ct_status ct_detector_load(const char *path, ct_detector **out, ct_error *err);
void ct_detector_free(ct_detector *detector);

typedef struct ct_detection {
  float x0, y0, x1, y1; /* the box's corners, in photo pixels */
  float score;          /* the detector's confidence, 0-1 */
  int cls;              /* COCO's class, 0-79 (ct_class_name) */
} ct_detection;

typedef struct ct_detect_options {
  float min_score;    /* boxes scored below are dropped; 0: CT_DETECT_MIN_SCORE */
  float max_overlap;  /* a box overlapping a better one of its class by more (IoU) is
                         dropped; 0: CT_DETECT_MAX_OVERLAP */
  int max_instances;  /* at most this many, best first; 0: CT_DETECT_MAX */
  const int *classes; /* when set: only these classes (n_classes of them) */
  int n_classes;
  int single_pass;    /* 1: the whole photo in one pass only (no windows: see ct_detect) */
} ct_detect_options;
/* 0.25: on bench_street's crowds, boxes matched at IoU 0.5 give F1 0.841 (0.787 at 0.3, 0.839
 * at 0.2, 0.829 at 0.22) */
#define CT_DETECT_MIN_SCORE 0.25f
#define CT_DETECT_MAX_OVERLAP 0.5f
#define CT_DETECT_MAX 100

/* The objects in a photo, best score first: *out (malloc'd, *count of them; free()). The
 * photo goes to the detector letterboxed (its aspect kept); a photo over 1.6 times as long
 * as it is wide (or wide as long) also goes in square windows of its short side, half a
 * window apart, so that people in a row are seen at a portrait's resolution (a window's box
 * cut off by the window's inner border is left to the window that sees it whole, and the
 * whole photo's pass keeps only what is too long for a window). Boxes of a
 * class overlapping a better one by more than max_overlap are dropped. opts may be NULL. */
ct_status ct_detect(ct_detector *detector, const ct_image *photo,
                    const ct_detect_options *opts, ct_detection **out, int *count,
                    ct_error *err);
/* A class's name ("person", "chair", ...; NULL past 79) and a name's class (-1: none). */
const char *ct_class_name(int cls);
int ct_class_id(const char *name);

/* One mask per detection, each of the photo's size (1 channel; masks[i] for dets[i]). Each
 * box, widened by a margin, is cut from the photo and goes through the whole pipeline of
 * ct_remove with opts (tiles and matting where the crop is large; opts may be NULL), and
 * its mask is kept to that crop. Where masks overlap, each pixel goes to one instance: the
 * one whose box holds it, else the one that is surest of it, so that the masks add up to at
 * most 255. Memory: one photo-sized mask per detection. */
ct_status ct_instance_masks(ct_model *model, const ct_image *photo, const ct_detection *dets,
                            int count, const ct_remove_options *opts, ct_image **masks,
                            ct_error *err);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
