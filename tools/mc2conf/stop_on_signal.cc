// tools/mc2conf/stop_on_signal.cc — the signal watcher of `mc2conf run` (stop_on_signal.h).
#include "tools/mc2conf/stop_on_signal.h"

#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "harness/supervise/stop.h"
#include "harness/supervise/supervise.h"

namespace mc2::tools {

StopOnSignal::StopOnSignal() {
    sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, sig);
    pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
    watcher_ = std::thread([this] {
        // A short timeout so that the destructor's done_ is seen promptly.
        const timespec tick{0, 100 * 1000 * 1000};
        while (!done_.load()) {
            const int sig = sigtimedwait(&set_, nullptr, &tick);
            if (sig <= 0) continue;
            if (received_.load() != 0) {
                // The second signal: the user insists (or a case in this process hangs).
                std::fprintf(stderr, "\nmc2conf: %s again: exiting at once\n", harness::SignalName(sig).c_str());
                _exit(ExitCodeForSignal(sig));
            }
            received_.store(sig);
            std::fprintf(stderr,
                         "\nmc2conf: %s: stopping; the in-flight cases are killed and the results so far written "
                         "(send it again to exit at once)\n",
                         harness::SignalName(sig).c_str());
            harness::RequestStop();
        }
    });
}

StopOnSignal::~StopOnSignal() {
    done_.store(true);
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace mc2::tools
