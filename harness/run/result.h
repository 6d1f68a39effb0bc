// harness/run/result.h — what running one Case produced: a status from a fixed set (benchdnn /
// Khronos CTS style), a one-line reason, the reproducer, and per rank what each phase returned,
// the implementation's error text, and the comparison summary. This is also what a supervised
// child sends back to its parent (harness/supervise), so it holds no pointers.
#ifndef MC2_HARNESS_RUN_RESULT_H_
#define MC2_HARNESS_RUN_RESULT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mc2::harness {

enum class Status {
    kPassed,        // every rank behaved as the spec expects; outputs inside their intervals
    kFailed,        // a status, an output, or an untouched-output check disagreed
    kCrash,         // the run died on a signal (supervised runs only)
    kTimeout,       // the run did not finish in time (stream sync or the supervisor's clock)
    kNotSupported,  // a feature the documents make optional is absent (none for MatmulAllReduce)
    kMistrusted,    // passed, but the comparator judged the data too weak to mean much
    // Passed the documented behaviour but not this suite's hardening demands (a rule of level
    // hardening: harness/run/verdict.h), as the Khronos CTS's QualityWarning: FAILED only under
    // `mc2conf run --strict`.
    kWarning,
};
// PASSED, FAILED, CRASH, TIMEOUT, NOT_SUPPORTED, MISTRUSTED, WARNING
std::string StatusName(Status status);
std::optional<Status> ParseStatus(std::string_view name);
// PASSED, MISTRUSTED, NOT_SUPPORTED and WARNING are not failures.
bool IsFailure(Status status);

// The comparison of one output of one rank against the oracle's intervals.
struct OutputCheck {
    std::string name;         // output tensor
    bool pass = false;
    bool mistrusted = false;
    bool precision_suspect = false;
    double ratio_max = 0;     // observed error / bound, worst element
    std::string summary;      // the comparator's one line
    // Error statistics for the reports (harness/report): CompareReport's figures, and the
    // histogram of errors in output ulps (bins: harness/report/ulp_histogram.h).
    int64_t elements = 0;
    int64_t outside = 0;
    double ulp_median = 0, ulp_p99 = 0, ulp_max = 0;
    std::vector<int64_t> ulp_histogram;
    bool vendor_pass = false;
    double vendor_fail_share = 0;
    // Elements judged by equality (their interval is one value); the rest by interval.
    int64_t exact_checked = 0;
    // When the oracle admits several readings of an UNVERIFIED step: per reading, how many
    // elements are consistent with it (oracle::Bounds::readings); empty otherwise.
    struct Reading {
        std::string name;
        int64_t consistent = 0;
    };
    std::vector<Reading> readings;
};

struct RankReport {
    int rank = 0;
    std::string expected;          // the spec's expectation in words
    // Status codes as the ABI returned them; a phase not reached has *_called false.
    bool prepare_called = false;
    bool execute_called = false;
    bool sync_called = false;
    int32_t prepare_status = 0;    // <api>GetWorkspaceSize
    int32_t execute_status = 0;    // <api>
    int32_t sync_status = 0;       // aclrtSynchronizeStreamWithTimeout
    uint64_t workspace_size = 0;
    bool sync_timed_out = false;
    std::string messages;          // aclGetRecentErrMsg text per phase ("phase: text | ...")
    std::string setup_error;       // the harness could not set the call up (allocation, ...)
    // aclCreateTensor returned nullptr for a tensor the case declares present: "<tensor>: <the
    // implementation's aclGetRecentErrMsg>". The operator is then not called on this rank.
    std::string descriptor_refused;
    bool outputs_untouched = true; // every output's storage still byte-identical to the poison
    // The library broke memory discipline (harness/run/guarded.h): wrote outside a tensor's storage
    // or its workspace, modified an input, or wrote an output after synchronisation returned.
    std::string memory_error;
    std::vector<OutputCheck> checks;
    std::string verdict;           // empty when this rank conforms, else why not (one line)
    // Empty unless the rank met only the documented behaviour: "[rule id] why" of the hardening
    // rule it did not meet (harness/run/verdict.h). Not serialised: the case's reason carries it.
    std::string warning;
    // Output storage bytes after the call (not serialised by the supervisor).
    std::map<std::string, std::vector<uint8_t>> outputs;
};

struct CaseResult {
    Status status = Status::kFailed;
    std::string reason;      // one line; empty when PASSED
    std::string descriptor;  // Case::ToString()
    std::string schedule;    // the rank schedule in words, when the case has one
    double seconds = 0;
    std::vector<RankReport> ranks;

    // `mc2conf run '<descriptor>'` (shell-quoted).
    std::string Repro() const;
    // "STATUS (reason) __REPRO: mc2conf run '…'" — the report line.
    std::string Line() const;
};

// A single-quoted shell word (a ' inside becomes '\'').
std::string ShellQuote(std::string_view text);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_RUN_RESULT_H_
