// fuzz/internal/repeat_filter.h — recognises an input that makes the same case as the input just
// before it, from other bytes, so that the case-running fuzzers do not run it again.
//
// A case reads a prefix of its input's bytes (spec::ByteChoices), and libFuzzer mutates all of
// them, up to -mutate_depth times in a row on one input: a mutation of the unread tail makes the
// case just run. In a 150 s api_fuzzer run (fuzz/README.md "Session 15") 6,124 of 14,111
// executions (43 %) repeated the previous input's case and took 72 of its 137.5 s of case wall
// time, half of that in AllToAllVV2 cases that wait 3 s for a peer that never connects. Such a
// repeat is deterministic work already judged clean (a finding aborts the process), and its
// coverage is the previous run's, so libFuzzer gains nothing from it.
//
// The same bytes again are not a repeat: libFuzzer re-runs an input on purpose (its leak check
// runs an input that allocated more than it freed once more, then asks LeakSanitizer), and that
// run must do the work again. Only the last input is remembered (a window of 64 would catch 5 %
// more), as two hashes: no allocation outlives the input, which libFuzzer's malloc/free count
// would take for a leak.
#ifndef MC2_FUZZ_INTERNAL_REPEAT_FILTER_H_
#define MC2_FUZZ_INTERNAL_REPEAT_FILTER_H_

#include <cstddef>
#include <cstdint>

#include "harness/case.h"

namespace mc2::fuzz {

class RepeatFilter {
public:
    // Whether `c`, made from data[0, size), is the case the previous call's input made from
    // other bytes. Remembers this input either way.
    bool Repeats(const uint8_t *data, size_t size, const harness::Case &c);

private:
    bool any_ = false;
    uint64_t last_bytes_ = 0;
    uint64_t last_case_ = 0;
};

// The process's filter, for LLVMFuzzerTestOneInput (libFuzzer calls it from one thread). Never
// a repeat with $MC2_FUZZ_RUN_REPEATS set (not "0"): for measuring what the filter saves.
bool RepeatsLastInput(const uint8_t *data, size_t size, const harness::Case &c);

}  // namespace mc2::fuzz

#endif  // MC2_FUZZ_INTERNAL_REPEAT_FILTER_H_
