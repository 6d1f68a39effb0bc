# check_independence.cmake — DESIGN.md independence rules on the sources:
#  1. impl/ includes nothing of the suite (spec/, oracle/, harness/, property_tests/, fuzz/).
#  2. oracle/ includes nothing of impl/.
#  3. no suite folder (harness/, spec/, oracle/, property_tests/, fuzz/, tools/) reaches impl/ by a
#     relative path ("../impl/…"); a plain "impl/…" or "runtime/…" does not compile there at all
#     (cmake/SuiteIncludeRoot.cmake), this catches what the include root cannot.
file(GLOB_RECURSE impl_files ${ROOT}/impl/*.h ${ROOT}/impl/*.cc ${ROOT}/impl/*.cpp)
file(GLOB_RECURSE oracle_files ${ROOT}/oracle/*.h ${ROOT}/oracle/*.cc ${ROOT}/oracle/*.cpp)
set(violations "")
foreach(f IN LISTS impl_files)
  file(STRINGS ${f} hits REGEX "#[ \t]*include[ \t]*[<\"][^>\"]*(spec|oracle|harness|property_tests|fuzz|tools)/")
  if(hits)
    list(APPEND violations "${f}: ${hits}")
  endif()
endforeach()
foreach(f IN LISTS oracle_files)
  file(STRINGS ${f} hits REGEX "#[ \t]*include[ \t]*[<\"][^>\"]*(impl|kernels|runtime|hccl)/")
  if(hits)
    list(APPEND violations "${f}: ${hits}")
  endif()
endforeach()
foreach(dir harness spec oracle property_tests fuzz tools)
  file(GLOB_RECURSE suite_files ${ROOT}/${dir}/*.h ${ROOT}/${dir}/*.cc ${ROOT}/${dir}/*.cpp)
  foreach(f IN LISTS suite_files)
    file(STRINGS ${f} hits REGEX "#[ \t]*include[ \t]*[<\"][^>\"]*\\.\\./([^>\"]*/)?impl/")
    if(hits)
      list(APPEND violations "${f}: ${hits}")
    endif()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "independence rule broken:\n${violations}")
endif()
