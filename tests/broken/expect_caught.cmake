# expect_caught.cmake — one mutation-testing check: `mc2conf run '<DESCRIPTOR>'` must PASS on the
# real library (GOOD) and FAIL, with a reproducer line, on the broken copy (BROKEN).
#   cmake -DMC2CONF=… -DGOOD=….so -DBROKEN=….so -DDESCRIPTOR='…' [-DREASON=regex] -P expect_caught.cmake
# REASON, when given, must match the broken copy's report line (the check that caught it).
cmake_minimum_required(VERSION 3.25)
foreach(which GOOD BROKEN)
  execute_process(COMMAND ${MC2CONF} run --impl ${${which}} ${DESCRIPTOR}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  message(STATUS "${which}: exit ${rc}: ${out}")
  if(which STREQUAL "GOOD")
    if(NOT rc EQUAL 0 OR NOT out MATCHES "^PASSED")
      message(FATAL_ERROR "the real implementation does not pass this case:\n${out}\n${err}")
    endif()
  else()
    if(rc EQUAL 0 OR NOT out MATCHES "^FAILED" OR NOT out MATCHES "__REPRO: mc2conf run ")
      message(FATAL_ERROR "the broken implementation ${BROKEN} was not caught:\n${out}\n${err}")
    endif()
    if(DEFINED REASON AND NOT out MATCHES "${REASON}")
      message(FATAL_ERROR "the broken implementation ${BROKEN} failed, but not by '${REASON}':\n${out}")
    endif()
  endif()
endforeach()
