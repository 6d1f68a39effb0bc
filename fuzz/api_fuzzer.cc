// fuzz/api_fuzzer.cc — arbitrary aclnnMatmulAllReduce / V2 calls against the implementation,
// through the ABI only (the harness's dlopen table, as for any third-party library). The input
// bytes drive spec::ByteChoices, from which fuzz/internal/wild_case builds a case: a valid or
// invalid one from the spec's generators plus wild edits (null pointers, any dtype/format/rank/
// dims/strides/offsets, any group/reduce_op text, any comm_turn/stream_mode, per-rank overrides).
// Properties, per case:
//   - nothing crashes, hangs or trips a sanitizer, in the implementation or in the suite;
//   - every rank's statuses are what the spec catalogue expects (spec::Expect), and a refused
//     call writes nothing; an accepted one is judged by the oracle (harness::RunCase does both).
// Cases too big to run (fuzz/README.md "Huge cases") are called metadata-only when the spec
// expects every rank to be refused by GetWorkspaceSize, and skipped otherwise. An input that
// makes a case an earlier input made, from other bytes, is not run again (repeat_filter.h).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/internal/reach.h"
#include "fuzz/internal/repeat_filter.h"
#include "fuzz/internal/run_support.h"
#include "fuzz/internal/warm_up.h"
#include "fuzz/internal/wild_case.h"
#include "harness/run/run_case.h"
#include "harness/run/verdict.h"
#include "spec/choices.h"
#include "spec/expectation.h"

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
    mc2::fuzz::InitEnvironment(*argc, *argv);
    (void)mc2::fuzz::Abi();  // load (and instrument-register) the implementation before fuzzing
    mc2::fuzz::WarmUp(mc2::fuzz::kMaxWildWorld);  // first-use growth now, not inside an input (warm_up.h)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mc2::spec::ByteChoices choices(data, size);
    const mc2::harness::Case c = mc2::fuzz::WildCase(choices);
    if (mc2::fuzz::RepeatsEarlierInput(data, size, c)) {
        mc2::fuzz::TraceNotRun(c, "repeat", 0);
        mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kRepeat);
        return -1;  // a case already judged, from a mutation of bytes it never read (repeat_filter.h)
    }
    // Every question about c's expected answers (the fuzzer's, the runner's, the trace's) shares
    // one evaluation per rank and profile.
    const mc2::spec::ExpectationScope expectations(c);
    const mc2::harness::AbiTable &abi = mc2::fuzz::Abi();
    if (!mc2::fuzz::RunnableEndToEnd(c)) {
        if (!mc2::fuzz::MetadataOnlyApplies(c)) {
            mc2::fuzz::TraceNotRun(c, "skipped", 0);
            mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kSkipped);
            return -1;  // too big to run, and may legitimately succeed
        }
        const auto start = std::chrono::steady_clock::now();
        bool judged = true;
        const std::string failure = mc2::fuzz::RunMetadataOnly(c, abi, &judged);
        if (!judged) {
            mc2::fuzz::TraceNotRun(c, "skipped", 0);
            mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kSkipped);
            return -1;  // the probes could not keep its outputs apart (run_support.h)
        }
        mc2::fuzz::TraceNotRun(c, "metadata-only",
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kMetadataOnly);
        if (!failure.empty()) mc2::fuzz::Fail("api_fuzzer", failure, c);
        return 0;
    }
    mc2::harness::CaseResult r = mc2::harness::RunCase(c, abi, mc2::fuzz::FuzzRunOptions());
    mc2::fuzz::Trace(c, r);
    mc2::fuzz::NoteReach(c, mc2::fuzz::Handling::kEndToEnd);
    mc2::harness::ApplyStrict(r);  // a hardening rule not met (WARNING) is a finding here too
    if (mc2::harness::IsFailure(r.status)) mc2::fuzz::Fail("api_fuzzer", r.Line(), c);
    return 0;
}
