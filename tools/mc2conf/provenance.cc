// tools/mc2conf/provenance.cc — symbol provenance through a spawned child (provenance.h; the
// child's side is harness/supervise/case_child.cc, --symbols).
#include "tools/mc2conf/provenance.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <sstream>

#include "harness/supervise/case_child.h"
#include "harness/supervise/spawn.h"

namespace mc2::tools {

Provenance InspectSymbols(const std::vector<std::string> &impl_paths, double timeout_s) {
    Provenance result;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        result.error = "pipe() failed";
        return result;
    }
    std::string spawn_error;
    const pid_t pid = harness::SpawnChild(harness::SymbolsChildArgs(impl_paths, harness::kChildResultFd), {}, fds[1],
                                          STDERR_FILENO, &spawn_error);
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        result.error = spawn_error;
        return result;
    }
    close(fds[1]);
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    bool timed_out = false;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        const ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        text.append(buf, static_cast<size_t>(got));
    }
    close(fds[0]);
    if (timed_out) kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (timed_out) {
        result.error = "inspecting the libraries took longer than the case timeout";
        return result;
    }
    if (WIFSIGNALED(status)) {
        result.error = "loading the libraries crashed the inspecting process (signal " +
                       std::to_string(WTERMSIG(status)) + ")";
        return result;
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line[0] == '!') {
            result.error = line.substr(1);
            continue;
        }
        const size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        result.symbols.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    if (result.symbols.empty() && result.error.empty()) result.error = "no answer from the inspecting process";
    return result;
}

}  // namespace mc2::tools
