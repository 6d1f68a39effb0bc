// spec/weight_quant_matmul_all_reduce/generate.cc — valid-case generators of the family: every
// (x1, x2) dtype row (Ascend 950: INT8 weights only, see WeightsFor) × the platform's world sizes × 2-D/3-D x1 × plain or transposed x2 × every
// scale mode (per tensor, per channel (n) or (1, n), per group with G a multiple of 32 below k)
// × with/without offset, bias, x3 × per-rank variation of what may differ between ranks; on Atlas
// A2 about a quarter of the INT8 weights (n >= 2) in FRACTAL_NZ with per-channel scales.
#include <algorithm>
#include <limits>

#include "spec/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"

namespace mc2::spec::weight_quant_matmul_all_reduce {
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

// A scale mode and group size valid for k (per group needs 32 <= G <= k - 1, G % 32 == 0).
void PickScale(Choices &ch, Geometry &g) {
    const int64_t max_groups = (g.k - 1) / 32;  // G = 32·t for t in [1, max_groups]
    const int mode = static_cast<int>(ch.Int(0, max_groups >= 1 ? 3 : 2));
    g.mode = mode == 0 ? ScaleMode::kTensor : mode == 1 ? ScaleMode::kChannel : mode == 2 ? ScaleMode::kChannel2d
                                                                                          : ScaleMode::kGroup;
    g.group_size = g.mode == ScaleMode::kGroup ? 32 * ch.Int(1, max_groups) : 0;
}

// INT4 packs two values per byte along the contiguous dim, which must be even (tiling, ops.md
// §2.2): n for a plain x2, k for a transposed one.
void MakeInt4Even(Geometry &g) {
    if (g.weight != ACL_INT4) return;
    int64_t &inner = g.transposed ? g.k : g.n;
    if (inner % 2 != 0) inner += 1;
}

// The weight dtype of a valid case. Atlas A2 (the operator's documented platform): INT8 and
// INT4. Ascend 950 runs the same model as a smoke, INT8 only, to keep the quick gate's size in
// check (every (world, dtype) bucket costs 8 cases); its rules are still broken twice each, and
// wqmar.tiling.int4_even makes INT4 weights there itself.
aclDataType WeightsFor(Platform platform, Choices &ch) {
    return platform == Platform::kAtlasA2 ? ch.Pick(WeightDtypes()) : ACL_INT8;
}

}  // namespace

std::vector<int64_t> NzStorageShape(int64_t k, int64_t n) {
    constexpr int64_t kRows = 16, kCols = 32;
    return {(n + kCols - 1) / kCols, (k + kRows - 1) / kRows, kRows, kCols};
}

int64_t GroupRows(int64_t k, int64_t group_size) { return group_size > 0 && k > 0 ? (k - 1) / group_size + 1 : 0; }

void WriteGeometry(ParamMap &params, const Geometry &g) {
    TensorSpec x1;
    x1.dtype = g.dtype;
    x1.shape = g.lead;
    x1.shape.push_back(g.k);
    TensorSpec x2;
    x2.dtype = g.weight;
    x2.shape = {g.k, g.n};
    // The transposed weight: the (n, k) matrix stored contiguously, seen as (k, n) through strides.
    if (g.nz) {
        x2.format = ACL_FORMAT_FRACTAL_NZ;
        x2.storage_shape = NzStorageShape(g.k, g.n);
    } else if (g.transposed) {
        x2.strides = {1, g.k};
    }
    TensorSpec out;
    out.dtype = g.dtype;
    out.shape = g.lead;
    out.shape.push_back(g.n);
    TensorSpec scale;
    scale.dtype = g.dtype;
    switch (g.mode) {
        case ScaleMode::kTensor: scale.shape = {1}; break;
        case ScaleMode::kChannel: scale.shape = {g.n}; break;
        case ScaleMode::kChannel2d: scale.shape = {1, g.n}; break;
        case ScaleMode::kGroup: {
            const int64_t rows = GroupRows(g.k, g.group_size);
            scale.shape = {rows, g.n};
            if (g.transposed) scale.strides = {1, rows};
            break;
        }
    }
    params["x1"] = x1;
    params["x2"] = x2;
    params["output"] = out;
    params["antiquant_scale"] = scale;
    params["antiquant_offset"] = g.offset ? harness::Value(scale) : harness::Value(harness::Null{});
    params["antiquant_group_size"] = g.mode == ScaleMode::kGroup ? g.group_size : int64_t{0};
    if (g.bias) {
        TensorSpec bias;
        bias.dtype = g.dtype;
        bias.shape = {g.n};
        params["bias"] = bias;
    } else {
        params["bias"] = harness::Null{};
    }
    params["x3"] = g.x3 ? harness::Value(out) : harness::Value(harness::Null{});
}

std::optional<Geometry> ReadGeometry(const ParamMap &params) {
    const TensorSpec *x1 = TensorIn(params, "x1");
    const TensorSpec *x2 = TensorIn(params, "x2");
    const TensorSpec *scale = TensorIn(params, "antiquant_scale");
    if (!x1 || !x2 || !scale || x1->shape.size() < 2 || x2->shape.size() != 2) {
        return std::nullopt;  // a valid case's x1 has 2 or 3 dims (violate() edits its lead dims)
    }
    Geometry g;
    g.lead.assign(x1->shape.begin(), x1->shape.end() - 1);
    g.k = x1->shape.back();
    g.n = x2->shape[1];
    g.nz = x2->format == ACL_FORMAT_FRACTAL_NZ && x2->StorageShape().size() == 4;
    g.transposed = !g.nz && !x2->strides.empty() && x2->strides != harness::ContiguousStrides(x2->shape);
    g.bias = TensorIn(params, "bias") != nullptr;
    g.x3 = TensorIn(params, "x3") != nullptr;
    g.offset = TensorIn(params, "antiquant_offset") != nullptr;
    g.dtype = x1->dtype;
    g.weight = x2->dtype;
    auto it = params.find("antiquant_group_size");
    const int64_t *gs = it == params.end() ? nullptr : std::get_if<int64_t>(&it->second);
    g.group_size = gs ? *gs : 0;
    if (g.group_size > 0) {
        g.mode = ScaleMode::kGroup;
    } else if (scale->shape.size() == 2) {
        g.mode = ScaleMode::kChannel2d;
    } else if (scale->shape == std::vector<int64_t>{1} && g.n != 1) {
        g.mode = ScaleMode::kTensor;
    } else {
        g.mode = ScaleMode::kChannel;
    }
    return g;
}

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;

    std::vector<int> worlds;
    for (int w : WorldSizes(platform)) {
        if (w <= std::max(limits.max_world, 1)) worlds.push_back(w);
    }
    const int world = ch.Pick(worlds);

    Geometry base;
    base.dtype = ch.Pick(ActivationDtypes());
    base.weight = WeightsFor(platform, ch);
    if (ch.Int(0, 3) == 0) {
        const int64_t b = Dim(ch, limits.max_m);
        base.lead = {b, Dim(ch, std::max<int64_t>(limits.max_m / b, 1))};
    } else {
        base.lead = {Dim(ch, limits.max_m)};
    }
    base.k = Dim(ch, std::min(limits.max_k, kMaxKN));
    base.n = Dim(ch, std::min(limits.max_n, kMaxKN - 1));
    base.transposed = ch.Bool();
    base.bias = ch.Bool();
    base.x3 = ch.Bool();
    base.offset = ch.Bool();
    PickScale(ch, base);
    MakeInt4Even(base);
    // Some INT8 weights in FRACTAL_NZ (ops.md §1.5 rows 11-12), Atlas A2 only: per-channel
    // antiquant (tiling, §2.2) with n >= 2 (one scale element would mean per tensor).
    if (platform == Platform::kAtlasA2 && base.weight == ACL_INT8 && base.n >= 2 && ch.Int(0, 3) == 0) {
        base.nz = true;
        base.transposed = false;
        if (base.mode == ScaleMode::kTensor || base.mode == ScaleMode::kGroup) base.mode = ScaleMode::kChannel;
        base.group_size = 0;
    }
    const int64_t comm_turn = ch.Int(0, 3) == 0 ? ch.Int(1, 4) : 0;
    // What may differ between ranks: k (and with it the scale's rows), the scale mode, offset,
    // bias, x3, x2's layout and dtype; the all-reduced buffer (m × n of one dtype) must agree.
    const bool vary = world > 1 && ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            g.k = Dim(ch, std::min(limits.max_k, kMaxKN));
            g.transposed = ch.Bool();
            g.bias = ch.Bool();
            g.x3 = ch.Bool();
            g.offset = ch.Bool();
            g.weight = WeightsFor(platform, ch);
            PickScale(ch, g);
            if (g.weight == ACL_INT4 && g.n % 2 != 0) g.transposed = true;  // n is common: make k the inner dim
            MakeInt4Even(g);
            if (g.nz && g.weight != ACL_INT8) g.nz = false;  // INT4 has no NZ form
            if (g.nz) {
                g.transposed = false;
                if (g.mode == ScaleMode::kTensor || g.mode == ScaleMode::kGroup) g.mode = ScaleMode::kChannel2d;
                g.group_size = 0;
            }
        }
        ParamMap &p = per[static_cast<size_t>(r)];
        p = Attributes(comm_turn);
        WriteGeometry(p, g);
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

}  // namespace mc2::spec::weight_quant_matmul_all_reduce
