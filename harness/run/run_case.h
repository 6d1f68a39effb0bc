// harness/run/run_case.h — runs one Case end to end through an ABI table and judges it.
//
// As the CANN examples do: aclInit once per process, aclrtSetDevice for every rank,
// HcclCommInitAll, then one thread per rank that creates its context and stream, uploads its
// tensors (aclrtMalloc, aclrtMemcpy, aclCreateTensor with the case's view shape, strides,
// offset, format and storage shape; ATB operations take raw tensors instead), poisons its
// outputs, calls the binding's first phase (aclnn: <api>GetWorkspaceSize; ATB: CreateOperation +
// Setup; harness/ops/binding.h OpCall) and — when that returned 0 — the execute phase, and
// synchronises the stream with a timeout. The rank schedule (harness/run/schedule.h) orders and
// delays the calls.
//
// Judgement per rank against spec::Expect(case, rank) at two levels (harness/run/verdict.h): an
// answer the strict expectation admits passes, one only the vendor-level expectation admits is a
// WARNING (a hardening rule not met), anything else FAILED. The phase statuses must match an
// admitted outcome; on any expected failure every output must be byte-identical to its poison;
// on success every output element must have been written, nothing outside the output's view
// may change, every element must lie inside the oracle's interval (harness/compare.h) or be one
// of the oracle's exact codes (data movement), and an output the binding declares replicated (an
// all-reduce or all-gather result) must be bit-identical on every rank.
//
// A tensor descriptor the implementation refuses (aclCreateTensor returns nullptr for a tensor
// the case declares present: more than 8 dims, a negative offset, ...) is not passed on as a
// null tensor. That rank makes no call (its peers see a rank that failed before communicating)
// and RankReport::descriptor_refused names the tensor and the implementation's message; the
// rank conforms exactly when the spec expects it to fail, else it is FAILED with "aclCreateTensor
// refused a descriptor the spec accepts: …".
#ifndef MC2_HARNESS_RUN_RUN_CASE_H_
#define MC2_HARNESS_RUN_RUN_CASE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/compare.h"
#include "harness/run/result.h"

namespace mc2::harness {

class World;

struct RunOptions {
    // aclrtSynchronizeStreamWithTimeout's limit; a stream that has not drained by then is a
    // TIMEOUT (a hang), never an accepted runtime error.
    int sync_timeout_ms = 20000;
    // CANN's HCCL_EXEC_TIMEOUT (seconds a collective waits for its peers; the documented
    // default is 1836 s), exported before the first communicator is created unless the
    // environment already sets it. A rank whose peer refused the call must then fail with a
    // runtime error well inside sync_timeout_ms, as the cross-rank rules expect. 0 = leave it.
    int hccl_exec_timeout_s = 5;
    // Keep each rank's output bytes in RankReport::outputs.
    bool keep_outputs = false;
    // Device storage the harness allocates for one tensor at most (also the bound on its view,
    // counted as packed elements); a bigger case is FAILED with a "harness limit" reason, on the
    // case and as the setup error of the rank whose tensor it is, rather than exhausting the
    // machine. Sizes saturate: storage no size_t can express is reported, never wrapped round.
    size_t max_tensor_bytes = size_t{1} << 30;
    // After the outputs are read back, wait this long and read them again: a change means the
    // library wrote after synchronisation had returned (FAILED). 0 = no second read (fuzzers).
    int late_write_delay_ms = 5;
    // The next three serve the fuzzers, which call RunCase in-process; a supervised child
    // (harness/supervise/case_child.cc) is not passed them and keeps them off, as the gates do.
    //
    // Fuzzers: the case's schedule with its delays in microseconds instead of milliseconds
    // (harness/run/schedule.h Compressed): the entry order kept, the straggler sleeps gone.
    bool compress_schedule = false;
    // Fuzzers: a rank that will make no collective call (its descriptor or first phase was
    // refused, its setup failed, its workspace could not be allocated) destroys its communicator
    // at once (HcclCommDestroy, which HCCL documents for a rank leaving its group), so peers
    // waiting for it in the collective fail now instead of after the exec timeout. What is
    // judged does not change: those peers can never complete without it (the cross-rank rules
    // expect a runtime error of them either way), they only fail sooner. The gates leave it off,
    // so the implementation's timeout path stays exercised there.
    bool release_peers_of_refused = false;
    // Gates: the same release, but only in worlds of at least this many ranks (0 = never).
    // A gate's `*.xrank.peer_failed` cases at world 2 keep the implementation's exec-timeout path
    // exercised (the peer waits HCCL_EXEC_TIMEOUT, then fails); repeating that wait at every
    // wider world judged nothing new and was most of the quick gate's wall time (80 cases × 5 s).
    // At world ≥ 3 a peer is released by HcclCommDestroy, which HCCL documents for a rank
    // leaving its group; an implementation that does not release it still times out and is
    // judged the same way.
    int release_peers_from_world = 3;
    // Fuzzers: on a rank whose every admitted answer is a refusal by the first phase (an aclnn
    // <api>GetWorkspaceSize sees descriptors and device addresses, never device data), inputs
    // without explicit values hold a constant byte instead of the seeded fill. Explicit values
    // (host parameters such as AllToAllVV2's counts, read by ATB's Setup) and the tensors of
    // APIs taking raw tensors keep theirs. Everything judged stays: the status, outputs
    // byte-identical to their poison, inputs unchanged, the guards. Only values no conforming
    // first phase reads are cheaper to make (fuzz/README.md "Throughput").
    bool pattern_fill_refused = false;
    // Fuzzers: devices, communicators, rank threads, contexts and streams kept across cases and
    // checked clean between them (harness/run/world.h); a leftover is reported as a FAILED case.
    // Null = made and released by every case, as the gates do.
    World *world = nullptr;
    CompareOptions compare;
};

// Never throws for anything the implementation does; a harness-side problem (no binding, a
// missing symbol, setup failure) is a FAILED result with the reason.
//
// The case's platform reaches the implementation through the environment: RunCase sets
// MC2_PLATFORM=<Case::platform> (atlas_a2, ascend_950) in this process, overwriting any earlier
// value, before it makes any call of the case. That is how the suite tells an emulator that
// implements several product profiles (the built-in libmc2impl.so reads it at every call,
// impl/ops/common/platform.h) which one to apply; a vendor library is built for its hardware
// and ignores it. A supervised child (harness/supervise) has it set before the library is even
// loaded. Callers must not run two cases of different platforms in one process at once.
CaseResult RunCase(const Case &c, const AbiTable &abi, const RunOptions &options = {});

// ---- answers recorded elsewhere (mc2conf export / judge: an adapter that is not a C library
// runs the case from the exported tensors and writes back its statuses and outputs) ----

// One tensor of one rank as RunCase prepares it: an input's encoded storage, an output's poison.
struct PreparedTensor {
    std::string name;
    TensorSpec spec;
    bool output = false;
    bool in_place = false;       // an output updated in place: its bytes are the input's data
    std::vector<uint8_t> bytes;  // the whole storage (StorageBytes(spec))
};

// Every rank's tensors (null ones left out), in signature order, byte for byte what RunCase
// uploads. Throws std::runtime_error for an unknown operator or a tensor beyond
// options.max_tensor_bytes.
std::vector<std::vector<PreparedTensor>> PrepareTensors(const Case &c, const RunOptions &options = {});

// Judges recorded answers exactly as RunCase judges its own: `ranks[r]` holds rank r's phases
// and statuses (prepare/execute/sync _called and _status, descriptor_refused, messages) and its
// output storage in RankReport::outputs (an output left out counts as never written).
// `tensors` is PrepareTensors(c). What only a live run can see (guard bytes, changed inputs,
// late writes) is not judged.
CaseResult JudgeRecorded(const Case &c, const std::vector<std::vector<PreparedTensor>> &tensors,
                         std::vector<RankReport> ranks, const RunOptions &options = {});

// ---- ranks in separate processes (mc2conf run --mpi: one process per rank, as on a cluster) ----

// Carries rank 0's HcclRootInfo to the other ranks of the case (the launcher's channel: MPI_Bcast
// in `mc2conf run --mpi`). Called exactly once on every rank. On rank 0 `info` holds the bytes
// and `ok` says whether HcclGetRootInfo made them; elsewhere `info` receives them. Returns
// whether the ranks have a root info to join with.
using ShareRootInfo = std::function<bool(HcclRootInfo *info, bool ok)>;

// Runs rank `rank` of `c` in this process as the threaded runner runs it (same data, same
// calls, same memory checks), its communicator made the CANN way for separate processes:
// aclrtSetDevice(rank), HcclGetRootInfo on rank 0, `share`, HcclCommInitRootInfo. The schedule's
// delays apply, its entry order does not (it needs the ranks in one process). The report keeps
// its output bytes for JudgeRanks; a failure to set up lands in setup_error.
RankReport RunRank(const Case &c, const AbiTable &abi, const RunOptions &options, int rank,
                   const ShareRootInfo &share);

// Judges every rank's report of one case with the threaded runner's judgement (statuses,
// outputs against the oracle, replicated outputs identical, memory errors the ranks found).
CaseResult JudgeRanks(const Case &c, std::vector<RankReport> ranks, const RunOptions &options = {});

// The variable above, and setting it (setenv, overwriting) to a platform's name.
inline constexpr const char *kPlatformVariable = "MC2_PLATFORM";
void ExportPlatform(Platform platform);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_RUN_CASE_H_
