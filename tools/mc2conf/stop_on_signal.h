// tools/mc2conf/stop_on_signal.h — SIGINT/SIGTERM/SIGHUP during `mc2conf run` (issue 13.4): the
// first one kills the in-flight cases' process groups (harness/supervise/stop.h) and lets the
// run write what it has (results.json marked incomplete, the reports) before it exits non-zero;
// a second one ends the process at once (an in-process case that hangs cannot be killed).
//
// The signals are blocked in the constructing thread, and so in every thread it starts later
// (the workers inherit the mask), and taken by a watcher thread with sigtimedwait: no handler
// runs inside a worker holding a lock, and no async-signal-safety rules bind the stop code.
// Construct it before any worker thread exists. Case processes start with an empty mask
// (harness/supervise/supervise.cc), so they do not inherit the blocking.
#ifndef MC2_TOOLS_MC2CONF_STOP_ON_SIGNAL_H_
#define MC2_TOOLS_MC2CONF_STOP_ON_SIGNAL_H_

#include <signal.h>

#include <atomic>
#include <thread>

namespace mc2::tools {

class StopOnSignal {
  public:
    StopOnSignal();
    ~StopOnSignal();  // restores the mask; a signal still pending is then delivered as usual
    StopOnSignal(const StopOnSignal &) = delete;
    StopOnSignal &operator=(const StopOnSignal &) = delete;

    // The first signal received, or 0.
    int Received() const { return received_.load(); }

  private:
    sigset_t set_{};
    sigset_t old_mask_{};
    std::atomic<bool> done_{false};
    std::atomic<int> received_{0};
    std::thread watcher_;
};

// 128 + signal, the shell's convention for a process ended by that signal.
inline int ExitCodeForSignal(int signal) { return 128 + signal; }

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_STOP_ON_SIGNAL_H_
