// fuzz/differential_fuzzer.cc — small valid cases end to end: the input bytes drive
// spec::ByteChoices through spec::GenerateValid (every operator with a generator, the process's platform (MC2_PLATFORM),
// every dtype row, world sizes up to 4, m/k/n up to 32/64/32, per-rank variation, seeds, data
// distributions and rank schedules), the case runs against the implementation through the ABI,
// and the oracle's comparison must pass (harness::RunCase: PASSED, or MISTRUSTED when the data
// are too weak to judge). Unlike api_fuzzer, every case here is one the spec says must succeed,
// so coverage of the numerical paths (tiling, comm_turn splits, strides, x3, bias) is the goal.
// An input that makes a case an earlier input made, from other bytes, is not run again
// (repeat_filter.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/internal/reach.h"
#include "fuzz/internal/repeat_filter.h"
#include "fuzz/internal/run_support.h"
#include "fuzz/internal/warm_up.h"
#include "harness/run/run_case.h"
#include "spec/choices.h"
#include "spec/expectation.h"
#include "spec/generate.h"

namespace {
constexpr int kMaxWorld = 4;  // the generated cases' world sizes: up to 4 ranks
}  // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
    mc2::fuzz::InitEnvironment(*argc, *argv);
    (void)mc2::fuzz::Abi();
    mc2::fuzz::WarmUp(kMaxWorld);  // first-use growth now, not inside an input (warm_up.h)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const std::vector<std::string> ops = mc2::spec::GeneratableOps();
    mc2::spec::ByteChoices choices(data, size);
    const std::string &op = choices.Pick(ops);
    const mc2::harness::Platform platform = mc2::fuzz::Platform();
    mc2::spec::Limits limits;
    limits.max_m = 32;
    limits.max_k = 64;
    limits.max_n = 32;
    limits.max_world = kMaxWorld;
    const mc2::harness::Case c = mc2::spec::GenerateValid(op, platform, choices, limits);
    if (mc2::fuzz::RepeatsEarlierInput(data, size, c)) {
        mc2::fuzz::TraceNotRun(c, "repeat", 0);
        mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kRepeat);
        return -1;  // a case already judged, from a mutation of bytes it never read (repeat_filter.h)
    }
    // Every question about c's expected answers (the fuzzer's, the runner's, the trace's) shares
    // one evaluation per rank and profile.
    const mc2::spec::ExpectationScope expectations(c);
    // The generator's promise, checked against the catalogue it is built from.
    if (!mc2::spec::ExpectSuccessEverywhere(c)) {
        mc2::fuzz::Fail("differential_fuzzer", "spec::GenerateValid made a case the catalogue rejects", c);
    }
    const mc2::harness::CaseResult r = mc2::harness::RunCase(c, mc2::fuzz::Abi(), mc2::fuzz::FuzzRunOptions());
    mc2::fuzz::Trace(c, r);
    mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kEndToEnd);
    if (mc2::harness::IsFailure(r.status)) mc2::fuzz::Fail("differential_fuzzer", r.Line(), c);
    return 0;
}
