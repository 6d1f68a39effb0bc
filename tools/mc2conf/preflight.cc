// tools/mc2conf/preflight.cc — the start-up check of `mc2conf run` (preflight.h).
#include "tools/mc2conf/preflight.h"

#include <algorithm>

#include "harness/ops/registry.h"

namespace mc2::tools {

std::vector<std::string> OperatorEntryPoints(const std::vector<harness::Case> &cases) {
    std::vector<std::string> names;
    auto add = [&](const std::string &name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    };
    for (const harness::Case &c : cases) {
        const harness::OpBinding *b = harness::FindBinding(c.op);
        if (b == nullptr) continue;
        for (const std::string &symbol : b->api.symbols) add(symbol);
    }
    return names;
}

std::string PreflightError(const Provenance &provenance, const std::vector<std::string> &needed) {
    if (!provenance.error.empty()) return "cannot use the implementation: " + provenance.error;
    std::string missing;
    for (const std::string &name : needed) {
        bool found = false;
        for (const harness::report::SymbolSource &s : provenance.symbols) {
            found = found || (s.symbol == name && !s.library.empty());
        }
        if (!found) missing += (missing.empty() ? "" : ", ") + name;
    }
    if (missing.empty()) return "";
    return "the implementation does not export what the selected cases call: " + missing;
}

}  // namespace mc2::tools
