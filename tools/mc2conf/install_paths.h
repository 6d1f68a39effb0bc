// tools/mc2conf/install_paths.h — where an installed mc2conf finds its per-case child and the
// default implementation: beside its own executable, at the relative paths of the install
// layout (cmake/Install.cmake), so a package works under any prefix and never falls back to
// the build tree it was compiled in.
#ifndef MC2_TOOLS_MC2CONF_INSTALL_PATHS_H_
#define MC2_TOOLS_MC2CONF_INSTALL_PATHS_H_

#include <string>

namespace mc2::tools {

// When this executable runs from an install prefix (<prefix>/libexec/mc2conf/mc2conf-case
// exists) and MC2_CASE_CHILD is unset, points MC2_CASE_CHILD (the harness's override,
// harness/supervise/case_child.h) at that child. Call once at start-up, before any thread.
void UseInstalledCaseChild();

// The library `run` loads without --impl: the installed libmc2impl.so of this prefix when it
// exists, else harness::DefaultImplPath() (the build tree's).
std::string DefaultImpl();

// The case child `run` spawns (as the harness resolves it after UseInstalledCaseChild).
std::string CaseChild();

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_INSTALL_PATHS_H_
