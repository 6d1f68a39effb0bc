// harness/supervise/rank_child.h — one rank of a case in its own supervised process, for runs
// whose ranks are separate processes (`mc2conf run --mpi`: one MPI process per rank, possibly
// on another machine). The launcher process (an MPI rank) never loads the library under test:
// it starts `mc2conf-case --rank N` (case_child.h's executable), which loads the library, runs
// harness::RunRank and writes the rank's report back; so a rank whose library crashes or hangs
// is reported for that case (CRASH / TIMEOUT), the launcher lives on, and the peers' ranks,
// whose communicator loses the dead rank's connection, are released within their timeout.
//
// The root info crosses as CANN programs carry it: rank 0's child writes the bytes HcclGetRootInfo
// made on its result descriptor ("R <hex>\n") before it joins; the launcher broadcasts them (MPI);
// the other ranks' children get them on their command line (--root-info <hex>).
#ifndef MC2_HARNESS_SUPERVISE_RANK_CHILD_H_
#define MC2_HARNESS_SUPERVISE_RANK_CHILD_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/case.h"
#include "harness/run/result.h"
#include "harness/run/run_case.h"
#include "harness/supervise/supervise.h"

namespace mc2::harness {

// A RankReport (every field RunRank fills that the judgement reads, output bytes included) as
// bytes, and back; nullopt for bytes that are not a complete report.
std::string EncodeRankReport(const RankReport &rep);
std::optional<RankReport> DecodeRankReport(const std::string &bytes);

// What became of one rank's process.
struct RankOutcome {
    enum class Kind { kReported, kCrashed, kTimedOut, kNoReport };
    Kind kind = Kind::kNoReport;
    RankReport report;  // kReported: the child's; else an empty report with setup_error = why
    std::string why;    // not kReported: "killed by SIGSEGV (...)", "no answer within 60 s", ...
};
std::string EncodeRankOutcome(const RankOutcome &o);
std::optional<RankOutcome> DecodeRankOutcome(const std::string &bytes);

// One rank's child process, from start to its report.
class RankChild {
public:
    using Clock = std::chrono::steady_clock;
    RankChild() = default;
    ~RankChild();
    RankChild(const RankChild &) = delete;
    RankChild &operator=(const RankChild &) = delete;

    // Starts rank `rank` of `c` (`root_info_hex` empty on rank 0). False with `*error` set when
    // the process cannot be started.
    bool Start(const Case &c, int rank, const RunOptions &run, const SuperviseOptions &supervise,
               const std::string &root_info_hex, std::string *error);
    // Rank 0: the root info its child made, as hex; empty when none came by `deadline` (the
    // child failed before it, died, or hung: Finish says which).
    std::string ReadRootInfo(Clock::time_point deadline);
    // Waits for the report until `deadline`, then kills the child's process group.
    RankOutcome Finish(Clock::time_point deadline);

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string buffer_;  // read from the child, not yet consumed
    double timeout_s_ = 0;
    Clock::time_point started_;
};

// mc2conf-case's rank mode (CaseChildMain dispatches here when it sees --rank): loads the
// libraries, runs the rank, writes "W <EncodeRankReport>" on `result_fd` and exits.
[[noreturn]] void RankChildMain(const std::string &descriptor, int rank, const std::string &root_info_hex,
                                const RunOptions &run, const std::vector<std::string> &impl_paths, int result_fd);

// The outcome of a case whose ranks ran as processes: crashed or timed-out ranks make it a
// CRASH / TIMEOUT naming the rank; otherwise the threaded runner's judgement (JudgeRanks), in
// which a rank that never started is a harness setup failure (FAILED).
CaseResult JudgeRankOutcomes(const Case &c, std::vector<RankOutcome> outcomes, const RunOptions &run);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SUPERVISE_RANK_CHILD_H_
