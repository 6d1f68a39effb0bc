// spec/quant_matmul_all_reduce/generate.cc — valid-case generators of the family: every dtype
// row × the platform's world sizes × 2-D/3-D x1 × plain or transposed x2 × per-tensor or
// per-channel dequant scale × with/without bias, x3 (and pertoken where the row allows it),
// (V3: with or without both comm scales), with per-rank variation of what may differ between
// ranks (k, bias, x3, layout, the dequant scales; never the comm scales, documented identical).
// On Atlas A2 about a quarter of the cases take x2 in FRACTAL_NZ (INT8, ops.md §1.5 rows 13-16).
#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::spec::quant_matmul_all_reduce {
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

ParamMap Attributes(int64_t comm_turn) {
    ParamMap p;
    p["group"] = harness::CommName{};
    p["reduce_op"] = std::string("sum");
    p["comm_turn"] = comm_turn;
    p["stream_mode"] = int64_t{1};
    return p;
}

TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape) {
    TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    return t;
}

bool IntegerScale(aclDataType d) { return d == ACL_UINT64 || d == ACL_INT64; }

// A scale in ±[2^-8, 2) with a random 23-bit mantissa: products with the int32 accumulator of
// the generated sizes stay inside fp16's range for typical data.
float DrawScale(Choices &ch) {
    const auto mantissa = static_cast<uint32_t>(ch.Int(0, (1 << 23) - 1));
    const auto exponent = static_cast<uint32_t>(127 - ch.Int(0, 8));
    const uint32_t bits = (ch.Bool() ? 0x80000000u : 0u) | (exponent << 23) | mantissa;
    return std::bit_cast<float>(bits);
}

}  // namespace

int64_t PackScaleCode(float scale, bool keep_low_bits) {
    uint32_t bits = std::bit_cast<uint32_t>(scale);
    if (!keep_low_bits) bits &= 0xFFFFE000u;
    return static_cast<int64_t>((uint64_t{1} << 46) | bits);
}

void FixDequantValues(ParamMap &params) {
    TensorSpec *s = TensorIn(params, "dequant_scale");
    if (s == nullptr) return;
    if (!IntegerScale(s->dtype)) {
        s->values.clear();
        return;
    }
    const int64_t n = s->NumElements();
    if (n < 0 || n > (1 << 20)) {
        s->values.clear();
        return;
    }
    if (static_cast<int64_t>(s->values.size()) == n) return;
    std::vector<int64_t> codes = s->values;
    if (codes.empty()) codes = {PackScaleCode(0.5f, false)};
    s->values.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) s->values[static_cast<size_t>(i)] = codes[static_cast<size_t>(i) % codes.size()];
}

std::vector<int64_t> NzStorageShape(int64_t k, int64_t n) {
    constexpr int64_t kRows = 16, kCols = 32;
    return {(n + kCols - 1) / kCols, (k + kRows - 1) / kRows, kRows, kCols};
}

void WriteGeometry(ParamMap &params, const Geometry &g, std::string_view op) {
    std::vector<int64_t> x1_shape = g.lead;
    x1_shape.push_back(g.k);
    TensorSpec x2 = Tensor(ACL_INT8, {g.k, g.n});
    if (g.nz) {
        x2.format = ACL_FORMAT_FRACTAL_NZ;
        x2.storage_shape = NzStorageShape(g.k, g.n);
    } else if (g.transposed) {
        x2.strides = {1, g.k};  // the (n, k) matrix seen as (k, n)
    }
    std::vector<int64_t> out_shape = g.lead;
    out_shape.push_back(g.n);
    params["x1"] = Tensor(ACL_INT8, x1_shape);
    params["x2"] = x2;
    params["output"] = Tensor(g.output, out_shape);
    params["bias"] = g.bias ? harness::Value(Tensor(ACL_INT32, {g.n})) : harness::Value(harness::Null{});
    params["x3"] = g.x3 ? harness::Value(Tensor(g.output, out_shape)) : harness::Value(harness::Null{});
    std::vector<int64_t> scale_shape = g.scale_shape == ScaleShape::kTensor    ? std::vector<int64_t>{1}
                                       : g.scale_shape == ScaleShape::kChannel ? std::vector<int64_t>{g.n}
                                                                               : std::vector<int64_t>{1, g.n};
    TensorSpec scale = Tensor(g.dequant, scale_shape);
    scale.values = g.codes;
    params["dequant_scale"] = scale;
    FixDequantValues(params);
    if (op != kV1) {
        int64_t m = 1;
        for (int64_t d : g.lead) m *= d;
        params["pertoken_scale"] =
            g.pertoken ? harness::Value(Tensor(ACL_FLOAT, {m})) : harness::Value(harness::Null{});
    }
    if (op == kV3) {
        for (const char *name : {"comm_quant_scale_1", "comm_quant_scale_2"}) {
            params[name] = g.comm_scales ? harness::Value(Tensor(g.output, {g.n})) : harness::Value(harness::Null{});
        }
    }
}

std::optional<Geometry> ReadGeometry(const ParamMap &params) {
    const TensorSpec *x1 = TensorIn(params, "x1");
    const TensorSpec *x2 = TensorIn(params, "x2");
    const TensorSpec *out = TensorIn(params, "output");
    const TensorSpec *scale = TensorIn(params, "dequant_scale");
    if (!x1 || !x2 || !out || !scale || x1->shape.size() < 2 || x2->shape.size() != 2) {
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
    g.pertoken = TensorIn(params, "pertoken_scale") != nullptr;
    g.comm_scales = TensorIn(params, "comm_quant_scale_1") != nullptr;
    g.dequant = scale->dtype;
    g.output = out->dtype;
    g.scale_shape = scale->shape.size() == 2                    ? ScaleShape::kRowChannel
                    : (scale->shape == std::vector<int64_t>{1}) ? ScaleShape::kTensor
                                                                : ScaleShape::kChannel;
    g.codes = scale->values;
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
    const DtypeRow row = ch.Pick(DtypeTable(op));

    Geometry base;
    base.dequant = row.dequant;
    base.output = row.output;
    if (ch.Int(0, 3) == 0) {
        const int64_t b = Dim(ch, limits.max_m);
        base.lead = {b, Dim(ch, std::max<int64_t>(limits.max_m / b, 1))};
    } else {
        base.lead = {Dim(ch, limits.max_m)};
    }
    base.k = Dim(ch, std::min(limits.max_k, kUint16Max));
    base.n = Dim(ch, std::min(limits.max_n, kUint16Max));
    base.transposed = ch.Bool();
    base.bias = ch.Bool();
    base.x3 = ch.Bool();
    base.pertoken = row.pertoken == Pertoken::kAlways || (row.pertoken == Pertoken::kOptional && ch.Bool());
    base.scale_shape = static_cast<ScaleShape>(ch.Int(0, 2));
    // A FRACTAL_NZ weight (the whole case: every rank), Atlas A2 only.
    base.nz = platform == Platform::kAtlasA2 && ch.Int(0, 3) == 0;
    if (base.nz) base.transposed = false;
    const int64_t comm_turn = ch.Int(0, 3) == 0 ? ch.Int(1, 4) : 0;
    // V3: the int8 low-bit communication (both comm scales, ops.md §4.1) in 3 of 4 cases — the
    // gate keeps one case per (world, dtype) bucket, and the plain all-reduce is V2's path too.
    // The scales' values come from the fill (kQuantScaleIn/Out), identical on every rank.
    if (op == kV3) base.comm_scales = ch.Int(0, 3) != 0;
    const bool vary = world > 1 && ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            // The all-reduced buffer (m × n, output dtype) must agree; the rest is each rank's own.
            g.k = Dim(ch, std::min(limits.max_k, kUint16Max));
            g.transposed = !g.nz && ch.Bool();
            g.bias = ch.Bool();
            g.x3 = ch.Bool();
            g.scale_shape = static_cast<ScaleShape>(ch.Int(0, 2));
        }
        if (IntegerScale(g.dequant) && (r == 0 || (vary && ch.Bool()))) {
            // Codes drawn once (a rank that varies may draw its own); the low mantissa bits kept
            // half the time. Later ranks reuse rank 0's codes, cycled to their count.
            const bool keep_low = ch.Bool();
            const int64_t count = g.scale_shape == ScaleShape::kTensor ? 1 : g.n;
            g.codes.clear();
            for (int64_t i = 0; i < count; ++i) g.codes.push_back(PackScaleCode(DrawScale(ch), keep_low));
            if (r == 0) base.codes = g.codes;
        }
        ParamMap &p = per[static_cast<size_t>(r)];
        p = Attributes(comm_turn);
        WriteGeometry(p, g, op);
    }
    AssignPerRank(c, per);

    c.seed = static_cast<uint64_t>(ch.Int(1, std::numeric_limits<int32_t>::max()));
    static const std::vector<harness::Dist> dists = {harness::Dist::kNormal,  harness::Dist::kUniform,
                                                     harness::Dist::kCancel,  harness::Dist::kTies,
                                                     harness::Dist::kExtreme, harness::Dist::kExact};
    c.dist = ch.Pick(dists);
    c.schedule = ch.Int(0, 3) == 0 ? static_cast<uint64_t>(ch.Int(1, 1 << 30)) : 0;
    c.Normalize();
    return c;
}

// The documents give no typical workload for the quantised APIs (seed 000 lists the fp16/bf16
// GPT-3 shapes only).
std::optional<Case> GenerateTypical(std::string_view, Platform, Choices &) { return std::nullopt; }

}  // namespace mc2::spec::quant_matmul_all_reduce
