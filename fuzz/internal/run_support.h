// fuzz/internal/run_support.h — what the fuzzers that run cases (api_fuzzer, differential_fuzzer)
// share: loading the implementation under test through the ABI, the cost model that decides
// whether a case is small enough to run end to end, the metadata-only call for huge cases the
// spec must see rejected, and the one-line failure report.
#ifndef MC2_FUZZ_INTERNAL_RUN_SUPPORT_H_
#define MC2_FUZZ_INTERNAL_RUN_SUPPORT_H_

#include <cstdint>
#include <string>

#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/run/run_case.h"

namespace mc2::fuzz {

// The platform every case of this process uses: $MC2_PLATFORM (atlas_a2 when unset). The
// built-in implementation emulates one product profile per process, chosen by that same
// variable, and harness::RunCase does not pass Case::platform to it; so a fuzzing process sticks
// to one platform (run a second campaign with MC2_PLATFORM=ascend_950 for the other).
harness::Platform Platform();

// Called from LLVMFuzzerInitialize, before any thread: exports MC2_PLATFORM = Platform() and,
// unless already set, MC2_HCCL_CONNECT_TIMEOUT_MS=1000 (a join's wait) and
// MC2_HCCL_TIMEOUT_MS=3000 (the implementation's documented knob for
// harnesses: a rank whose peer was refused fails its collective after 3 s instead of CANN's
// 1836 s default, well inside the 10 s stream-sync limit of FuzzRunOptions). A rank refused
// before its collective no longer costs that wait (FuzzRunOptions releases its peers); one
// that fails later, inside its kernel, still does, and so does a rank refused before it joined
// an ATB communicator of its own (its peers wait out the connect timeout).
//
// Also pins the process to the one CPU it runs on (PinToOneCore below), unless $MC2_FUZZ_PIN is
// "0" or argv shows a process that only starts others (-fork=, -jobs=, -workers=): the ranks'
// threads, the implementation's stream and communication threads and the oracle then share one
// core, as the throughput goal counts. Unpinned on 2 cores the same 300 corpus inputs took 1.9×
// (api_fuzzer) and 3.1× (differential_fuzzer) the CPU: threads woken across cores, and the
// oracle's ParallelFor starting threads for small cases (fuzz/README.md "Session 13").
void InitEnvironment(int argc, char **argv);

// The implementation under test, loaded once per process: $MC2_FUZZ_IMPL (a colon-separated
// list of libraries, e.g. a vendor runtime) when set, else libmc2impl_fuzz.so next to the fuzzer
// executable (an OSS-Fuzz $OUT), else the path the build configured. Exits with a one-line
// message when it cannot be loaded.
const harness::AbiTable &Abi();

// What a case costs, summed over ranks: device bytes of every present tensor's storage, and the
// multiply-accumulates of the matmul (numel(x1) * last dim of x2).
struct Cost {
    uint64_t bytes = 0;
    uint64_t macs = 0;
};
Cost CaseCost(const harness::Case &c);

// Above these, a case is not run end to end (fuzz/README.md, "Huge cases" and "Run limits"):
// it is called metadata-only when every rank must be refused by its first phase, else skipped.
// The fuzzers' inputs must stay fast and their memory bounded however the dims are mutated. At
// 64 MiB / 2^22 (before session 7) the 0.4-0.7 % of api_fuzzer's inputs that ran end to end
// above 1 MiB took a third to a half of its time and reached no rule that smaller inputs did
// not; big shapes are the gates' work.
inline constexpr uint64_t kMaxRunBytes = uint64_t{1} << 20;
inline constexpr uint64_t kMaxRunMacs = uint64_t{1} << 20;
// The runner's own per-tensor and workspace limit under the fuzzers (RunOptions::
// max_tensor_bytes): above the run limits, so that a workspace an implementation asks for is
// never refused by the harness for a case small enough to run.
inline constexpr uint64_t kMaxTensorBytes = uint64_t{64} << 20;
// The limits in force: kMaxRunBytes and kMaxRunMacs, or $MC2_FUZZ_RUN_LIMITS ("<bytes>,<macs>",
// for measuring what other limits would cost or save; fuzz/README.md "Run limits").
Cost RunLimits();
bool RunnableEndToEnd(const harness::Case &c);

// Options for end-to-end runs under a fuzzer: a stream that has not drained after 10 s is a hang
// (libFuzzer's own -timeout, 30 s in the smoke runs, stays the outer limit); no late-write
// re-read, the schedule's sleeps in microseconds, a refused rank's peers released at once, a
// refused rank's inputs filled with a constant byte, and one process-wide harness::World (ranks,
// streams and communicators kept across inputs and checked clean between them; none with
// MC2_FUZZ_WORLD=0) (harness/run/run_case.h RunOptions; what is judged is the gates').
harness::RunOptions FuzzRunOptions();

// The metadata-only call: every rank creates its tensors with the case's full metadata over a
// real allocation filled with a pattern (the tensor's whole span when it is at most kMaxRunBytes,
// else a probe of kProbeBytes) and calls only <api>GetWorkspaceSize, never the execute phase.
// Valid only when the spec expects every rank to be refused by GetWorkspaceSize
// (spec::Outcome::kStatus), which happens before any data access. Returns "" when every rank
// returned an admitted status and left its outputs' bytes alone, else the one-line reason (also
// when the ranks left state behind: the calls run on the ranks of FuzzRunOptions'
// harness::World, checked clean afterwards; on threads, devices and communicators of their own
// with MC2_FUZZ_WORLD=0). Whether the precondition holds: MetadataOnlyApplies.
// `*judged` (when given) is false, and "" returned, when the call could not show a rank the case
// as declared: two of its outputs, one cut to a probe, met in memory, which a library may
// rightly refuse as aliasing outputs (session 20). The input then counts as skipped.
inline constexpr uint64_t kProbeBytes = 4096;
bool MetadataOnlyApplies(const harness::Case &c);
std::string RunMetadataOnly(const harness::Case &c, const harness::AbiTable &abi, bool *judged = nullptr);
// The bytes the metadata-only call allocates for a tensor: its whole span (storage from the data
// pointer) up to kMaxRunBytes, as a case run end to end would, else kProbeBytes.
uint64_t MetadataOnlyBytes(const harness::TensorSpec &t);

// With MC2_FUZZ_TRACE set (non-empty), one line per input on stderr: seconds, the case's cost
// (CaseCost: bytes and MACs), each rank's phases, statuses and expectation, the status and
// descriptor. For finding the inputs that cost the time and for counting which rules a run
// reached (fuzz/README.md "Throughput").
void Trace(const harness::Case &c, const harness::CaseResult &r);
// The same line for an input that was not run end to end: `how` is "metadata-only" (then each
// rank's expected status and rule follow), "skipped" or "repeat" (repeat_filter.h).
void TraceNotRun(const harness::Case &c, const char *how, double seconds);

// Prints "<fuzzer>: <what>\n  mc2conf run '<descriptor>'" to stderr and aborts (libFuzzer then
// saves the input as a crash).
[[noreturn]] void Fail(const char *fuzzer, const std::string &what, const harness::Case &c);

}  // namespace mc2::fuzz

#endif  // MC2_FUZZ_INTERNAL_RUN_SUPPORT_H_
