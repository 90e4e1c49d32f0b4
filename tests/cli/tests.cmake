# The command line, driven as a user would (shell scripts).
add_test(NAME cli/errors COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/errors.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/remove COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/remove.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/tiles COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tiles.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/matting COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/matting.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/trimap COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/trimap.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/train COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/train.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/instances COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/instances.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/subject COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/subject.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/cache COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cache.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/valgrind COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/valgrind.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME cli/valgrind_skip COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/valgrind_skip.sh $<TARGET_FILE:cutout_cli>)
set_tests_properties(cli/errors cli/remove cli/tiles cli/matting cli/trimap cli/train cli/valgrind
  cli/valgrind_skip cli/cache cli/instances cli/subject
  PROPERTIES
  SKIP_RETURN_CODE 77 LABELS cli
  ENVIRONMENT "${CUTOUT_TEST_ENV}")
