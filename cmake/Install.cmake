# What `cmake --install` and `cpack` ship (issue 11): the command line and its per-case child,
# the built-in implementation, the public ABI headers, and the oracle and harness as static
# libraries with a CMake package (find_package(mc2conf) -> mc2conf::oracle, mc2conf::harness).
# Included from the top-level CMakeLists.txt after every target exists; it only adds install
# rules and rewrites the exported targets' include paths, so the layers' own files stay as they are.
#
# Layout under the prefix (docs/install.md):
#   bin/mc2conf                                   the command line
#   bin/mc2conf-mpi                               the same with MPI, for `run --mpi` (where MPI was found)
#   libexec/mc2conf/mc2conf-case                  the process each supervised case runs in
#   lib/libmc2impl.so                             the default implementation (dlopen'ed, no soname link)
#   lib/libmc2*.a, lib/cmake/mc2conf/             the oracle and harness libraries, their package
#   include/mc2conf/{acl,aclnn,aclnnop,hccl,atb}  the ABI (under mc2conf/: a real CANN keeps /usr/include/acl)
#   include/mc2conf/{oracle,harness,spec}         the libraries' headers
#   share/man/man1/mc2conf.1, share/doc/mc2conf/  the manual page, contract and catalogue docs
# Data the gates and reports need (the numerics contract, the rule catalogue) is compiled into
# mc2conf, so nothing is read from a source tree at run time.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MC2_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/mc2conf)
set(MC2_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/mc2conf)
set(MC2_INSTALL_CHILDDIR ${CMAKE_INSTALL_LIBEXECDIR}/mc2conf)

# mc2conf finds its child and the default implementation relative to its own executable
# (tools/mc2conf/install_paths.cc), so a relocated prefix (cpack's, or `--prefix $tmp`) works.
# Relative paths from bin/ to each, computed here for whatever the GNU directories are.
file(RELATIVE_PATH MC2_REL_BIN_TO_CHILD /prefix/${CMAKE_INSTALL_BINDIR} /prefix/${MC2_INSTALL_CHILDDIR}/mc2conf-case)
file(RELATIVE_PATH MC2_REL_BIN_TO_IMPL /prefix/${CMAKE_INSTALL_BINDIR} /prefix/${CMAKE_INSTALL_LIBDIR}/libmc2impl.so)
target_compile_definitions(mc2conf_cli PRIVATE MC2_INSTALLED_CHILD="${MC2_REL_BIN_TO_CHILD}"
                                           MC2_INSTALLED_IMPL="${MC2_REL_BIN_TO_IMPL}")

install(TARGETS mc2conf RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mc2conf-case RUNTIME DESTINATION ${MC2_INSTALL_CHILDDIR})
# mc2conf re-executes mc2conf-mpi from its own directory for `run --mpi` (tools/mc2conf/mpi_stub.cc);
# built only where MPI was found, and then the package depends on that MPI's runtime (shlibdeps).
if(TARGET mc2conf-mpi)
  install(TARGETS mc2conf-mpi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(TARGETS mc2impl LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

# ---- headers ----
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${MC2_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
foreach(_dir oracle harness spec)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_dir}/ DESTINATION ${MC2_INSTALL_INCLUDEDIR}/${_dir}
          FILES_MATCHING PATTERN "*.h"
          # RapidCheck generators: for property tests, not for the library's users.
          PATTERN "rc_choices.h" EXCLUDE)
endforeach()

# ---- the libraries and their package ----
# The build tree's include roots (the suite_include link farm, the source tree's include/) are
# absolute paths that must not leak into the package: each exported target's usage requirements
# are rewrapped as BUILD_INTERFACE, and the installed header root is added for INSTALL_INTERFACE.
set(MC2_EXPORTED_LIBS mc2oracle mc2harness_core mc2harness_compare mc2spec mc2harness_lib mc2operators mc2harness
    mc2gates mc2report)
foreach(_t IN LISTS MC2_EXPORTED_LIBS)
  get_target_property(_dirs ${_t} INTERFACE_INCLUDE_DIRECTORIES)
  if(_dirs)
    set(_wrapped "")
    foreach(_d IN LISTS _dirs)
      list(APPEND _wrapped "$<BUILD_INTERFACE:${_d}>")
    endforeach()
    list(APPEND _wrapped "$<INSTALL_INTERFACE:${MC2_INSTALL_INCLUDEDIR}>")
    set_target_properties(${_t} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_wrapped}")
  endif()
endforeach()
# mc2harness links the operator bindings whole (harness/CMakeLists.txt: nothing references their
# registration objects); the export does not namespace a target inside $<LINK_LIBRARY:...>, so
# the installed form names mc2conf::mc2operators itself.
get_target_property(_links mc2harness INTERFACE_LINK_LIBRARIES)
list(TRANSFORM _links REPLACE "^\\$<LINK_LIBRARY:WHOLE_ARCHIVE,mc2operators>$"
     "$<BUILD_INTERFACE:$<LINK_LIBRARY:WHOLE_ARCHIVE,mc2operators>>;$<INSTALL_INTERFACE:$<LINK_LIBRARY:WHOLE_ARCHIVE,mc2conf::mc2operators>>")
if(NOT _links MATCHES "mc2conf::mc2operators")
  message(FATAL_ERROR "cmake/Install.cmake: mc2harness no longer links mc2operators whole; update the export")
endif()
set_target_properties(mc2harness PROPERTIES INTERFACE_LINK_LIBRARIES "${_links}")
# The names users see: mc2conf::oracle and mc2conf::harness (the latter with every registered
# operator); the rest keep their own names (mc2conf::mc2spec, ...).
set_target_properties(mc2oracle PROPERTIES EXPORT_NAME oracle)
set_target_properties(mc2harness PROPERTIES EXPORT_NAME harness)
set_target_properties(mc2report PROPERTIES EXPORT_NAME report)
set_target_properties(mc2gates PROPERTIES EXPORT_NAME gates)
install(TARGETS ${MC2_EXPORTED_LIBS} EXPORT mc2confTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT mc2confTargets NAMESPACE mc2conf:: DESTINATION ${MC2_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mc2confConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mc2confConfig.cmake INSTALL_DESTINATION ${MC2_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mc2confConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mc2confConfig.cmake ${PROJECT_BINARY_DIR}/mc2confConfigVersion.cmake
        DESTINATION ${MC2_INSTALL_CMAKEDIR})

# ---- documentation ----
install(FILES ${PROJECT_SOURCE_DIR}/docs/mc2conf.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/docs/install.md ${PROJECT_SOURCE_DIR}/docs/case-bundles.md
              ${PROJECT_SOURCE_DIR}/oracle/contract.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- packages: cpack in the build directory writes a .deb and a .tar.gz ----
set(CPACK_PACKAGE_NAME mc2conf)
set(CPACK_PACKAGE_VENDOR "mc2conf")
set(CPACK_PACKAGE_CONTACT "mc2conf maintainers <mc2conf@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Conformance suite and fuzzer for Ascend MC2 fused compute+communication operators")
set(CPACK_GENERATOR "DEB;TGZ")
# No CPACK_PACKAGING_INSTALL_PREFIX: the .deb installs under /usr (its default), the .tar.gz
# holds the prefix tree itself (bin/, lib/, ...) to unpack anywhere.
set(CPACK_STRIP_FILES OFF)  # keep the debug information of RelWithDebInfo for crash reports
# The runtime libraries (OpenBLAS, libstdc++, ...) from the binaries' own links.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# find_package(mc2conf) needs these headers/configs of the libraries' dependencies.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas-dev, nlohmann-json3-dev, cmake")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
