// tools/mc2conf/provenance.h — which library each ABI entry point the suite calls comes from, for
// the report: with several --impl libraries a symbol resolves to the first that exports it, and
// a conformance claim must say whose code answered. The libraries are loaded in a spawned
// child (mc2conf-case --symbols), like every case, so a library whose constructors crash cannot
// take the run down.
#ifndef MC2_TOOLS_MC2CONF_PROVENANCE_H_
#define MC2_TOOLS_MC2CONF_PROVENANCE_H_

#include <string>
#include <vector>

#include "harness/report/results.h"

namespace mc2::tools {

struct Provenance {
    std::vector<harness::report::SymbolSource> symbols;
    std::string error;  // one line when the libraries could not be inspected
};

// The required runtime/HCCL entry points and both phases of every bound operator.
Provenance InspectSymbols(const std::vector<std::string> &impl_paths, double timeout_s);

}  // namespace mc2::tools

#endif  // MC2_TOOLS_MC2CONF_PROVENANCE_H_
