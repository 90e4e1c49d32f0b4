/* cutout batch: a folder (or a list) of photos cut out into an output folder.
 *
 * The job list is sorted by relative path, split into shards (shard.h), and run by a pool
 * of workers: each decodes its photo, hands it to the engine for the mask (the network, one
 * run at a time on a thread of its own), then makes the colours and writes the output
 * (under a temporary name, renamed when whole) in parallel with the others. Outputs that
 * are already complete are skipped, so a rerun after a crash or Ctrl-C resumes. */
#ifndef CUTOUT_BATCH_BATCH_H
#define CUTOUT_BATCH_BATCH_H
#include <stdio.h>

#include "batch/shard.h"
#include "cutout.h"

/* The network's part of one photo: its mask (the global pass, and the tile pass with
 * opts->tiles). Returns 0 with *mask set; -1 with err filled (and *fatal = 1 when no later
 * call can succeed either, as when the model cannot be loaded); 1 when the call was not made
 * because the run is stopping. Called from several workers at once. */
typedef int (*bt_mask_fn)(void *ctx, const ct_image *photo, const ct_remove_options *opts,
                          ct_image **mask, int *fatal, ct_error *err);
typedef struct bt_engine {
  bt_mask_fn mask;
  void *ctx;
} bt_engine;

typedef enum bt_show {
  BT_SHOW_AUTO = 0, /* a progress bar when the log is a terminal, else lines */
  BT_SHOW_BAR,
  BT_SHOW_LINES,    /* one line per photo */
  BT_SHOW_QUIET     /* failures only */
} bt_show;

typedef struct bt_config {
  const char *in_dir;   /* folder to walk; with list, the folder list paths are taken from */
  const char *list;     /* list file ("-": standard input), or NULL */
  const char *out_dir;
  const char *format;   /* output extension: "png" (default), "webp", "tif", "jpg" */
  int keep_ext;         /* output name = input name + "." format (no clashes) */
  int overwrite;        /* redo outputs that are already complete */
  int jobs;             /* workers (default 2) */
  const bt_shard *shard; /* --shard K/N, or NULL: from the environment */
  int shards;           /* --shards N (0: not given) */
  ct_remove_options opts;
  bt_show show;
  FILE *log;            /* progress, failures and summary (default stderr) */
  bt_engine engine;
  int handle_signals;   /* SIGINT and SIGTERM stop the run (1 by default) */
} bt_config;

void bt_config_init(bt_config *c);

/* Runs the batch; returns the exit status: 0 every photo done or skipped, 1 some failed (or
 * the model could not be loaded), 2 unusable folders or options (nothing run), 130 stopped
 * by bt_request_stop (SIGINT, SIGTERM). */
int bt_run(const bt_config *c);

/* Asks the running batch to stop: no new photos are started, photos past the network are
 * finished, the others abandoned. Safe in a signal handler. */
void bt_request_stop(void);
/* 1 once a stop was asked for. */
int bt_stopping(void);

/* The engine over a model: loaded on first use, then shared by the workers (the model lets
 * one network run through at a time; ct_set_threads sets its threads). */
typedef struct bt_net bt_net;
bt_net *bt_net_new(const char *model_path);
bt_engine bt_net_engine(bt_net *n);
/* Frees the model (no run may be in progress). */
void bt_net_free(bt_net *n);

#endif
