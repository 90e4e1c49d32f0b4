# The HTTP service. The C tests (test_serve_*.c) need the service's code; the script tests
# run `cutout serve` with the real model and detector (labelled models).
foreach(t test_serve_params test_serve_http)
  if(TARGET ${t})
    target_link_libraries(${t} PRIVATE cutout_serve)
  endif()
endforeach()

add_test(NAME serve/api_model
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/api_model.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME serve/instances_model
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/instances_model.sh $<TARGET_FILE:cutout_cli>)
add_test(NAME serve/web_model
  COMMAND node ${CMAKE_CURRENT_LIST_DIR}/web_model.js $<TARGET_FILE:cutout_cli>)
set_tests_properties(serve/api_model serve/instances_model serve/web_model PROPERTIES
  SKIP_RETURN_CODE 77 LABELS "serve;models" RUN_SERIAL TRUE TIMEOUT 300
  ENVIRONMENT "${CUTOUT_TEST_ENV}")
