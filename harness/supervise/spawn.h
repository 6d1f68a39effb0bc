// harness/supervise/spawn.h — starting a child process of the harness (a case, the symbol
// inspection) with posix_spawn: a fresh executable, never a fork of this possibly
// multi-threaded process (case_child.h says why).
#ifndef MC2_HARNESS_SUPERVISE_SPAWN_H_
#define MC2_HARNESS_SUPERVISE_SPAWN_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace mc2::harness {

// The descriptor a child writes its answer on (its stdout stays the runner's: a library that
// prints must not corrupt the answer).
inline constexpr int kChildResultFd = 3;

// Starts args[0] with `args`, this process's environment plus `env` (later entries win),
// `result_fd` as kChildResultFd and `err_fd` as its stderr, in its own process group (a timeout
// or a stop kills everything it started), with an empty signal mask and the default disposition
// of the signals the runner blocks or catches. Returns the pid, or -1 with `*error` set.
pid_t SpawnChild(std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>> &env,
                 int result_fd, int err_fd, std::string *error);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SUPERVISE_SPAWN_H_
