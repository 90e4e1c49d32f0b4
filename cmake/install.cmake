# Install rules (included by CMakeLists.txt): cmake --install BUILD [--prefix P] writes
#   P/bin/cutout                     the program
#   P/lib/libcutout.so.0             the shared library (only the ct_ calls exported), its
#                                    libcutout.so link, and libcutout.a (static)
#   P/include/cutout.h               the header
#   P/lib/pkgconfig/cutout.pc        for pkg-config (--static: the private libraries too)
#   P/lib/cmake/cutout/              find_package(cutout): the target cutout::cutout
#   P/share/man/man1/cutout.1        the man page
#   P/share/cutout/fetch-models.sh   the model fetcher (--to DIR)
#   P/share/cutout/fetch-tfjs-models.sh  the detector's fetcher (--to DIR)
# (lib is lib/<multiarch> when P is /usr on Debian: GNUInstallDirs.)
include(CMakePackageConfigHelpers)

install(TARGETS cutout_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS cutout ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS cutout_shared EXPORT cutout-targets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/cutout.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES doc/cutout.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(PROGRAMS scripts/fetch-models.sh scripts/fetch-tfjs-models.sh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/cutout)

# The CMake package: relocatable, so any --prefix works.
set(CUTOUT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cutout)
install(EXPORT cutout-targets NAMESPACE cutout:: DESTINATION ${CUTOUT_CMAKE_DIR})
configure_package_config_file(cmake/cutout-config.cmake.in
  ${CMAKE_BINARY_DIR}/cutout-config.cmake INSTALL_DESTINATION ${CUTOUT_CMAKE_DIR})
# 0.x: a new minor version may change the interface.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cutout-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cutout-config.cmake
        ${CMAKE_BINARY_DIR}/cutout-config-version.cmake DESTINATION ${CUTOUT_CMAKE_DIR})

# cutout.pc. Libs.private lists the libraries libcutout.a needs, as flags: a Requires.private
# on vips, libprotobuf-c and libcjson would make even `pkg-config --cflags cutout` fail
# where their -dev packages are not installed, which a program linking libcutout.so does not
# need. The prefix is the one installed to (--prefix), so it is written at install time.
set(CUTOUT_PC_LIBS_PRIVATE)
foreach(lib ${VIPS_LIBRARIES} ${PROTOBUF_C_LIBRARIES} ${GMODULE_LIBRARIES} ${CJSON_LIBRARIES} ${DNNL_LIB}
            ${VLFEAT_LIB} ${OpenMP_C_LIB_NAMES} m)
  if(IS_ABSOLUTE "${lib}")
    get_filename_component(lib "${lib}" NAME_WE)
    string(REGEX REPLACE "^lib" "" lib "${lib}")
  endif()
  list(APPEND CUTOUT_PC_LIBS_PRIVATE "-l${lib}")
endforeach()
list(REMOVE_DUPLICATES CUTOUT_PC_LIBS_PRIVATE)
list(JOIN CUTOUT_PC_LIBS_PRIVATE " " CUTOUT_PC_LIBS_PRIVATE)
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(CUTOUT_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(CUTOUT_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(prefix "@prefix@") # (filled in at install time)
configure_file(cmake/cutout.pc.in ${CMAKE_BINARY_DIR}/cutout.pc.in @ONLY)
unset(prefix)
install(CODE "
  # A file of its own per destination, so that installs to two prefixes at once do not mix.
  string(MD5 pc_key \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  set(pc_file \"${CMAKE_BINARY_DIR}/pc/\${pc_key}/cutout.pc\")
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${CMAKE_BINARY_DIR}/cutout.pc.in\" \"\${pc_file}\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\"
       TYPE FILE FILES \"\${pc_file}\")")
