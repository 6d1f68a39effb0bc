// harness/supervise/supervise.h — running cases so that the implementation cannot take the
// suite down with it (Khronos CTS / deqp-runner style). In the supervised mode each case runs
// in a child process in its own process group, a fresh `mc2conf-case` started with posix_spawn
// (case_child.h: a forked copy of a multi-threaded runner could inherit a held lock): the
// child loads the ABI (so even a library
// whose constructors crash is contained), runs the case and writes its CaseResult back through
// a pipe as JSON; the parent enforces a wall-clock limit, turns a signal into CRASH (with the
// signal's name) and an expired limit into TIMEOUT (the whole process group is killed), and
// the caller goes on with the next case. The in-process mode runs the case on a table loaded
// once, for speed, where the caller trusts the implementation (the built-in one in tests).
#ifndef MC2_HARNESS_SUPERVISE_SUPERVISE_H_
#define MC2_HARNESS_SUPERVISE_SUPERVISE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/abi/abi_table.h"
#include "harness/case.h"
#include "harness/run/result.h"
#include "harness/run/run_case.h"

namespace mc2::harness {

struct SuperviseOptions {
    std::vector<std::string> impl_paths;  // --impl a.so --impl b.so; empty = DefaultImplPath()
    double timeout_s = 60;                // wall clock per case, child start to result
    bool in_process = false;              // trust the implementation: no fork, no timeout
    // Environment variables set in the child before the implementation loads (e.g. CANN's
    // HCCL_EXEC_TIMEOUT, so a rank waiting for a failed peer gives up in bounded time).
    // MC2_PLATFORM is not among them: it is always the case's platform (run_case.h).
    std::vector<std::pair<std::string, std::string>> env;
};

class Supervisor {
public:
    Supervisor(SuperviseOptions supervise, RunOptions run);
    ~Supervisor();
    Supervisor(const Supervisor &) = delete;
    Supervisor &operator=(const Supervisor &) = delete;

    CaseResult Run(const Case &c);
    // The last Run's child was killed by RequestStop() (stop.h): its result (FAILED,
    // "interrupted") says nothing about the implementation and belongs to no report.
    bool LastRunInterrupted() const { return interrupted_; }

private:
    CaseResult RunInProcess(const Case &c);
    CaseResult RunInChild(const Case &c);

    SuperviseOptions supervise_;
    RunOptions run_;
    std::unique_ptr<AbiTable> table_;  // in-process mode, loaded on first use
    std::string load_error_;
    bool interrupted_ = false;
};

// One supervised case (a Supervisor used once).
CaseResult RunSupervised(const Case &c, const RunOptions &run, const SuperviseOptions &supervise);

// "SIGSEGV" for 11, "signal 77" for an unnamed one.
std::string SignalName(int signal);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SUPERVISE_SUPERVISE_H_
