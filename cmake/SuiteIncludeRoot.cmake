# The include root of the suite (harness/, spec/, oracle/, property_tests/, fuzz/, tools/, tests/):
# a folder in the build tree holding a link to each of those top-level folders and to nothing
# else, so `#include "impl/..."` (or "runtime/...", "kernels/...") does not resolve in suite code.
# Independence rules 1-3 of DESIGN.md are thereby enforced by the compiler, not by convention;
# tests/abi/check_independence.cmake still greps for relative-path tricks ("../impl/").
set(MC2_SUITE_INCLUDE_DIR ${CMAKE_BINARY_DIR}/suite_include)
file(MAKE_DIRECTORY ${MC2_SUITE_INCLUDE_DIR})
foreach(_dir harness spec oracle property_tests fuzz tools tests)
  if(NOT EXISTS ${MC2_SUITE_INCLUDE_DIR}/${_dir})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${_dir} ${MC2_SUITE_INCLUDE_DIR}/${_dir} SYMBOLIC)
  endif()
endforeach()
