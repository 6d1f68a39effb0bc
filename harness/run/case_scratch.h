// harness/run/case_scratch.h — memory a binding keeps only while one case is judged. The runner
// asks a binding for each output's bounds per rank and contract, and a binding whose costly part
// is shared between those questions (the all-reduced matmul behind an AddRmsNorm's y and normOut)
// caches it per thread. Kept past the case, such a cache is memory the next case did not allocate
// and does not free: under libFuzzer's leak detection every input that grows it is run a second
// time (fuzz/README.md "Session 10"). So the runner forgets every registered cache when a
// case's judgement ends (harness::RunCase, JudgeRecorded, JudgeRanks), on the thread that judged.
#ifndef MC2_HARNESS_RUN_CASE_SCRATCH_H_
#define MC2_HARNESS_RUN_CASE_SCRATCH_H_

namespace mc2::harness {

// Registers `forget`, which releases what the calling thread's cache holds. Idempotent per
// function; safe from any thread (a binding registers at its cache's first use).
void RegisterCaseScratch(void (*forget)());

// Calls every registered `forget` on this thread (the runner, at the end of each judgement).
void ForgetCaseScratch();

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_CASE_SCRATCH_H_
