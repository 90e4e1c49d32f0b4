/* Large buffers backed by transparent huge pages where the kernel allows. */
#include "nn/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Mapped sizes are whole huge pages, so that the mapping's end is aligned too. */
static size_t mapped_size(size_t bytes) { return (bytes + NN_MEM_HUGE - 1) & ~(NN_MEM_HUGE - 1); }

void *nn_mem_alloc(size_t bytes) {
  if (bytes < NN_MEM_HUGE) {
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64 + (bytes == 0) * 64);
    if (p) memset(p, 0, bytes);
    return p;
  }
  size_t size = mapped_size(bytes);
  if (size < bytes || size + NN_MEM_HUGE < size) return NULL; /* overflow */
  /* Over-map by one huge page, then trim both ends to a 2 MiB-aligned block. */
  char *raw = mmap(NULL, size + NN_MEM_HUGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return NULL;
  uintptr_t start = ((uintptr_t)raw + NN_MEM_HUGE - 1) & ~(uintptr_t)(NN_MEM_HUGE - 1);
  size_t head = start - (uintptr_t)raw, tail = NN_MEM_HUGE - head;
  if (head) munmap(raw, head);
  if (tail) munmap((char *)start + size, tail);
#ifdef MADV_HUGEPAGE
  madvise((void *)start, size, MADV_HUGEPAGE); /* advice only: fine if refused */
#endif
  return (void *)start;
}

void nn_mem_free(void *p, size_t bytes) {
  if (!p) return;
  if (bytes < NN_MEM_HUGE)
    free(p);
  else
    munmap(p, mapped_size(bytes));
}
