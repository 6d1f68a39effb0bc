// harness/supervise/case_child.h — the process a supervised case runs in. The supervisor does
// not fork itself to run a case: a runner with worker threads (and a sanitizer's or a vendor
// allocator's threads) may hold a lock at the moment of fork(), and the child would inherit it
// held and hang before the case begins (issue 13: TIMEOUTs of trivial cases under ASan; under
// TSan every forked child died). Instead it posix_spawn()s `mc2conf-case`, a fresh executable
// that starts with one thread, loads the implementation, runs the case and writes its
// CaseResult as JSON (result_json.h) on the descriptor it was given.
//
// The case crosses the exec as its canonical descriptor (harness/case.h: it parses back to the
// same Case), the run options as flags; the environment (MC2_PLATFORM, SuperviseOptions::env)
// through the spawned process's environment.
#ifndef MC2_HARNESS_SUPERVISE_CASE_CHILD_H_
#define MC2_HARNESS_SUPERVISE_CASE_CHILD_H_

#include <string>
#include <vector>

#include "harness/case.h"
#include "harness/run/run_case.h"

namespace mc2::harness {

// The command line of a case child (argv[0] = CaseChildPath()) that writes its result on
// `result_fd`. Only the scalar RunOptions cross: CompareOptions::probable is a pointer and
// keep_outputs has no use without output bytes in the JSON.
std::vector<std::string> CaseChildArgs(const Case &c, const RunOptions &run, const std::vector<std::string> &impl_paths,
                                       int result_fd);

// The command line of a symbol inspection: the child loads the libraries and writes one
// "symbol\tlibrary" line per ABI entry point the suite may call (the runtime/HCCL symbols the
// harness requires, then both phases of every bound operator; the library is empty when no
// library exports it), or one "!<why>" line when the libraries cannot be loaded.
std::vector<std::string> SymbolsChildArgs(const std::vector<std::string> &impl_paths, int result_fd);

// The executable: $MC2_CASE_CHILD when set, else `mc2conf-case` beside this process's
// executable (build/<preset>/bin holds mc2conf, the tests and the child), else the build tree's.
std::string CaseChildPath();

// main() of mc2conf-case. Exit status 0 when a result was written, 2 for a bad command line.
int CaseChildMain(int argc, char **argv);

}  // namespace mc2::harness

#endif  // MC2_HARNESS_SUPERVISE_CASE_CHILD_H_
