// harness/ops/registry.cc — the binding registry (registry.h) and CallArgs accessors.
#include "harness/ops/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <variant>

#include "harness/signatures.h"

namespace mc2::harness {
namespace {

// A deque keeps the bindings where they are as more register; the sorted index points into it.
struct Registry {
    std::vector<std::pair<OpBinding (*)(), spec::OpFamily (*)()>> pending;
    std::deque<OpBinding> storage;
    std::vector<const OpBinding *> sorted;
};

Registry &Get() {
    static Registry r;
    return r;
}

const OpBinding *Lookup(const Registry &r, std::string_view op) {
    auto it = std::lower_bound(r.sorted.begin(), r.sorted.end(), op,
                               [](const OpBinding *x, std::string_view o) { return x->op < o; });
    return it != r.sorted.end() && (*it)->op == op ? *it : nullptr;
}

// Runs once, from harness::RunRegistrations (after main() started): builds every recorded
// binding, registers its signature and its spec family.
void Materialize() {
    Registry &r = Get();
    for (const auto &[make, family] : r.pending) {
        OpBinding b = make();
        if (Lookup(r, b.op) != nullptr) {
            std::fprintf(stderr, "mc2conf: operator '%s' is registered twice (two harness/ops files claim it)\n",
                         b.op.c_str());
            std::abort();
        }
        RegisterSignature(b.Signature());
        r.storage.push_back(std::move(b));
        const OpBinding *added = &r.storage.back();
        auto it = std::lower_bound(r.sorted.begin(), r.sorted.end(), added->op,
                                   [](const OpBinding *x, const std::string &op) { return x->op < op; });
        r.sorted.insert(it, added);
        if (family != nullptr) spec::RegisterFamily(family());
    }
    r.pending.clear();
}

}  // namespace

OperatorRegistrar::OperatorRegistrar(OpBinding (*make)(), spec::OpFamily (*family)()) {
    Get().pending.emplace_back(make, family);
    AddRegistration(&Materialize);
}

const std::vector<const OpBinding *> &AllBindings() {
    RunRegistrations();
    return Get().sorted;
}

const OpBinding *FindBinding(std::string_view op) {
    RunRegistrations();
    return Lookup(Get(), op);
}

std::vector<std::string> RequiredSymbols(std::string_view op) {
    const OpBinding *b = FindBinding(op);
    return b != nullptr ? b->api.symbols : std::vector<std::string>{};
}

const OutputDecl *OpBinding::Output(std::string_view name) const {
    for (const OutputDecl &o : outputs) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

aclTensor *CallArgs::T(const std::string &name) const {
    auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : it->second.acl;
}

const BoundTensor *CallArgs::B(const std::string &name) const {
    auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : &it->second;
}

const char *CallArgs::S(const std::string &name) const {
    const Value &v = c->Get(rank, name);
    if (std::holds_alternative<CommName>(v)) return comm_name.c_str();
    if (const auto *s = std::get_if<std::string>(&v)) return s->c_str();
    return nullptr;
}

std::string CallArgs::Text(const std::string &name) const {
    const Value &v = c->Get(rank, name);
    if (std::holds_alternative<CommName>(v)) return comm_name;
    if (const auto *s = std::get_if<std::string>(&v)) return *s;
    return std::string();
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

HcclComm CallArgs::Comm(const std::string &name) const {
    return std::holds_alternative<CommName>(c->Get(rank, name)) ? comm : nullptr;
}

}  // namespace mc2::harness
