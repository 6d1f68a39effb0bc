// spec/case_edit.cc — case editing helpers (case_edit.h).
#include "spec/case_edit.h"

#include <limits>

#include "harness/signatures.h"

namespace mc2::spec {

std::vector<ParamMap> EffectiveParams(const harness::Case &c) {
    std::vector<std::string> names;
    if (const harness::OpSignature *sig = harness::FindSignature(c.op)) {
        for (const auto &p : sig->params) names.push_back(p.name);
    }
    for (const auto &[name, v] : c.params) names.push_back(name);
    std::vector<ParamMap> out(static_cast<size_t>(std::max(c.world, 1)));
    for (int r = 0; r < static_cast<int>(out.size()); ++r) {
        for (const auto &name : names) out[static_cast<size_t>(r)][name] = c.Get(r, name);
    }
    return out;
}

void AssignPerRank(harness::Case &c, const std::vector<ParamMap> &per_rank) {
    c.world = static_cast<int>(per_rank.size());
    c.params = per_rank.empty() ? ParamMap{} : per_rank[0];
    c.overrides.clear();
    for (int r = 1; r < c.world; ++r) c.overrides[r] = per_rank[static_cast<size_t>(r)];
    c.Normalize();
}

void ResizeWorld(harness::Case &c, int world) {
    std::vector<ParamMap> per = EffectiveParams(c);
    const size_t old = per.size();
    std::vector<ParamMap> resized;
    for (int r = 0; r < world; ++r) resized.push_back(per[static_cast<size_t>(r) % old]);
    AssignPerRank(c, resized);
}

harness::TensorSpec *TensorIn(ParamMap &params, const std::string &name) {
    auto it = params.find(name);
    return it == params.end() ? nullptr : std::get_if<harness::TensorSpec>(&it->second);
}

const harness::TensorSpec *TensorIn(const ParamMap &params, const std::string &name) {
    auto it = params.find(name);
    return it == params.end() ? nullptr : std::get_if<harness::TensorSpec>(&it->second);
}

int64_t DimProduct(const std::vector<int64_t> &dims, size_t begin, size_t end) {
    int64_t p = 1;
    for (size_t i = begin; i < end && i < dims.size(); ++i) {
        if (dims[i] < 0) return -1;
        if (dims[i] == 0) return 0;
    }
    for (size_t i = begin; i < end && i < dims.size(); ++i) {
        if (p > std::numeric_limits<int64_t>::max() / dims[i]) return std::numeric_limits<int64_t>::max();
        p *= dims[i];
    }
    return p;
}

int64_t StorageElements(const harness::TensorSpec &t) {
    std::vector<int64_t> scratch;
    const std::vector<int64_t> &st = t.StorageShapeIn(scratch);
    return DimProduct(st, 0, st.size());
}

std::optional<harness::Case> EditEachRank(const harness::Case &valid,
                                          const std::function<bool(int rank, ParamMap &)> &edit) {
    std::vector<ParamMap> per = EffectiveParams(valid);
    bool any = false;
    for (int r = 0; r < static_cast<int>(per.size()); ++r) any = edit(r, per[static_cast<size_t>(r)]) || any;
    if (!any) return std::nullopt;
    harness::Case out = valid;
    AssignPerRank(out, per);
    return out;
}

std::optional<harness::Case> SetOnEveryRank(const harness::Case &valid, const std::string &name, harness::Value v) {
    harness::Case out = valid;
    out.Set(name, std::move(v));
    return out;
}

const char *OutcomeName(Outcome outcome) {
    switch (outcome) {
        case Outcome::kSuccess: return "success";
        case Outcome::kStatus: return "status";
        case Outcome::kInnerError: return "inner error";
        case Outcome::kRuntimeError: return "runtime error";
        case Outcome::kUndefined: return "undefined";
    }
    return "?";
}

}  // namespace mc2::spec
