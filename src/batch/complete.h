/* Whether an output is already complete, judged from headers (no decoding), so that a rerun
 * skips the work a crashed or interrupted run finished. */
#ifndef CUTOUT_BATCH_COMPLETE_H
#define CUTOUT_BATCH_COMPLETE_H

/* The size a photo decodes to (EXIF orientation applied), from its header. 0, or -1 when
 * its header cannot be read. */
int bt_photo_size(const char *path, int *width, int *height);

/* 1 when path holds an image of width x height with `bands` channels whose file is whole:
 * the header read by libvips, and for PNG the IEND chunk at its end, for WebP the RIFF
 * size matching the file's, for JPEG the end-of-image marker. 0 otherwise. */
int bt_output_complete(const char *path, int width, int height, int bands);

/* 1 when libvips can read HEIF (.heic/.heif) files. */
int bt_can_read_heif(void);

#endif
