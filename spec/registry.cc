// spec/registry.cc — the list of registered operator families (catalogue.h). Adding an operator
// family is one line here plus its spec/<op>/ folder.
#include <algorithm>
#include <map>
#include <utility>

#include "spec/catalogue.h"
#include "spec/matmul_all_reduce/matmul_all_reduce.h"

namespace mc2::spec {

const std::vector<OpFamily> &AllFamilies() {
    static const std::vector<OpFamily> families = {
        matmul_all_reduce::Family(),
    };
    return families;
}

const OpFamily *FindFamily(std::string_view op) {
    for (const auto &f : AllFamilies()) {
        if (std::find(f.ops.begin(), f.ops.end(), op) != f.ops.end()) return &f;
    }
    return nullptr;
}

std::vector<const Rule *> RulesFor(std::string_view op, harness::Platform platform) {
    // Built once: the engine asks for every rank of every case (cross-rank rules evaluate the
    // other ranks too, so a 64-rank case asks thousands of times). Static initialisation is
    // thread-safe, and the table is read-only afterwards.
    using Key = std::pair<std::string, harness::Platform>;
    static const std::map<Key, std::vector<const Rule *>> table = [] {
        std::map<Key, std::vector<const Rule *>> t;
        for (const auto &f : AllFamilies()) {
            for (const auto &name : f.ops) {
                for (auto p : {harness::Platform::kAtlasA2, harness::Platform::kAscend950}) {
                    auto &list = t[{name, p}];
                    for (const Rule &r : *f.rules) {
                        if (r.AppliesTo(name, p)) list.push_back(&r);
                    }
                }
            }
        }
        return t;
    }();
    auto it = table.find(Key{std::string(op), platform});
    return it == table.end() ? std::vector<const Rule *>{} : it->second;
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
