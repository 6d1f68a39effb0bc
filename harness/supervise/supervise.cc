// harness/supervise/supervise.cc — spawned, time-limited case runs (supervise.h).
#include "harness/supervise/supervise.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>

#include "harness/run/schedule.h"
#include "harness/supervise/case_child.h"
#include "harness/supervise/result_json.h"
#include "harness/supervise/spawn.h"
#include "harness/supervise/stop.h"

namespace mc2::harness {
namespace {

using Clock = std::chrono::steady_clock;

CaseResult HarnessResult(const Case &c, Status status, std::string reason, double seconds) {
    CaseResult r;
    r.status = status;
    r.reason = std::move(reason);
    r.descriptor = c.ToString();
    r.schedule = MakeSchedule(c.schedule, c.world).Describe();
    r.seconds = seconds;
    return r;
}

std::string LastLine(const std::string &text) {
    size_t end = text.find_last_not_of(" \n\r\t");
    if (end == std::string::npos) return "";
    size_t begin = text.rfind('\n', end);
    begin = begin == std::string::npos ? 0 : begin + 1;
    std::string line = text.substr(begin, end - begin + 1);
    if (line.size() > 200) line = line.substr(0, 200) + "…";
    return line;
}

// A sanitizer's one-line verdict ("SUMMARY: AddressSanitizer: SEGV fake_impl.cc:152 in
// Execute"), when the child printed one: under ASan a segfault or a bad access ends in abort(),
// so the signal alone (SIGABRT) would hide what happened.
std::string SanitizerSummary(const std::string &text) {
    const size_t at = text.rfind("SUMMARY: ");
    if (at == std::string::npos || (at > 0 && text[at - 1] != '\n')) return "";
    return LastLine(text.substr(at, text.find('\n', at) - at));
}

}  // namespace

std::string SignalName(int signal) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char *abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
#endif
    return "signal " + std::to_string(signal);
}

Supervisor::Supervisor(SuperviseOptions supervise, RunOptions run)
    : supervise_(std::move(supervise)), run_(std::move(run)) {}

Supervisor::~Supervisor() = default;

CaseResult Supervisor::Run(const Case &c) { return supervise_.in_process ? RunInProcess(c) : RunInChild(c); }

CaseResult Supervisor::RunInProcess(const Case &c) {
    if (!table_ && load_error_.empty()) {
        // The first case's platform is in place when the library loads; RunCase sets it again
        // for every case (an implementation that reads it only at load cannot switch in-process).
        ExportPlatform(c.platform);
        table_ = AbiTable::Load(supervise_.impl_paths, &load_error_);
        if (!table_ && load_error_.empty()) load_error_ = "cannot load the implementation";
    }
    if (!table_) return HarnessResult(c, Status::kFailed, load_error_, 0);
    try {
        return RunCase(c, *table_, run_);
    } catch (const std::exception &e) {
        return HarnessResult(c, Status::kFailed, std::string("harness: ") + e.what(), 0);
    }
}

CaseResult Supervisor::RunInChild(const Case &c) {
    const Clock::time_point t0 = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    int out_pipe[2];
    int err_pipe[2];
    // Close-on-exec: a case child started by another worker at the same moment must not hold
    // this case's pipe open (its EOF would wait for that other case).
    if (pipe2(out_pipe, O_CLOEXEC) != 0) return HarnessResult(c, Status::kFailed, "harness: pipe() failed", 0);
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return HarnessResult(c, Status::kFailed, "harness: pipe() failed", 0);
    }
    std::vector<std::pair<std::string, std::string>> env = supervise_.env;
    env.emplace_back(kPlatformVariable, PlatformName(c.platform));
    std::string spawn_error;
    const pid_t pid = SpawnChild(CaseChildArgs(c, run_, supervise_.impl_paths, kChildResultFd), env, out_pipe[1],
                                 err_pipe[1], &spawn_error);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (pid < 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        return HarnessResult(c, Status::kFailed, spawn_error, 0);
    }
    RegisterCaseProcess(pid);
    interrupted_ = false;

    const Clock::time_point deadline =
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(supervise_.timeout_s));
    std::string out;
    std::string err;
    bool out_open = true;
    bool err_open = true;
    bool timed_out = false;
    char buf[65536];
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {err_open ? err_pipe[0] : -1, POLLIN, 0}};
        const int n = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got > 0) {
                (i == 0 ? out : err).append(buf, static_cast<size_t>(got));
                if (err.size() > 16384) err.erase(0, err.size() - 8192);  // keep the tail
            } else if (got == 0 || errno != EINTR) {
                (i == 0 ? out_open : err_open) = false;
            }
        }
    }
    int status = 0;
    bool reaped = false;
    while (!timed_out) {
        const pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            reaped = true;
            break;
        }
        if (w < 0 && errno != EINTR) break;
        if (Clock::now() >= deadline) {
            timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (timed_out) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    UnregisterCaseProcess(pid);
    if (StopRequested() && (timed_out || (reaped && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))) {
        interrupted_ = true;
        return HarnessResult(c, Status::kFailed, "interrupted: the run was stopped", elapsed());
    }
    if (timed_out) {
        return HarnessResult(c, Status::kTimeout,
                             "no result within " + std::to_string(supervise_.timeout_s) +
                                 " s; the case's process group was killed",
                             elapsed());
    }
    if (!reaped) return HarnessResult(c, Status::kFailed, "harness: lost track of the child process", elapsed());
    const std::string summary = SanitizerSummary(err);
    const std::string tail = summary.empty() ? LastLine(err) : summary;
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        std::string reason = "killed by " + SignalName(sig) + " (" + strsignal(sig) + ")";
        if (!tail.empty()) reason += "; last stderr line: " + tail;
        return HarnessResult(c, Status::kCrash, reason, elapsed());
    }
    std::optional<CaseResult> r = ResultFromJson(out);
    if (!r) {
        std::string reason = "child exited with code " + std::to_string(WEXITSTATUS(status)) + " without a result";
        if (!tail.empty()) reason += "; last stderr line: " + tail;
        return HarnessResult(c, Status::kCrash, reason, elapsed());
    }
    r->seconds = elapsed();
    return *r;
}

CaseResult RunSupervised(const Case &c, const RunOptions &run, const SuperviseOptions &supervise) {
    Supervisor s(supervise, run);
    return s.Run(c);
}

}  // namespace mc2::harness
