// fuzz/internal/wild_case.h — arbitrary calls for api_fuzzer, decided through spec::Choices (so
// libFuzzer's bytes drive every decision): a valid or an invalid case from the spec's generators,
// then a few "wild" edits the generators never make — null tensors, any dtype/format integer,
// any rank (0..10, beyond the ABI's 8), dims/strides/offsets/storage shapes from small values
// to negative and 2^63-scale ones, any string (bytes included) for group and reduce_op, any
// integer for comm_turn and stream_mode, another world size — each applied to every rank or
// to one rank only (a per-rank override).
#ifndef MC2_FUZZ_INTERNAL_WILD_CASE_H_
#define MC2_FUZZ_INTERNAL_WILD_CASE_H_

#include <string>
#include <vector>

#include "harness/case.h"
#include "spec/choices.h"

namespace mc2::fuzz {

// The operators api_fuzzer drives (those with a spec catalogue, a harness binding and an
// implementation).
const std::vector<std::string> &WildOps();

// At most kMaxWildWorld ranks: every rank is a thread, and the inputs must stay fast.
inline constexpr int kMaxWildWorld = 4;

harness::Case WildCase(spec::Choices &ch);

}  // namespace mc2::fuzz

#endif  // MC2_FUZZ_INTERNAL_WILD_CASE_H_
