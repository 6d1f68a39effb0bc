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
  add_link_options(-fsanitize=${_mc2_san})
endif()

function(mc2_target_defaults target)
  target_compile_options(${target} PRIVATE ${MC2_WARNING_FLAGS})
endfunction()

# mc2_add_unit_test(<name> SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s])
# One gtest executable; its tests are registered one by one (gtest_discover_tests) under the
# given ctest labels (default: unit).
include(GoogleTest)
function(mc2_add_unit_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  mc2_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                       DISCOVERY_TIMEOUT 60)
endfunction()
