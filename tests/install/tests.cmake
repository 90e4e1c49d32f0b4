# Installing cutout and using it as a library user would (shell scripts).
# install/symbols: libcutout.so exports exactly the calls include/cutout.h declares.
add_test(NAME install/symbols
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/symbols.sh $<TARGET_FILE:cutout_shared>
          ${CMAKE_SOURCE_DIR}/include/cutout.h)
set_tests_properties(install/symbols PROPERTIES SKIP_RETURN_CODE 77 LABELS install)
