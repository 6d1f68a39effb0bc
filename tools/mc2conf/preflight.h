// tools/mc2conf/preflight.h — before a run starts its cases: can the libraries be loaded, and
// do they export what the selected cases call? If not, every case would fail for the same
// reason; the run stops at once instead, with one line and exit 2 (issue 13.4).
#ifndef MC2_TOOLS_MC2CONF_PREFLIGHT_H_
#define MC2_TOOLS_MC2CONF_PREFLIGHT_H_

#include <string>
#include <vector>

#include "harness/case.h"
#include "tools/mc2conf/provenance.h"

namespace mc2::tools {

// The operator entry points the cases call, each once, in first-use order. The only place
// that maps a case to its symbols (today a binding's `api` and `api + "GetWorkspaceSize"`);
// a case whose operator has no binding adds nothing (the case itself reports that).
std::vector<std::string> OperatorEntryPoints(const std::vector<harness::Case> &cases);

// "" when the libraries loaded (the runtime/HCCL symbols the harness requires are checked by
// the loading itself) and export every entry point in `needed`; else one line saying why.
std::string PreflightError(const Provenance &provenance, const std::vector<std::string> &needed);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_PREFLIGHT_H_
