/* The output folder of a batch run, and the checks that keep every write inside it. */
#ifndef CUTOUT_BATCH_OUTDIR_H
#define CUTOUT_BATCH_OUTDIR_H
#include <stddef.h>
#include <sys/types.h>

#include "batch/joblist.h"

typedef struct bt_outdir {
  char *path; /* as given, trailing '/' removed */
  char *real; /* resolved (realpath) */
  dev_t dev;
  ino_t ino;
} bt_outdir;

/* Makes the folder (and its missing parents) unless it exists, and resolves it. 0, or -1
 * with the reason in err. */
int bt_outdir_open(bt_outdir *o, const char *path, char *err, size_t errlen);
void bt_outdir_close(bt_outdir *o);

/* 1 when folder dir (which exists) is the output folder or lies inside it. */
int bt_outdir_contains(const bt_outdir *o, const char *dir);

/* Makes the folders of out_rel (a normalised relative path) below the output folder, one
 * level at a time; a level that exists as a symbolic link must resolve inside the output
 * folder before anything is made below it. Writes the output's path into path. Refuses an
 * output that exists as a symbolic link or a folder. 0, or -1 with the reason in err. */
int bt_outdir_prepare(const bt_outdir *o, const char *out_rel, char *path, size_t pathlen,
                      char *err, size_t errlen);

/* Removes what interrupted writes of the pending jobs' outputs left behind: the temporary
 * files the image module writes beside an output before renaming it
 * (".NAME.PID.XXXXXXXX.tmp"), when process PID is no longer running. Only the names of
 * these jobs' outputs are considered, so runs of other shards sharing the folders are left
 * alone. Returns how many were removed. */
int bt_outdir_clean_temps(const bt_outdir *o, const bt_joblist *l);

#endif
