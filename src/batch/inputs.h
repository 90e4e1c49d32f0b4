/* The inputs of a batch run: the photos under a folder, or the paths of a list file. */
#ifndef CUTOUT_BATCH_INPUTS_H
#define CUTOUT_BATCH_INPUTS_H
#include <stddef.h>
#include <sys/types.h>

#include "batch/joblist.h"

/* Adds the photos under dir (bt_is_image_name), recursively, as jobs whose rel is their path
 * below dir. Names starting with '.' are passed over; symbolic links are followed (a link
 * back to a folder being walked is not); the folder with identity skip_dev/skip_ino (the
 * output folder) is not entered when have_skip. A folder that cannot be read becomes a
 * failed entry. 0, or -1 when out of memory. */
int bt_walk(const char *dir, int heif, int have_skip, dev_t skip_dev, ino_t skip_ino,
            bt_joblist *l);

/* Adds the paths of a list file (one a line; "-" reads standard input; empty lines and
 * lines starting with '#' are passed over; a trailing '\r' is dropped). A relative path is
 * taken from base; an absolute one must lie inside base, and its rel is its path below it.
 * Entries that climb out of base ('..') or lie outside it become failed entries, and so do
 * files that cannot be found. 0, or -1 with the reason in err when the list cannot be read
 * (or out of memory). */
int bt_read_list(const char *list, const char *base, bt_joblist *l, char *err, size_t errlen);

#endif
