# cutout synth / cutout eval from the command line.
add_test(NAME data/cli-synth-eval
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/synth_eval.sh $<TARGET_FILE:cutout_cli>)
set_tests_properties(data/cli-synth-eval PROPERTIES
  SKIP_RETURN_CODE 77 LABELS cli
  ENVIRONMENT "${CUTOUT_TEST_ENV}")
