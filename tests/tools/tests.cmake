# The onnxruntime and tfjs reference runners used by the numerics tests and benchmarks.
find_program(NODE_EXECUTABLE node)
if(NODE_EXECUTABLE)
  add_test(NAME tools/ort_run COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/ort_run_test.js)
  set_tests_properties(tools/ort_run PROPERTIES SKIP_RETURN_CODE 77 LABELS tools)
  add_test(NAME tools/tfjs_run COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/tfjs_run_test.js)
  set_tests_properties(tools/tfjs_run PROPERTIES SKIP_RETURN_CODE 77 LABELS tools)
endif()
