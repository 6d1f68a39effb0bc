// spec/matmul_all_reduce/generate.cc — valid-case generators of the family: every dtype row of
// the table × the platform's world sizes × 2-D/3-D x1 × transposed or plain x2 × with/without
// bias (and x3 for V2) × per-rank variation of what may differ between ranks (k, bias, x3,
// transposition), plus the GPT-3 65B typical shapes of seed 000.
#include <algorithm>
#include <limits>

#include "spec/matmul_all_reduce/matmul_all_reduce.h"

namespace mc2::spec::matmul_all_reduce {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;

// A dimension in [1, hi], mixing uniform sizes with the edges kernels care about: small sizes,
// multiples of 16 (the cube unit) and the cap itself. Draws shrink towards small values.
int64_t Dim(Choices &ch, int64_t hi) {
    hi = std::max<int64_t>(hi, 1);
    switch (ch.Int(0, 3)) {
        case 0: return ch.Int(1, hi);
        case 1: return ch.Int(1, std::min<int64_t>(hi, 8));
        case 2: return hi >= 16 ? 16 * ch.Int(1, hi / 16) : ch.Int(1, hi);
        default: return hi;
    }
}

ParamMap Attributes(int64_t comm_turn) {
    ParamMap p;
    p["group"] = harness::CommName{};
    p["reduce_op"] = std::string("sum");
    p["comm_turn"] = comm_turn;
    p["stream_mode"] = int64_t{1};
    return p;
}

}  // namespace

void WriteGeometry(ParamMap &params, const Geometry &g, bool with_x3_param) {
    TensorSpec x1;
    x1.dtype = g.dtype;
    x1.shape = g.lead;
    x1.shape.push_back(g.k);
    TensorSpec x2;
    x2.dtype = g.dtype;
    x2.shape = {g.k, g.n};
    // The transposed weight: the (n, k) matrix stored contiguously, seen as (k, n) through strides.
    if (g.transposed) x2.strides = {1, g.k};
    TensorSpec out;
    out.dtype = g.dtype;
    out.shape = g.lead;
    out.shape.push_back(g.n);
    params["x1"] = x1;
    params["x2"] = x2;
    params["output"] = out;
    if (g.bias) {
        TensorSpec bias;
        bias.dtype = g.dtype;
        bias.shape = {g.n};
        params["bias"] = bias;
    } else {
        params["bias"] = harness::Null{};
    }
    if (with_x3_param) {
        if (g.x3) {
            TensorSpec x3 = out;
            params["x3"] = x3;
        } else {
            params["x3"] = harness::Null{};
        }
    }
}

std::optional<Geometry> ReadGeometry(const ParamMap &params) {
    const TensorSpec *x1 = TensorIn(params, "x1");
    const TensorSpec *x2 = TensorIn(params, "x2");
    if (!x1 || !x2 || x1->shape.size() < 2 || x2->shape.size() != 2) {
        return std::nullopt;  // a valid case's x1 has 2 or 3 dims (violate() edits its lead dims)
    }
    Geometry g;
    g.lead.assign(x1->shape.begin(), x1->shape.end() - 1);
    g.k = x1->shape.back();
    g.n = x2->shape[1];
    g.transposed = !x2->strides.empty() && x2->strides != harness::ContiguousStrides(x2->shape);
    g.bias = TensorIn(params, "bias") != nullptr;
    g.x3 = TensorIn(params, "x3") != nullptr;
    g.dtype = x1->dtype;
    return g;
}

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;
    const bool v2 = op == kV2;

    std::vector<int> worlds;
    for (int w : WorldSizes(platform)) {
        if (w <= std::max(limits.max_world, 1)) worlds.push_back(w);
    }
    const int world = ch.Pick(worlds);

    Geometry base;
    base.dtype = ch.Pick(DtypeTable(platform)).x1;  // the rows keep every tensor of one dtype
    if (ch.Int(0, 3) == 0) {
        const int64_t b = Dim(ch, limits.max_m);
        base.lead = {b, Dim(ch, std::max<int64_t>(limits.max_m / b, 1))};
    } else {
        base.lead = {Dim(ch, limits.max_m)};
    }
    base.k = Dim(ch, limits.max_k);
    base.n = Dim(ch, limits.max_n);
    base.transposed = ch.Bool();
    base.bias = ch.Bool();
    base.x3 = v2 && ch.Bool();
    // comm_turn 0 is the documented value; positive counts exercise the implementation's split.
    const int64_t comm_turn = ch.Int(0, 3) == 0 ? ch.Int(1, 4) : 0;
    // What may legitimately differ between ranks: k, bias, x3, x2's layout (the all-reduced
    // buffer, m × n in one dtype, must agree).
    const bool vary = world > 1 && ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            g.k = Dim(ch, limits.max_k);
            g.transposed = ch.Bool();
            g.bias = ch.Bool();
            g.x3 = v2 && ch.Bool();
        }
        ParamMap &p = per[static_cast<size_t>(r)];
        p = Attributes(comm_turn);
        WriteGeometry(p, g, v2);
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

// Seed 000 (torch_npu npu_mm_all_reduce_base, "已支持模型典型case", GPT3 65B): x1 (S, 1024) or
// (S, 2732) with S in 1..8192, or (B, ·) with B in 1..24; x2 (1024|2732, 8192); bias (8192);
// BF16/FP16; the replacement example runs 8 ranks.
std::optional<Case> GenerateTypical(std::string_view op, Platform platform, Choices &ch) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;
    c.world = 8;
    Geometry g;
    g.dtype = ch.Pick(DtypeTable(platform)).x1;
    g.k = ch.Bool() ? 2732 : 1024;
    g.n = 8192;
    g.lead = {ch.Bool() ? ch.Int(1, 24) : ch.Int(1, 8192)};
    g.bias = true;
    ParamMap p = Attributes(0);
    WriteGeometry(p, g, op == kV2);
    AssignPerRank(c, std::vector<ParamMap>(8, p));
    c.seed = static_cast<uint64_t>(ch.Int(1, std::numeric_limits<int32_t>::max()));
    c.Normalize();
    return c;
}

}  // namespace mc2::spec::matmul_all_reduce
