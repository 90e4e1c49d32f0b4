/* A file's content hash remembered beside the prepared-model cache, so that a later load of
 * the same unchanged file is not read through again: the model file's hash (which keys the
 * cache) and a cache file's content hash (which proves it whole). A memo holds the file's
 * device, inode, size, mtime and ctime as they were when its bytes were hashed, and is
 * trusted only while fstat still gives all five and the ctime was already in the past when
 * the file was looked at: any write to the file after that sets a later ctime (the kernel
 * stamps it with the clock's current tick), which a memo never matches. */
#ifndef CUTOUT_NN_CACHE_MEMO_H
#define CUTOUT_NN_CACHE_MEMO_H
#include <sys/stat.h>

#include "nn/hash.h"

/* 1 when memo (a path) holds a hash for the file st describes (*h then set). */
int nn_memo_get(const char *memo, const struct stat *st, nn_hash128 *h);
/* Keeps h as the hash of the file st describes; call it only when nn_memo_settled(st) held
 * right after the fstat that gave st, before the bytes were hashed. Written under a
 * temporary name and renamed; a failure only costs a later hash. */
void nn_memo_put(const char *memo, const struct stat *st, nn_hash128 h);
/* 1 when st's ctime is before the clock's current tick, so a later write would change it. */
int nn_memo_settled(const struct stat *st);

#endif
