// harness/ops/registry.cc — the table of operator bindings (binding.h) and CallArgs accessors.
#include <variant>

#include "harness/ops/binding.h"

namespace mc2::harness {

const std::vector<const OpBinding *> &AllBindings() {
    // Explicit list rather than static self-registration: a static library drops unreferenced
    // objects, and a silently missing operator would look like a missing symbol.
    static const std::vector<const OpBinding *> table = {
        &MatmulAllReduceBinding(),
        &MatmulAllReduceV2Binding(),
    };
    return table;
}

const OpBinding *FindBinding(std::string_view op) {
    for (const OpBinding *b : AllBindings()) {
        if (op == b->op) return b;
    }
    return nullptr;
}

aclTensor *CallArgs::T(const std::string &name) const {
    auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : it->second;
}

const char *CallArgs::S(const std::string &name) const {
    const Value &v = c->Get(rank, name);
    if (std::holds_alternative<CommName>(v)) return comm_name.c_str();
    if (const auto *s = std::get_if<std::string>(&v)) return s->c_str();
    return nullptr;
}

int64_t CallArgs::I(const std::string &name) const {
    const Value &v = c->Get(rank, name);
    if (const auto *i = std::get_if<int64_t>(&v)) return *i;
    if (const auto *d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return 0;
}

double CallArgs::D(const std::string &name) const {
    const Value &v = c->Get(rank, name);
    if (const auto *d = std::get_if<double>(&v)) return *d;
    if (const auto *i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    return 0;
}

}  // namespace mc2::harness
