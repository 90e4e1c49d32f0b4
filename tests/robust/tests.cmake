# test_alloc_failures wraps the allocation functions at link time, so that the statically
# linked library's own calls go through its failing versions.
if(TARGET test_alloc_failures)
  target_link_options(test_alloc_failures PRIVATE -Wl,--wrap=malloc -Wl,--wrap=calloc
    -Wl,--wrap=realloc -Wl,--wrap=aligned_alloc -Wl,--wrap=strdup)
endif()
