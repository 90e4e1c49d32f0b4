/* Large buffers: activation arenas, scratchpads, prepared weights. */
#ifndef CUTOUT_NN_MEM_H
#define CUTOUT_NN_MEM_H
#include <stddef.h>

/* bytes of zeroed memory, 64-byte aligned. From NN_MEM_HUGE bytes on, an anonymous mapping
 * aligned to 2 MiB and advised to the kernel as transparent huge pages (MADV_HUGEPAGE), so
 * that its first touch costs one page fault per 2 MiB rather than one per 4 KiB (most of a
 * one-photo process's system time otherwise); smaller ones from aligned_alloc. NULL when
 * out of memory. Free with nn_mem_free and the same byte count. */
#define NN_MEM_HUGE ((size_t)1 << 21)
void *nn_mem_alloc(size_t bytes);
void nn_mem_free(void *p, size_t bytes);

#endif
