// harness/signatures.cc — the signature registry (signatures.h).
#include "harness/signatures.h"

#include <algorithm>
#include <mutex>
#include <thread>

namespace mc2::harness {
namespace {

std::vector<OpSignature> &Table() {
    static std::vector<OpSignature> table;
    return table;
}

struct Pending {
    std::recursive_mutex mu;
    std::vector<void (*)()> runs;
    size_t done = 0;
    bool running = false;
};

Pending &Registrations() {
    static Pending p;
    return p;
}

}  // namespace

void AddRegistration(void (*run)()) {
    Pending &p = Registrations();
    std::lock_guard<std::recursive_mutex> lock(p.mu);
    if (std::find(p.runs.begin(), p.runs.end(), run) == p.runs.end()) p.runs.push_back(run);
}

void RunRegistrations() {
    Pending &p = Registrations();
    std::lock_guard<std::recursive_mutex> lock(p.mu);
    if (p.running) return;  // a registration function looking something up: it sees what exists
    p.running = true;
    while (p.done < p.runs.size()) p.runs[p.done++]();
    p.running = false;
}

void RegisterSignature(OpSignature signature) {
    std::vector<OpSignature> &t = Table();
    auto it = std::lower_bound(t.begin(), t.end(), signature.op,
                               [](const OpSignature &s, const std::string &op) { return s.op < op; });
    if (it != t.end() && it->op == signature.op) {
        *it = std::move(signature);
    } else {
        t.insert(it, std::move(signature));
    }
}

const std::vector<OpSignature> &AllSignatures() {
    RunRegistrations();
    return Table();
}

const OpSignature *FindSignature(std::string_view op) {
    RunRegistrations();
    const std::vector<OpSignature> &t = Table();
    auto it = std::lower_bound(t.begin(), t.end(), op, [](const OpSignature &s, std::string_view o) { return s.op < o; });
    return it != t.end() && it->op == op ? &*it : nullptr;
}

const ParamDecl *OpSignature::Find(std::string_view name) const {
    for (const auto &p : params) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

}  // namespace mc2::harness
