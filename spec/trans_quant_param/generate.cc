// spec/trans_quant_param/generate.cc — valid-case generators of aclnnTransQuantParamV2 / V3: both
// out dtypes × the world sizes × every documented scale / offset shape pairing ((t) with (t), (1)
// or (1, t); (1) with (t) or (1, t); (1, n) with (n), (1) or (1, n); Ascend 950's (g, n) without
// offset) × roundMode 0 / 1 (V3), with out sometimes strided (the document allows a
// non-contiguous out) and ranks sometimes passing different shapes (each converts its own).
#include <algorithm>
#include <limits>

#include "spec/trans_quant_param/trans_quant_param.h"

namespace mc2::spec::trans_quant_param {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;

int64_t Length(Choices &ch, int64_t hi) {
    hi = std::max<int64_t>(hi, 2);
    switch (ch.Int(0, 3)) {
        case 0: return ch.Int(2, hi);
        case 1: return ch.Int(2, std::min<int64_t>(hi, 8));
        case 2: return hi >= 16 ? 16 * ch.Int(1, hi / 16) : ch.Int(2, hi);
        default: return hi;
    }
}

Layout Draw(Platform platform, Choices &ch, const Limits &limits, bool v3) {
    Layout l;
    const int64_t n = Length(ch, limits.max_n);
    const bool offset = ch.Bool();
    switch (ch.Int(0, platform == Platform::kAscend950 ? 4 : 3)) {
        case 0: l.scale = {n}; break;
        case 1: l.scale = {1}; break;
        case 2: l.scale = {1, n}; break;
        case 3: l.scale = {1, 1}; break;
        default: l.scale = {ch.Int(2, std::max<int64_t>(limits.max_m / 8, 2)), n}; break;  // (g, n), 950 only
    }
    const bool groups = l.scale.size() == 2 && l.scale[0] != 1;
    if (offset && !groups) {
        const int64_t last = l.scale.back() == 1 && l.scale.size() == 1 ? n : l.scale.back();
        switch (ch.Int(0, 2)) {
            case 0: l.offset = std::vector<int64_t>{last}; break;
            case 1: l.offset = std::vector<int64_t>{1}; break;
            default: l.offset = std::vector<int64_t>{1, last}; break;
        }
    }
    l.out_dtype = ch.Pick(OutDtypes());
    l.out_step = ch.Int(0, 5) == 0 ? ch.Int(2, 3) : 1;
    l.round_mode = v3 ? ch.Int(0, 1) : 0;
    return l;
}

}  // namespace

const std::vector<aclDataType> &OutDtypes() {
    static const std::vector<aclDataType> list = {ACL_UINT64, ACL_INT64};
    return list;
}

const std::vector<int> &WorldSizes() {
    static const std::vector<int> list = {1, 2, 4, 8};
    return list;
}

std::vector<int64_t> OutShape(const Layout &l) {
    if (l.scale.size() != 1) return l.scale;
    const int64_t o = l.offset ? l.offset->back() : 1;
    return {std::max(l.scale[0], o)};
}

void WriteLayout(ParamMap &params, const Layout &l, bool v3) {
    TensorSpec scale;
    scale.dtype = ACL_FLOAT;
    scale.shape = l.scale;
    params["scale"] = scale;
    if (l.offset) {
        TensorSpec offset;
        offset.dtype = ACL_FLOAT;
        offset.shape = *l.offset;
        params["offset"] = offset;
    } else {
        params["offset"] = harness::Null{};
    }
    TensorSpec out;
    out.dtype = l.out_dtype;
    out.shape = OutShape(l);
    if (l.out_step != 1) {
        out.strides = harness::ContiguousStrides(out.shape);
        for (int64_t &s : out.strides) s *= l.out_step;
    }
    params["out"] = out;
    if (v3) params["round_mode"] = l.round_mode;
}

std::optional<Layout> ReadLayout(const ParamMap &params) {
    const TensorSpec *scale = TensorIn(params, "scale");
    const TensorSpec *out = TensorIn(params, "out");
    if (!scale || !out || out->shape.empty()) return std::nullopt;
    Layout l;
    l.scale = scale->shape;
    if (const TensorSpec *offset = TensorIn(params, "offset")) l.offset = offset->shape;
    l.out_dtype = out->dtype;
    const std::vector<int64_t> s = out->Strides();
    l.out_step = s.empty() || s.back() < 1 ? 1 : s.back();
    if (auto it = params.find("round_mode"); it != params.end()) {
        if (const auto *v = std::get_if<int64_t>(&it->second)) l.round_mode = *v;
    }
    return l;
}

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;
    const bool v3 = op == kOpV3;
    std::vector<int> worlds;
    for (int w : WorldSizes()) {
        if (w <= std::max(limits.max_world, 1)) worlds.push_back(w);
    }
    c.world = ch.Pick(worlds);
    const Layout base = Draw(platform, ch, limits, v3);
    const bool vary = ch.Int(0, 3) == 0;
    std::vector<ParamMap> per(static_cast<size_t>(c.world));
    for (int r = 0; r < c.world; ++r) {
        Layout l = base;
        if (vary && r > 0) {
            l = Draw(platform, ch, limits, v3);
            l.out_dtype = base.out_dtype;  // one dtype bucket per case
        }
        WriteLayout(per[static_cast<size_t>(r)], l, v3);
    }
    AssignPerRank(c, per);
    c.seed = static_cast<uint64_t>(ch.Int(1, std::numeric_limits<int32_t>::max()));
    static const std::vector<harness::Dist> dists = {harness::Dist::kNormal, harness::Dist::kUniform,
                                                     harness::Dist::kCancel, harness::Dist::kTies,
                                                     harness::Dist::kExtreme, harness::Dist::kExact};
    c.dist = ch.Pick(dists);
    c.schedule = ch.Int(0, 3) == 0 ? static_cast<uint64_t>(ch.Int(1, 1 << 30)) : 0;
    c.Normalize();
    return c;
}

}  // namespace mc2::spec::trans_quant_param
