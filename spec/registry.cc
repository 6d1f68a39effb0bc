// spec/registry.cc — the registered operator families (catalogue.h). Families are registered by
// their operator's binding file (harness/ops/registry.h) at static initialisation; nothing here
// names an operator.
#include <algorithm>
#include <map>
#include <utility>

#include "harness/signatures.h"
#include "spec/catalogue.h"

namespace mc2::spec {
namespace {

std::vector<OpFamily> &Table() {
    static std::vector<OpFamily> families;
    return families;
}

}  // namespace

void RegisterFamily(OpFamily family) {
    std::vector<OpFamily> &t = Table();
    auto it = std::lower_bound(t.begin(), t.end(), family.name,
                               [](const OpFamily &f, const std::string &name) { return f.name < name; });
    if (it != t.end() && it->name == family.name) return;  // one family, several operators
    t.insert(it, std::move(family));
}

const std::vector<OpFamily> &AllFamilies() {
    harness::RunRegistrations();  // the binding files register the families (harness/signatures.h)
    return Table();
}

const OpFamily *FindFamily(std::string_view op) {
    for (const auto &f : AllFamilies()) {
        if (std::find(f.ops.begin(), f.ops.end(), op) != f.ops.end()) return &f;
    }
    return nullptr;
}

const std::vector<const Rule *> &RulesFor(std::string_view op, harness::Platform platform) {
    // Built once: the engine asks for every rank of every case (cross-rank rules evaluate the
    // other ranks too, so a 64-rank case asks thousands of times). Static initialisation is
    // thread-safe, and the table is read-only afterwards. Looked up by the view, and returned by
    // reference: a copy of the list (and of a long operator name) per question was a heap
    // allocation per rule walk under the fuzzers (fuzz/README.md "Session 9").
    using PerPlatform = std::map<harness::Platform, std::vector<const Rule *>>;
    static const std::map<std::string, PerPlatform, std::less<>> table = [] {
        std::map<std::string, PerPlatform, std::less<>> t;
        for (const auto &f : AllFamilies()) {
            for (const auto &name : f.ops) {
                for (auto p : {harness::Platform::kAtlasA2, harness::Platform::kAscend950}) {
                    auto &list = t[name][p];
                    for (const Rule &r : *f.rules) {
                        if (r.AppliesTo(name, p)) list.push_back(&r);
                    }
                }
            }
        }
        return t;
    }();
    static const std::vector<const Rule *> kNone;
    auto it = table.find(op);
    if (it == table.end()) return kNone;
    auto p = it->second.find(platform);
    return p == it->second.end() ? kNone : p->second;
}

const Rule *FindRule(std::string_view id) {
    for (const auto &f : AllFamilies()) {
        for (const Rule &r : *f.rules) {
            if (r.id == id) return &r;
        }
    }
    return nullptr;
}

}  // namespace mc2::spec
