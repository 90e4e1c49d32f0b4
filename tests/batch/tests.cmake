# Batch processing. The C tests (test_batch_*.c) need the batch code; the script tests run
# `cutout batch` as a user would, with the real model where they say so (labelled models).
foreach(t test_batch_paths test_batch_shard test_batch_joblist test_batch_run test_batch_safety)
  if(TARGET ${t})
    target_link_libraries(${t} PRIVATE cutout_batch)
  endif()
endforeach()

add_test(NAME batch/errors COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/errors.sh $<TARGET_FILE:cutout_cli>)
set_tests_properties(batch/errors PROPERTIES
  SKIP_RETURN_CODE 77 LABELS batch ENVIRONMENT "${CUTOUT_TEST_ENV}")
foreach(t model resume_model interrupt_model)
  add_test(NAME batch/${t}
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${t}.sh $<TARGET_FILE:cutout_cli>)
  set_tests_properties(batch/${t} PROPERTIES
    SKIP_RETURN_CODE 77 LABELS "batch;models" RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "${CUTOUT_TEST_ENV}")
endforeach()
