// tools/mc2conf/stop_on_signal.h — SIGINT/SIGTERM/SIGHUP during `mc2conf run` (issue 13.4): the
// first one kills the in-flight cases' process groups (harness/supervise/stop.h) and lets the
// run write what it has (results.json marked incomplete, the reports) before it exits non-zero;
// a second one ends the process at once (an in-process case that hangs cannot be killed).
//
// The handler only writes the signal's number into a pipe (async-signal-safe, whichever thread
// the kernel picks: OpenBLAS's threads exist before main and cannot be made to block signals);
// a watcher thread reads it and does the stopping, so no stop code runs inside a handler. Case
// processes start with the default disposition (harness/supervise/spawn.h).
#ifndef MC2_TOOLS_MC2CONF_STOP_ON_SIGNAL_H_
#define MC2_TOOLS_MC2CONF_STOP_ON_SIGNAL_H_

#include <signal.h>

#include <atomic>
#include <thread>

namespace mc2::tools {

class StopOnSignal {
  public:
    StopOnSignal();
    ~StopOnSignal();  // restores the previous dispositions
    StopOnSignal(const StopOnSignal &) = delete;
    StopOnSignal &operator=(const StopOnSignal &) = delete;

    // The first signal received, or 0.
    int Received() const { return received_.load(); }

  private:
    int pipe_[2] = {-1, -1};
    struct sigaction old_[3] = {};
    std::atomic<bool> done_{false};
    std::atomic<int> received_{0};
    std::thread watcher_;
};

// 128 + signal, the shell's convention for a process ended by that signal.
inline int ExitCodeForSignal(int signal) { return 128 + signal; }

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_STOP_ON_SIGNAL_H_
