# expect_gate_fails.cmake — the quick gate's first LIMIT cases must FAIL at least one case on the
# broken copy (BROKEN), with a report line matching REASON. (The real library passes the whole
# gate in conformance.quick.)
#   cmake -DMC2CONF=… -DBROKEN=….so -DLIMIT=100 -DREASON=regex -DOUT=dir -P expect_gate_fails.cmake
# -DOP=<op> restricts the gate to the operator whose sources carry the fault (the gate lists the
# operators by name, so another operator's cases may come first).
cmake_minimum_required(VERSION 3.25)
set(op_args "")
if(DEFINED OP)
  set(op_args --op ${OP})
endif()
execute_process(COMMAND ${MC2CONF} run --gate quick ${op_args} --limit ${LIMIT} --jobs 2 --impl ${BROKEN} --out ${OUT}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(rc EQUAL 0)
  message(FATAL_ERROR "the quick gate's first ${LIMIT} cases all passed on ${BROKEN}:\n${out}")
endif()
if(NOT out MATCHES "${REASON}")
  message(FATAL_ERROR "the quick gate failed on ${BROKEN}, but no case by '${REASON}':\n${out}\n${err}")
endif()
message(STATUS "caught: ${REASON}")
