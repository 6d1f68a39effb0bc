// spec/matmul_all_reduce_add_rms_norm/generate.cc — valid cases of the family: both dtype rows
// × the platform's world sizes × 2-D/3-D x1 × plain/transposed x2 × with/without bias × epsilon
// from the default 1e-6 to values near 1 (where ε enters the result is visible), with
// per-rank variation of what may differ between ranks (k, bias, x2's layout).
#include <algorithm>
#include <limits>

#include "spec/matmul_all_reduce/matmul_all_reduce.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"

namespace mc2::spec::matmul_all_reduce_add_rms_norm {
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

TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape) {
    TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    return t;
}

}  // namespace

void WriteGeometry(ParamMap &p, const Geometry &g, bool in_place) {
    p["x1"] = Tensor(g.dtype, g.x1_3d ? std::vector<int64_t>{g.b, g.s, g.k} : std::vector<int64_t>{g.b * g.s, g.k});
    TensorSpec x2 = Tensor(g.dtype, {g.k, g.n});
    if (g.transposed) x2.strides = {1, g.k};
    p["x2"] = x2;
    p["bias"] = g.bias ? harness::Value(Tensor(g.dtype, {g.n})) : harness::Value(harness::Null{});
    p["residual"] = Tensor(g.dtype, {g.b, g.s, g.n});
    p["gamma"] = Tensor(g.dtype, {g.n});
    if (!in_place) p["y"] = Tensor(g.dtype, {g.b, g.s, g.n});
    p["norm_out"] = Tensor(g.dtype, {g.b, g.s, g.n});
}

std::optional<Geometry> ReadGeometry(const ParamMap &p) {
    const TensorSpec *x1 = TensorIn(p, "x1");
    const TensorSpec *x2 = TensorIn(p, "x2");
    const TensorSpec *res = TensorIn(p, "residual");
    if (!x1 || !x2 || !res || x1->shape.size() < 2 || x2->shape.size() != 2 || res->shape.size() != 3) {
        return std::nullopt;
    }
    Geometry g;
    g.b = res->shape[0];
    g.s = res->shape[1];
    g.k = x1->shape.back();
    g.n = x2->shape[1];
    g.x1_3d = x1->shape.size() == 3;
    g.transposed = !x2->strides.empty() && x2->strides != harness::ContiguousStrides(x2->shape);
    g.bias = TensorIn(p, "bias") != nullptr;
    g.dtype = x1->dtype;
    return g;
}

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;
    const bool in_place = op == kInplace;
    std::vector<int> worlds;
    for (int w : matmul_all_reduce::WorldSizes(platform)) {
        if (w <= std::max(limits.max_world, 1)) worlds.push_back(w);
    }
    const int world = ch.Pick(worlds);

    Geometry base;
    base.dtype = ch.Pick(matmul_all_reduce::DtypeTable(platform)).x1;
    base.b = Dim(ch, std::min<int64_t>(limits.max_m, 8));
    base.s = Dim(ch, std::max<int64_t>(limits.max_m / base.b, 1));
    base.x1_3d = ch.Bool();
    base.k = Dim(ch, limits.max_k);
    base.n = Dim(ch, limits.max_n);
    base.transposed = ch.Bool();
    base.bias = ch.Bool();
    const int64_t comm_turn = ch.Int(0, 3) == 0 ? ch.Int(1, 4) : 0;
    // The documents' default 1e-6 (seed 002), small values, and values near 1 where the place
    // ε enters (inside the square root) changes the result by far more than a rounding.
    static const std::vector<double> epsilons = {1e-6, 1e-5, 1e-3, 0.0625, 0.25, 0.5, 0.9};
    const double epsilon = ch.Pick(epsilons);
    const bool vary = world > 1 && ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            g.k = Dim(ch, limits.max_k);
            g.transposed = ch.Bool();
            g.bias = ch.Bool();
        }
        ParamMap &p = per[static_cast<size_t>(r)];
        p["epsilon"] = epsilon;
        p["group"] = harness::CommName{};
        p["reduce_op"] = std::string("sum");
        p["comm_turn"] = comm_turn;
        p["stream_mode"] = int64_t{1};
        WriteGeometry(p, g, in_place);
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

}  // namespace mc2::spec::matmul_all_reduce_add_rms_norm
