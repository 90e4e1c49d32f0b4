# test_alloc_failures wraps the allocation functions at link time, so that the statically
# linked library's own calls go through its failing versions.
if(TARGET test_alloc_failures)
  target_link_options(test_alloc_failures PRIVATE -Wl,--wrap=malloc -Wl,--wrap=calloc
    -Wl,--wrap=realloc -Wl,--wrap=aligned_alloc -Wl,--wrap=strdup)
endif()
# test_alloc_http: the service's request handling, driven in process as the fuzz target does.
if(TARGET test_alloc_http)
  target_sources(test_alloc_http PRIVATE ${CMAKE_SOURCE_DIR}/fuzz/http_drive.c)
  target_include_directories(test_alloc_http PRIVATE ${CMAKE_SOURCE_DIR}/fuzz)
  target_link_libraries(test_alloc_http PRIVATE cutout_serve)
  target_link_options(test_alloc_http PRIVATE -Wl,--wrap=malloc -Wl,--wrap=calloc
    -Wl,--wrap=realloc -Wl,--wrap=aligned_alloc -Wl,--wrap=strdup)
endif()
