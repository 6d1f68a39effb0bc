# tests/broken/variant_sources_test.cmake — the scan that decides which sources a broken copy
# recompiles (cmake/ImplVariantSources.cmake). A source it wrongly leaves out would give a copy
# without its fault (or a vendor-faithful copy with a strict check): first on a small tree written
# here, one case per rule, then on facts of the real impl/ read from its sources.
#   cmake -DSOURCE_DIR=<repo> -DWORK=<scratch dir> -P variant_sources_test.cmake
cmake_minimum_required(VERSION 3.25)
set(failures 0)
macro(expect_reaching definition expected)
  mc2_variant_reaching_sources(got ${definition} ${ARGN})
  if(NOT "${got}" STREQUAL "${expected}")
    message(SEND_ERROR "${definition}: expected [${expected}], got [${got}] of [${ARGN}]")
    math(EXPR failures "${failures} + 1")
  endif()
endmacro()

# --- a small tree: faults.h with two enumerators, headers and sources using them in each way ---
set(T ${WORK}/variant_sources_tree)
file(REMOVE_RECURSE ${T})
file(WRITE ${T}/impl/ops/common/faults.h [=[
#ifndef MC2IMPL_FAULT
#define MC2IMPL_FAULT 0
#endif
enum class Fault : int {
    kNone = 0,
    kAlpha = 7,  // used by alpha.cc
    kBeta = 8,
};
inline constexpr Fault kFault = static_cast<Fault>(MC2IMPL_FAULT);
inline constexpr bool kVendorFaithful = MC2IMPL_VENDOR_FAITHFUL != 0;
]=])
file(WRITE ${T}/impl/ops/common/beta_hook.h [=[
#include "ops/common/faults.h"
inline int Beta(int x) { if constexpr (kFault == Fault::kBeta) return x + 1; return x; }
]=])
file(WRITE ${T}/impl/ops/common/wrapper.h "#include \"beta_hook.h\"\n")
file(WRITE ${T}/impl/ops/x/plain.cc "#include \"ops/common/faults.h\"\nint Plain() { return 1; }\n")
file(WRITE ${T}/impl/ops/x/alpha.cc
     "#include \"ops/common/faults.h\"\nint A(int x) { return kFault != Fault::kAlpha ? x : -x; }\n")
# kBeta through two levels of headers, the second found in the including file's own folder.
file(WRITE ${T}/impl/ops/common/via_header.cc "#include \"wrapper.h\"\nint V(int x) { return Beta(x); }\n")
# kFault used other than in a comparison with one enumerator: every fault reaches it.
file(WRITE ${T}/impl/ops/x/generic.cc
     "#include \"ops/common/faults.h\"\nint G() { return static_cast<int>(kFault); }\n")
file(WRITE ${T}/impl/ops/x/raw_macro.cc "#if MC2IMPL_FAULT == 8\nint R() { return 1; }\n#endif\n")
# Mentions in comments do not count; kVendorFaithful does, for the vendor-faithful definition.
file(WRITE ${T}/impl/ops/x/comment.cc "// kFault, Fault::kAlpha and kVendorFaithful are only named here\nint C();\n")
file(WRITE ${T}/impl/ops/x/vendor.cc
     "#include \"ops/common/faults.h\"\nbool F() { return kVendorFaithful; }\n")
# An include cycle ends (both guarded headers reach kAlpha through the other).
file(WRITE ${T}/impl/ops/x/cycle_a.h "#pragma once\n#include \"cycle_b.h\"\n")
file(WRITE ${T}/impl/ops/x/cycle_b.h
     "#pragma once\n#include \"cycle_a.h\"\n#include \"ops/common/faults.h\"\nbool B() { return kFault == Fault::kAlpha; }\n")
file(WRITE ${T}/impl/ops/x/cycle.cc "#include \"cycle_a.h\"\n")

set(MC2_VARIANT_INCLUDE_DIRS ${T}/impl ${T}/include)
set(MC2_VARIANT_FAULTS_HEADER ${T}/impl/ops/common/faults.h)
include(${SOURCE_DIR}/cmake/ImplVariantSources.cmake)

set(X ${T}/impl/ops/x)
set(all ${X}/plain.cc ${X}/alpha.cc ${T}/impl/ops/common/via_header.cc ${X}/generic.cc ${X}/raw_macro.cc
    ${X}/comment.cc ${X}/vendor.cc ${X}/cycle.cc)
expect_reaching(MC2IMPL_FAULT=7 "${X}/alpha.cc;${X}/generic.cc;${X}/raw_macro.cc;${X}/cycle.cc" ${all})
expect_reaching(MC2IMPL_FAULT=8 "${T}/impl/ops/common/via_header.cc;${X}/generic.cc;${X}/raw_macro.cc" ${all})
expect_reaching(MC2IMPL_VENDOR_FAITHFUL=1 "${X}/vendor.cc" ${all})
# A fault faults.h does not define, or another definition: every source, as before the scan.
expect_reaching(MC2IMPL_FAULT=9 "${all}" ${all})
expect_reaching(SOMETHING_ELSE=1 "${all}" ${all})

# --- the real impl/ (facts read from its sources; a new scan of a fresh configure) ---
unset(MC2_VARIANT_INCLUDE_DIRS)
unset(MC2_VARIANT_FAULTS_HEADER)
set(PROJECT_SOURCE_DIR ${SOURCE_DIR})
include(${SOURCE_DIR}/cmake/ImplVariantSources.cmake)
set(M ${SOURCE_DIR}/impl/ops/matmul_all_reduce)
set(mar ${M}/matmul_all_reduce_api.cc ${M}/matmul_all_reduce_check.cc ${M}/matmul_all_reduce_run.cc)
# kDropBiasOnRank1 (3) is in the run file; kModifyInput (20) in ops/common/memory_faults.h, which
# the run file includes; kSkipReduceOpCheck (2) and the vendor-faithful reduceOp rule in check.
expect_reaching(MC2IMPL_FAULT=3 "${M}/matmul_all_reduce_run.cc" ${mar})
expect_reaching(MC2IMPL_FAULT=20 "${M}/matmul_all_reduce_run.cc" ${mar})
expect_reaching(MC2IMPL_FAULT=2 "${M}/matmul_all_reduce_check.cc" ${mar})
expect_reaching(MC2IMPL_VENDOR_FAITHFUL=1 "${M}/matmul_all_reduce_check.cc" ${mar})

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} expectation(s) failed")
endif()
message(STATUS "variant_sources_test: all expectations hold")
