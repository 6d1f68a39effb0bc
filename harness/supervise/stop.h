// harness/supervise/stop.h — stopping a run from outside (SIGINT/SIGTERM on `mc2conf run`):
// every live case process is registered here by the supervisor, so that a stop kills each
// one's process group at once instead of leaving them to init (issue 13.4), and the supervisor
// can tell a case it killed for the stop from one that crashed.
#ifndef MC2_HARNESS_SUPERVISE_STOP_H_
#define MC2_HARNESS_SUPERVISE_STOP_H_

#include <sys/types.h>

namespace mc2::harness {

// Marks the run stopped and SIGKILLs the process group of every registered case process.
// Idempotent; safe from any thread (not from a signal handler: it takes a mutex).
void RequestStop();
bool StopRequested();

// The supervisor's bookkeeping: a process group leader between spawn and reap. Registering
// after a stop kills the group at once (a case spawned while the stop was being requested).
void RegisterCaseProcess(pid_t pgid);
void UnregisterCaseProcess(pid_t pgid);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SUPERVISE_STOP_H_
