// harness/supervise/stop.cc — the registry of live case processes (stop.h).
#include "harness/supervise/stop.h"

#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>

namespace mc2::harness {
namespace {

std::atomic<bool> g_stopped{false};

std::mutex &Mu() {
    static std::mutex mu;
    return mu;
}

std::set<pid_t> &Live() {
    static std::set<pid_t> live;
    return live;
}

}  // namespace

void RequestStop() {
    std::lock_guard<std::mutex> lock(Mu());
    g_stopped.store(true);
    for (pid_t pgid : Live()) kill(-pgid, SIGKILL);
}

bool StopRequested() { return g_stopped.load(); }

void RegisterCaseProcess(pid_t pgid) {
    std::lock_guard<std::mutex> lock(Mu());
    Live().insert(pgid);
    if (g_stopped.load()) kill(-pgid, SIGKILL);
}

void UnregisterCaseProcess(pid_t pgid) {
    std::lock_guard<std::mutex> lock(Mu());
    Live().erase(pgid);
}

}  // namespace mc2::harness
