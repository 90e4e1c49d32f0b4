# Installing cutout and using it as a library user would (shell scripts).
# install/symbols: libcutout.so exports exactly the calls include/cutout.h declares.
add_test(NAME install/symbols
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/symbols.sh $<TARGET_FILE:cutout_shared>
          ${CMAKE_SOURCE_DIR}/include/cutout.h)
set_tests_properties(install/symbols PROPERTIES SKIP_RETURN_CODE 77 LABELS install)
# install/prefix_model: cmake --install into a temporary prefix, then a C program built with
# pkg-config (shared and static) and with find_package(cutout), run with the real model.
add_test(NAME install/prefix_model
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/prefix_model.sh ${CMAKE_BINARY_DIR})
set_tests_properties(install/prefix_model PROPERTIES
  SKIP_RETURN_CODE 77 LABELS "install;models" RUN_SERIAL TRUE TIMEOUT 300
  ENVIRONMENT "${CUTOUT_TEST_ENV}")
# install/deb_model: scripts/make-deb.sh on this build, the package installed into a scratch
# root and removed again, its program run there, lintian's errors none.
add_test(NAME install/deb_model
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/deb_model.sh ${CMAKE_BINARY_DIR})
set_tests_properties(install/deb_model PROPERTIES
  SKIP_RETURN_CODE 77 LABELS "install;models" RUN_SERIAL TRUE TIMEOUT 300
  ENVIRONMENT "${CUTOUT_TEST_ENV}")
