# Compiler settings shared by every target of the project.
# mc2_target_defaults(<target>) applies warnings (errors with MC2_WERROR) and sanitizers.

set(MC2_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(MC2_WERROR)
  list(APPEND MC2_WARNING_FLAGS -Werror)
endif()

if(MC2_SANITIZE)
  string(REPLACE ";" "," _mc2_san "${MC2_SANITIZE}")
  add_compile_options(-fsanitize=${_mc2_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # -fno-sanitize=enum, as for the fuzzers (fuzz/CMakeLists.txt): the ABI's C enums
  # (aclDataType, aclFormat, HcclDataType, ...) have no fixed underlying type, yet carrying any
  # integer a caller passes (dt99, -1) through them is what the C ABI permits and what the tests
  # and the harness do on purpose to check that an implementation refuses it. Without
  # -fstrict-enums neither clang nor gcc exploits the formal range.
  if("undefined" IN_LIST MC2_SANITIZE)
    add_compile_options(-fno-sanitize=enum)
  endif()
  add_link_options(-fsanitize=${_mc2_san})
  # clang links its sanitizer runtime statically, and only into executables: a shared library
  # (libmc2impl.so, linked -Wl,--no-undefined so that a missing symbol is a build error, not a
  # dlopen failure) would keep __asan_report_* / __tsan_* undefined. -shared-libsan links every
  # target against the runtime's shared library instead (gcc's default), so --no-undefined keeps
  # its meaning; the rpath lets the executables find that library without LD_LIBRARY_PATH.
  #
  # Not for ThreadSanitizer: clang 14's shared TSan runtime segfaults before main() on this
  # platform (even a two-line program), so TSan executables keep the static runtime, which
  # exports its symbols to the libraries they load, and shared libraries are linked without
  # --no-undefined instead (MC2_SHLIB_NO_UNDEFINED, as libmc2impl_fuzz.so is).
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND NOT "thread" IN_LIST MC2_SANITIZE)
    set(_mc2_rt libclang_rt.asan-x86_64.so)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${_mc2_rt}
                    OUTPUT_VARIABLE _mc2_rt_path OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT EXISTS "${_mc2_rt_path}")
      message(FATAL_ERROR "MC2_SANITIZE=${MC2_SANITIZE}: clang's shared runtime ${_mc2_rt} is not installed "
                          "(Debian: libclang-rt-<version>-dev)")
    endif()
    get_filename_component(_mc2_rt_dir "${_mc2_rt_path}" DIRECTORY)
    add_link_options(-shared-libsan -Wl,-rpath,${_mc2_rt_dir})
  endif()
endif()

# The link flag that makes an unresolved symbol in a shared library a build error (see above
# for the one build that cannot use it).
if("thread" IN_LIST MC2_SANITIZE)
  set(MC2_SHLIB_NO_UNDEFINED "")
else()
  set(MC2_SHLIB_NO_UNDEFINED -Wl,--no-undefined)
endif()

function(mc2_target_defaults target)
  target_compile_options(${target} PRIVATE ${MC2_WARNING_FLAGS})
endfunction()

# mc2_add_unit_test(<name> SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s] [ONE_TEST_WHEN_SANITIZED])
# One gtest executable; its tests are registered one by one (gtest_discover_tests) under the
# given ctest labels (default: unit). ONE_TEST_WHEN_SANITIZED: in the sanitizer builds the
# executable is one ctest test named <name> instead, for executables whose tests share a costly
# fixture cached per process (gates_test's whole quick gate: ~30 s under ASan, built again by
# each of five tests when every test is its own process). Same tests, same checks; a failure
# names the gtest test in the output.
include(GoogleTest)
function(mc2_add_unit_test name)
  cmake_parse_arguments(ARG "ONE_TEST_WHEN_SANITIZED" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # Sanitized Debug builds run 5-20x slower (the spec catalogue's limit test took > 120 s under
  # ASan on a loaded 2-core machine): the limits guard against hangs, not against slowness.
  if(MC2_SANITIZE)
    math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 5")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  mc2_target_defaults(${name})
  # The slowest tests take smaller samples under sanitizers (tests/common/sanitized_build.h).
  if(MC2_SANITIZE)
    target_compile_definitions(${name} PRIVATE MC2_SANITIZED_BUILD=1)
  endif()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  if(MC2_SANITIZE AND ARG_ONE_TEST_WHEN_SANITIZED)
    add_test(NAME ${name} COMMAND ${name})
    # The executable's tests one after another: a few times the per-test limit (a guard against
    # hangs, as above), at most the sanitize preset's 900 s.
    math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 4")
    if(ARG_TIMEOUT GREATER 900)
      set(ARG_TIMEOUT 900)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
    return()
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                       DISCOVERY_TIMEOUT 60)
endfunction()

# ccache, when installed, for every compile: the developer's worktrees and a CI clone on the same
# machine share one cache. Paths are made relative to the source tree (CCACHE_BASEDIR) and the
# working directory is left out of the hash, so two checkouts of the same commit hit the same
# entries. Off with -DMC2_CCACHE=OFF; nothing else depends on it.
option(MC2_CCACHE "Use ccache for compiles when it is installed" ON)
if(MC2_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(MC2_CCACHE_PROGRAM ccache)
  if(MC2_CCACHE_PROGRAM)
    set(_mc2_launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1
        ${MC2_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${_mc2_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_mc2_launcher})
  endif()
endif()
