// fuzz/internal/repeat_filter.h — recognises an input that makes a case this process has already
// run, from other bytes, so that the case-running fuzzers do not run it again.
//
// A case reads a prefix of its input's bytes (spec::ByteChoices), and libFuzzer mutates all of
// them, up to -mutate_depth times in a row on one input, and comes back to the same corpus
// inputs again and again: a mutation of the unread tail makes a case already run. In a 150 s
// api_fuzzer run (fuzz/README.md "Session 15") 6,124 of 14,111 executions (43 %) repeated the
// previous input's case and 8,343 (59 %) a case run before; in a 240 s run, 57 AllToAllVV2 inputs
// waited 3 s each for a peer that never connects (79 % of the time), and they were 22 cases. A
// repeat is deterministic work already judged clean (a finding aborts the process) and its
// coverage is the earlier run's, so libFuzzer gains nothing from it.
//
// The same bytes as an input just run are not a repeat: libFuzzer re-runs an input on purpose
// (its leak check runs an input that allocated more than it freed once more, then asks
// LeakSanitizer), and that run must do the work again. After a skipped input they are (a
// mutation that changed no byte). Cases are remembered as 64-bit hashes in
// a fixed direct-mapped table (a newer case evicts an older one of the same slot; a collision of
// two cases' 64-bit hashes would skip one case, at odds of about 2^-64 per input), in static storage: no
// allocation outlives an input, which libFuzzer's malloc/free count would take for a leak.
#ifndef MC2_FUZZ_INTERNAL_REPEAT_FILTER_H_
#define MC2_FUZZ_INTERNAL_REPEAT_FILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "harness/case.h"

namespace mc2::fuzz {

class RepeatFilter {
public:
    static constexpr size_t kSlots = size_t{1} << 16;

    // Whether `c`, made from data[0, size), is a case already remembered, unless the previous
    // call's input was run and had the same bytes. Remembers this input and its case either way.
    bool Repeats(const uint8_t *data, size_t size, const harness::Case &c);

private:
    bool last_ran_ = false;  // whether the previous input was run (not a repeat)
    uint64_t last_bytes_ = 0;
    std::array<uint64_t, kSlots> seen_{};  // case hashes; 0 = empty (a case hashing to 0 is never remembered)
};

// The process's filter, for LLVMFuzzerTestOneInput (libFuzzer calls it from one thread). Never
// a repeat with $MC2_FUZZ_RUN_REPEATS set (not "0"): for measuring what the filter saves. With
// $MC2_FUZZ_STATS set to a file, a process that exits normally appends "<inputs run> <repeats
// skipped>" to it (fuzz/campaign reports the share of repeats).
bool RepeatsEarlierInput(const uint8_t *data, size_t size, const harness::Case &c);

}  // namespace mc2::fuzz

#endif  // MC2_FUZZ_INTERNAL_REPEAT_FILTER_H_
