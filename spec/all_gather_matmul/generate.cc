// spec/all_gather_matmul/generate.cc — valid-case generators of aclnnAllGatherMatmul: both
// dtypes × the platform's world sizes × transposed or plain x2 × with/without bias × gatherOut
// full, empty (shape (0)) or null × the documented empty cases (m = 0, n = 0), with what may
// differ per rank (x2's layout, bias, gatherOut) varied.
#include <algorithm>
#include <limits>

#include "spec/all_gather_matmul/all_gather_matmul.h"

namespace mc2::spec::all_gather_matmul {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;

int64_t Dim(Choices &ch, int64_t hi) {
    hi = std::max<int64_t>(hi, 1);
    switch (ch.Int(0, 3)) {
        case 0: return ch.Int(1, hi);
        case 1: return ch.Int(1, std::min<int64_t>(hi, 8));
        case 2: return hi >= 16 ? 16 * ch.Int(1, hi / 16) : ch.Int(1, hi);
        default: return hi;
    }
}

// k is documented in [256, 65535): the generators stay near the bottom of the range (cost),
// with the edges 256 and a multiple of 16 above it.
int64_t K(Choices &ch, int64_t max_k) {
    const int64_t hi = std::max<int64_t>(max_k, kMinK);
    switch (ch.Int(0, 2)) {
        case 0: return kMinK;
        case 1: return ch.Int(kMinK, hi);
        default: return kMinK + 16 * ch.Int(0, (hi - kMinK) / 16);
    }
}

}  // namespace

void WriteGeometry(ParamMap &params, const Geometry &g) {
    TensorSpec x1;
    x1.dtype = g.dtype;
    x1.shape = {g.m, g.k};
    TensorSpec x2;
    x2.dtype = g.dtype;
    x2.shape = {g.k, g.n};
    if (g.transposed) x2.strides = {1, g.k};
    TensorSpec out;
    out.dtype = g.dtype;
    out.shape = {g.m * g.world, g.n};
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
    if (g.gather == GatherOut::kNull) {
        params["gather_out"] = harness::Null{};
    } else {
        TensorSpec gather;
        gather.dtype = g.dtype;
        gather.shape = g.gather == GatherOut::kFull ? std::vector<int64_t>{g.m * g.world, g.k} : std::vector<int64_t>{0};
        params["gather_out"] = gather;
    }
}

std::optional<Geometry> ReadGeometry(const ParamMap &params, int world) {
    const TensorSpec *x1 = TensorIn(params, "x1");
    const TensorSpec *x2 = TensorIn(params, "x2");
    if (!x1 || !x2 || x1->shape.size() != 2 || x2->shape.size() != 2) return std::nullopt;
    Geometry g;
    g.m = x1->shape[0];
    g.k = x1->shape[1];
    g.n = x2->shape[1];
    g.world = world;
    g.transposed = !x2->strides.empty() && x2->strides != harness::ContiguousStrides(x2->shape);
    g.bias = TensorIn(params, "bias") != nullptr;
    const TensorSpec *gather = TensorIn(params, "gather_out");
    g.gather = !gather ? GatherOut::kNull : gather->NumElements() == 0 ? GatherOut::kEmpty : GatherOut::kFull;
    g.dtype = x1->dtype;
    return g;
}

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;
    std::vector<int> worlds;
    for (int w : WorldSizes(platform)) {
        if (w <= std::max(limits.max_world, 2)) worlds.push_back(w);
    }
    c.world = ch.Pick(worlds);

    Geometry base;
    base.world = c.world;
    base.dtype = ch.Pick(Dtypes(platform));
    base.m = Dim(ch, std::max<int64_t>(limits.max_m / c.world, 1));
    base.k = K(ch, limits.max_k);
    base.n = Dim(ch, limits.max_n);
    switch (ch.Int(0, 15)) {  // the documented empty cases, now and then (they compare nothing)
        case 0: base.m = 0; break;
        case 1: base.n = 0; break;
        default: break;
    }
    base.transposed = ch.Bool();
    base.bias = base.n > 0 && ch.Int(0, 3) == 0;  // documented as unsupported when non-zero: rarely
    static const std::vector<GatherOut> gathers = {GatherOut::kFull, GatherOut::kFull, GatherOut::kEmpty,
                                                   GatherOut::kNull};
    base.gather = ch.Pick(gathers);
    const bool vary = ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(c.world));
    for (int r = 0; r < c.world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            g.transposed = ch.Bool();
            g.bias = base.n > 0 && ch.Bool();
            g.gather = ch.Pick(gathers);
        }
        ParamMap &p = per[static_cast<size_t>(r)];
        p["group"] = harness::CommName{};
        p["gather_index"] = int64_t{0};
        p["comm_turn"] = int64_t{0};
        p["stream_mode"] = int64_t{1};
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

}  // namespace mc2::spec::all_gather_matmul
