/* The cutout command line: subcommands and shared helpers. */
#ifndef CUTOUT_CLI_H
#define CUTOUT_CLI_H
#include "cutout.h"

int cmd_remove(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_matte(int argc, char **argv);
int cmd_trimap(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_instances(int argc, char **argv);

/* Prints "cutout: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The model to use when --model is not given: $CUTOUT_MODEL (as given), or the first
 * isnet-fp16.onnx in $XDG_DATA_HOME/cutout/models (default ~/.local/share/cutout/models),
 * PREFIX/share/cutout/models (the install prefix compiled in; also the prefix the program
 * runs from, when it sits in a bin folder elsewhere), ./models, and models/ beside the
 * program's folder (the source tree of a build folder). Writes the path into buf and returns
 * 0; when none has it, prints one error naming every folder looked in and returns -1. */
int cli_default_model(char *buf, size_t len);
/* The same for the object detector (cutout instances): $CUTOUT_DETECTOR, else centernet.json
 * (scripts/fetch-tfjs-models.sh) in the same folders. */
int cli_default_detector(char *buf, size_t len);
/* The data folder of the install prefix compiled in (PREFIX/share). */
const char *cli_data_dir(void);
/* 1 when a and b name the same existing file. */
int cli_same_file(const char *a, const char *b);
/* Checks before any work that path can be written: a known image extension and an
 * existing, writable folder. Prints the reason and returns -1 when not. */
int cli_check_output(const char *path);
/* Makes folder path unless it exists (one level). Prints the reason and returns -1 when it
 * cannot, or when path is not a folder. */
int cli_make_dir(const char *path);
/* Parses a positive integer option value; -1 when invalid. */
int cli_parse_int(const char *s);
/* Seconds since an arbitrary start. */
double cli_now(void);

#endif
