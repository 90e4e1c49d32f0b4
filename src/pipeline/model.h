/* A segmentation network as the pipeline sees it. */
#ifndef CUTOUT_PIPELINE_MODEL_H
#define CUTOUT_PIPELINE_MODEL_H
#include <pthread.h>

#include "cutout.h"
#include "nn/nn.h"

struct ct_model {
  nn_graph *graph;       /* laid out for the precision of its load (nn/layout.h) */
  char *path;            /* the file it came from: loaded again when the precision changes */
  pthread_mutex_t lock;  /* one run at a time: runs share the graph's arena and primitives */
  int width, height;     /* network input size */
  float mean[3], scale[3]; /* input = (pixel/255 - mean) * scale */
  char cache_note[1200];   /* what the prepared-model cache did at the last load */
};

/* A network's graph from path, ready to run at the precision in force now, its first
 * `outputs` outputs kept (0: all), through the prepared-model cache as ct_set_cache says;
 * cache_note (may be NULL) gets a line on what the cache did. */
ct_status ct_load_network(const char *path, int outputs, nn_graph **out, char *cache_note,
                          size_t note_len, ct_error *err);

/* Runs the network on a photo resized to the input size; *mask (width*height floats in
 * [0,1], malloc'd) is the first output. */
ct_status ct_model_infer(ct_model *m, const ct_image *photo, float **mask, ct_error *err);

/* The two halves of ct_model_infer: *input (3 planes of width*height floats, malloc'd) is the
 * photo resized and normalised as the network wants it; ct_model_run runs the network on such
 * an input. */
ct_status ct_model_input(const ct_model *m, const ct_image *photo, float **input,
                         ct_error *err);
ct_status ct_model_run(ct_model *m, const float *input, float **mask, ct_error *err);

/* A network-sized mask (mw x mh floats in [0,1]) upscaled to the photo's size: *mask is a new
 * 1-channel image (remove.c). */
ct_status ct_mask_from_small(const float *small, int mw, int mh, const ct_image *photo,
                             ct_image **mask, ct_error *err);

/* ct_model_infer on the photo letterboxed: scaled to fit the input size with its aspect
 * kept, centred on the normalised mean colour; *mask (*mw x *mh floats, malloc'd) is the
 * output where the photo lies. */
ct_status ct_model_infer_padded(ct_model *m, const ct_image *photo, float **mask, int *mw,
                                int *mh, ct_error *err);

#endif
