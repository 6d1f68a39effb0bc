// fuzz/internal/warm_up.h — what the case-running fuzzers build once, at start-up, instead of on
// the first input that needs it. libFuzzer counts mallocs and frees around each input, and an
// input that allocates more than it frees is run a second time and, if still unbalanced, pays a
// full LeakSanitizer heap scan. The first input of each kind grows something that stays for the
// whole process: the harness::World's ranks and communicators of a world size, the spec's rule
// and dtype tables of an operator, the oracle's codebooks of a format, the implementation's decode
// tables and its pooled communication worker. Those re-runs found nothing (the memory is still
// reachable) and cost 10-13 % of the executions on the fixed input set (fuzz/README.md
// "Session 10"); in fork mode every job pays them again.
#ifndef MC2_FUZZ_INTERNAL_WARM_UP_H_
#define MC2_FUZZ_INTERNAL_WARM_UP_H_

namespace mc2::fuzz {

// Called from LLVMFuzzerInitialize after InitEnvironment: readies the process-wide World
// (FuzzRunOptions) for every world size up to `max_world`, then runs a few small valid and
// invalid cases of every operator with a generator (spec::GeneratableOps) through
// harness::RunCase with the fuzzers' options. Their verdicts are not judged here (the inputs the fuzzer runs are), and the
// World checks and resets its state after each case as it does between inputs.
// MC2_FUZZ_WARM_UP=<n> runs n cases per operator instead of the default; 0 skips the warm-up
// altogether (for measuring what it saves).
void WarmUp(int max_world);

}  // namespace mc2::fuzz

#endif  // MC2_FUZZ_INTERNAL_WARM_UP_H_
