// tools/mc2conf/stop_on_signal.cc — the signal watcher of `mc2conf run` (stop_on_signal.h).
#include "tools/mc2conf/stop_on_signal.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "harness/supervise/stop.h"
#include "harness/supervise/supervise.h"

namespace mc2::tools {
namespace {

constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};

// Written by the handler, read by the watcher; one StopOnSignal at a time.
std::atomic<int> g_write_fd{-1};

extern "C" void OnSignal(int sig) {
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(sig);
    const int fd = g_write_fd.load();
    if (fd >= 0) (void)!write(fd, &byte, 1);
    errno = saved;
}

}  // namespace

StopOnSignal::StopOnSignal() {
    if (pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::fprintf(stderr, "mc2conf: warning: no signal handling (pipe failed); a signal ends the run at once\n");
        pipe_[0] = pipe_[1] = -1;
        return;
    }
    g_write_fd.store(pipe_[1]);
    struct sigaction sa = {};
    sa.sa_handler = OnSignal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &old_[i]);
    watcher_ = std::thread([this] {
        while (!done_.load()) {
            pollfd p{pipe_[0], POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;  // a short timeout: the destructor's done_ is seen promptly
            unsigned char byte = 0;
            if (read(pipe_[0], &byte, 1) != 1) continue;
            const int sig = byte;
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
    if (pipe_[0] < 0) return;
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old_[i], nullptr);
    done_.store(true);
    watcher_.join();
    g_write_fd.store(-1);
    close(pipe_[0]);
    close(pipe_[1]);
}

}  // namespace mc2::tools
