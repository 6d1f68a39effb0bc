// spec/matmul_all_reduce_add_rms_norm/generate.cc — valid cases of the family: both dtype rows
// × the platform's world sizes × 2-D/3-D x1 × plain/transposed x2 × with/without bias × epsilon
// from the default 1e-6 to values near 1 (where ε enters the result is visible), with
// per-rank variation of what may differ between ranks (k, bias, x2's layout); the quant
// variants add the dequantScale's dtype and shape (power-of-two scales on a quarter of the
// cases: dequantisation is then exact), the weight-quant ones x2's dtype (INT8 or INT4, A16W8 /
// A16W4: its own gate bucket) and the antiquant scale's form (per tensor, per channel, per
// group), with or without an offset.
#include <algorithm>
#include <bit>
#include <limits>

#include "spec/matmul_all_reduce/matmul_all_reduce.h"
#include "spec/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

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

Variant VariantOf(std::string_view op) {
    if (op == kQuant || op == kInplaceQuant) return Variant::kQuant;
    if (op == kWeightQuant || op == kInplaceWeightQuant) return Variant::kWeightQuant;
    return Variant::kPlain;
}
bool IsInPlace(std::string_view op) { return op == kInplace || op == kInplaceQuant || op == kInplaceWeightQuant; }

namespace {

std::vector<int64_t> ScaleShape(const Geometry &g) {
    switch (g.form) {
        case ScaleForm::kTensor: return {1};
        case ScaleForm::kChannel: return {g.n};
        case ScaleForm::kRowChannel: return {1, g.n};
        case ScaleForm::kGroup: return {g.group_size > 0 ? (g.k + g.group_size - 1) / g.group_size : 1, g.n};
    }
    return {1};
}

}  // namespace

void WriteGeometry(ParamMap &p, const Geometry &g, std::string_view op) {
    const Variant v = VariantOf(op);
    const aclDataType x1_dtype = v == Variant::kQuant ? ACL_INT8 : g.dtype;
    p["x1"] = Tensor(x1_dtype, g.x1_3d ? std::vector<int64_t>{g.b, g.s, g.k} : std::vector<int64_t>{g.b * g.s, g.k});
    const aclDataType x2_dtype = v == Variant::kPlain ? g.dtype : v == Variant::kWeightQuant ? g.weight : ACL_INT8;
    TensorSpec x2 = Tensor(x2_dtype, {g.k, g.n});
    if (g.transposed) x2.strides = {1, g.k};
    p["x2"] = x2;
    const aclDataType bias_dtype = v == Variant::kQuant ? ACL_INT32 : g.dtype;
    p["bias"] = g.bias ? harness::Value(Tensor(bias_dtype, {g.n})) : harness::Value(harness::Null{});
    if (v == Variant::kQuant) {
        // ops.md §6.1: UINT64/INT64 (TransQuantParamV2 codes) with fp16 residual, BF16 with bf16.
        aclDataType dequant = g.dequant;
        if (g.dtype == ACL_BF16) dequant = ACL_BF16;
        else if (dequant != ACL_UINT64 && dequant != ACL_INT64) dequant = ACL_UINT64;
        TensorSpec scale = Tensor(dequant, ScaleShape(g));
        if (dequant != ACL_BF16) scale.values = g.codes;
        p["dequant_scale"] = scale;
        quant_matmul_all_reduce::FixDequantValues(p);
    } else if (v == Variant::kWeightQuant) {
        p["antiquant_scale"] = Tensor(g.dtype, ScaleShape(g));
        p["antiquant_offset"] =
            g.offset ? harness::Value(Tensor(g.dtype, ScaleShape(g))) : harness::Value(harness::Null{});
        p["antiquant_group_size"] = g.form == ScaleForm::kGroup ? g.group_size : int64_t{0};
    }
    p["residual"] = Tensor(g.dtype, {g.b, g.s, g.n});
    p["gamma"] = Tensor(g.dtype, {g.n});
    if (!IsInPlace(op)) p["y"] = Tensor(g.dtype, {g.b, g.s, g.n});
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
    g.dtype = res->dtype;
    if (x2->dtype == ACL_INT4) g.weight = ACL_INT4;
    const TensorSpec *scale = TensorIn(p, "dequant_scale");
    if (scale == nullptr) scale = TensorIn(p, "antiquant_scale");
    if (scale != nullptr) {
        g.dequant = scale->dtype;
        g.codes = scale->values;
        g.form = scale->shape == std::vector<int64_t>{1} ? ScaleForm::kTensor
                 : scale->shape.size() == 2                ? ScaleForm::kRowChannel
                                                           : ScaleForm::kChannel;
    }
    if (auto it = p.find("antiquant_group_size"); it != p.end()) {
        if (const auto *gs = std::get_if<int64_t>(&it->second); gs && *gs > 0) {
            g.group_size = *gs;
            g.form = ScaleForm::kGroup;
        }
    }
    g.offset = TensorIn(p, "antiquant_offset") != nullptr;
    return g;
}

bool Int4InnerOdd(const Geometry &g) { return (g.transposed ? g.k : g.n) % 2 != 0; }

namespace {

// A packed dequant code: a power of two in [2^-10, 2^-4] (dequantisation exact in fp32) or the
// same exponent with a random mantissa; products with the int32 accumulator of the generated
// sizes stay inside fp16's range for typical data.
int64_t DrawCode(Choices &ch, bool power_of_two) {
    const auto exponent = static_cast<uint32_t>(127 - ch.Int(4, 10));
    const auto mantissa = power_of_two ? 0u : static_cast<uint32_t>(ch.Int(0, (1 << 23) - 1));
    const uint32_t bits = (ch.Int(0, 3) == 0 ? 0x80000000u : 0u) | (exponent << 23) | mantissa;
    return quant_matmul_all_reduce::PackScaleCode(std::bit_cast<float>(bits), ch.Int(0, 3) == 0);
}

// The scale parameters of one rank (after its k and n are known).
void DrawScales(Choices &ch, Variant v, Geometry &g) {
    if (v == Variant::kPlain) return;
    static const std::vector<ScaleForm> forms = {ScaleForm::kTensor, ScaleForm::kChannel, ScaleForm::kRowChannel};
    g.form = ch.Pick(forms);
    if (v == Variant::kQuant) {
        g.dequant = ch.Bool() ? ACL_UINT64 : ACL_INT64;
        const bool power_of_two = ch.Int(0, 3) == 0;
        g.codes.clear();
        const int64_t count = g.form == ScaleForm::kTensor ? 1 : std::min<int64_t>(g.n, 64);
        for (int64_t i = 0; i < count; ++i) g.codes.push_back(DrawCode(ch, power_of_two));
        return;
    }
    // Weight-quant per group needs G in [32, k - 1], a multiple of 32 (ops.md §2.2; tiling: k >= 33).
    g.group_size = 0;
    // Not against a transposed x2: no layout of that pair is defined (arn.shape.wq_group_layout).
    // A16W4 is the per-group use of the documents' examples: half its cases per group.
    if (g.k >= 33 && !g.transposed && ch.Int(0, g.weight == ACL_INT4 ? 1 : 2) == 0) {
        g.form = ScaleForm::kGroup;
        g.group_size = 32 * ch.Int(1, (g.k - 1) / 32);
    }
    g.offset = ch.Bool();
}

// An INT4 x2 packs two values per byte along its contiguous dim (n, or k when transposed),
// which must be even (ops.md §2.2 tiling): an odd one moves down by one (up from 1), inside
// the limits.
void MakeInt4Packable(Geometry &g, const Limits &limits) {
    if (!Int4InnerOdd(g)) return;
    int64_t &inner = g.transposed ? g.k : g.n;
    const int64_t hi = g.transposed ? limits.max_k : limits.max_n;
    inner = inner > 1 ? inner - 1 : std::min<int64_t>(2, std::max<int64_t>(hi, 2));
}

}  // namespace

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;
    const Variant variant = VariantOf(op);
    std::vector<int> worlds;
    for (int w : matmul_all_reduce::WorldSizes(platform)) {
        if (w <= std::max(limits.max_world, 1)) worlds.push_back(w);
    }
    const int world = ch.Pick(worlds);

    Geometry base;
    base.dtype = ch.Pick(matmul_all_reduce::DtypeTable(platform)).x1;  // residual's: fp16 or bf16
    base.b = Dim(ch, std::min<int64_t>(limits.max_m, 8));
    base.s = Dim(ch, std::max<int64_t>(limits.max_m / base.b, 1));
    base.x1_3d = ch.Bool();
    base.k = Dim(ch, limits.max_k);
    base.n = Dim(ch, limits.max_n);
    base.transposed = ch.Bool();
    base.bias = ch.Bool();
    // A16W4 (x2 INT4): its contiguous dim even; n is common to the ranks, k may be redrawn.
    // An odd n is kept on some of them through a transposed x2: k is the packed dim then (the
    // accepted side of `arn.tiling.wq_int4_even`, whose violations store an odd n as (k, n)).
    if (variant == Variant::kWeightQuant && ch.Bool()) {
        base.weight = ACL_INT4;
        if (base.n % 2 != 0 && ch.Bool()) base.transposed = true;
        MakeInt4Packable(base, limits);
    }
    const int64_t comm_turn = ch.Int(0, 3) == 0 ? ch.Int(1, 4) : 0;
    // The documents' default 1e-6 (seed 002), small values, and values near 1 where the place
    // ε enters (inside the square root) changes the result by far more than a rounding.
    static const std::vector<double> epsilons = {1e-6, 1e-5, 1e-3, 0.0625, 0.25, 0.5, 0.9};
    const double epsilon = ch.Pick(epsilons);
    const bool vary = world > 1 && ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(world));
    Geometry per_geometry = base;
    for (int r = 0; r < world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            g.k = Dim(ch, limits.max_k);
            g.transposed = ch.Bool();
            g.bias = ch.Bool();
            if (g.weight == ACL_INT4) {
                if (g.n % 2 != 0) g.transposed = true;  // n is common: k becomes the packed dim
                MakeInt4Packable(g, limits);
            }
        }
        if (r == 0 || vary) DrawScales(ch, variant, g);
        else g = per_geometry;
        per_geometry = g;
        ParamMap &p = per[static_cast<size_t>(r)];
        p["epsilon"] = epsilon;
        p["group"] = harness::CommName{};
        p["reduce_op"] = std::string("sum");
        p["comm_turn"] = comm_turn;
        p["stream_mode"] = int64_t{1};
        WriteGeometry(p, g, op);
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
