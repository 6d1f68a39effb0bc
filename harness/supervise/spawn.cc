// harness/supervise/spawn.cc — posix_spawn of the harness's child processes (spawn.h).
#include "harness/supervise/spawn.h"

#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cstring>

extern char **environ;

namespace mc2::harness {
namespace {

// This process's environment with `overrides` set (later entries win), as posix_spawn wants it.
std::vector<std::string> ChildEnvironment(const std::vector<std::pair<std::string, std::string>> &overrides) {
    std::vector<std::string> env;
    for (char **e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry = *e;
        const std::string key = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto &[k, v] : overrides) replaced = replaced || k == key;
        if (!replaced) env.push_back(entry);
    }
    for (size_t i = 0; i < overrides.size(); ++i) {
        bool later = false;
        for (size_t j = i + 1; j < overrides.size(); ++j) later = later || overrides[j].first == overrides[i].first;
        if (!later) env.push_back(overrides[i].first + "=" + overrides[i].second);
    }
    return env;
}

std::vector<char *> Pointers(std::vector<std::string> &strings) {
    std::vector<char *> p;
    for (std::string &s : strings) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
}

}  // namespace

// posix_spawn runs nothing of this process in the child before exec, so no lock of this
// process can be held there. SIGINT/SIGTERM are the runner's to handle, not the child's.
pid_t SpawnChild(std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>> &env_overrides,
                 int result_fd, int err_fd, std::string *error) {
    std::vector<std::string> env = ChildEnvironment(env_overrides);
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // dup2 clears close-on-exec on the target, also when the descriptor already is kChildResultFd.
    posix_spawn_file_actions_adddup2(&actions, result_fd, kChildResultFd);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    sigset_t none;
    sigset_t defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char *> argv = Pointers(args);
    std::vector<char *> envp = Pointers(env);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        *error = "harness: cannot start " + args[0] + ": " + std::strerror(rc);
        return -1;
    }
    return pid;
}

}  // namespace mc2::harness
