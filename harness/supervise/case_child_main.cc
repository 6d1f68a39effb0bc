// harness/supervise/case_child_main.cc — the `mc2conf-case` executable (case_child.h): one
// supervised case per process, started by posix_spawn from the supervisor.
#include "harness/supervise/case_child.h"

int main(int argc, char **argv) { return mc2::harness::CaseChildMain(argc, argv); }
