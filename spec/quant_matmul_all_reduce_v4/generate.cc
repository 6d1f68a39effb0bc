// spec/quant_matmul_all_reduce_v4/generate.cc — valid-case generators of V4: per platform the
// scenarios the seed's dtype tables list (Atlas A2: int8 only; Ascend 950: int8, FP8/HiF8 with
// fp32 pertoken scales or UINT64 scales, per-block, MXFP8/MXFP4) × output dtype × the platform's
// world sizes × 2-D/3-D x1 (MX included) × plain or transposed x2 × with/without bias, x3, with per-rank
// variation of what may differ between ranks (k, bias, x3, layout, the scales' values), and the
// low-bit communication: int8 with both comm scales on both platforms (formula 1; Atlas A2's
// AllToAll scheme, Ascend 950's ReduceScatter, ops.md §4.1, §4.2) and, on Ascend 950 at world >= 2,
// the pertile FP8 communication (formula 8: FP8 E4M3FN/E5M2 with fp32 scales, commQuantMode = 1,
// ops.md §4.3). GenerateGateExtras adds what random draws under the gates' limits do not reach:
// every row × comm path at Ascend 950's worlds 16 and 64 at tiny shapes, commQuantMode = 1 on the
// other E4M3FN/E5M2 rows, and its refusal on the rest.
#include <algorithm>
#include <bit>
#include <limits>

#include "spec/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"

namespace mc2::spec::quant_matmul_all_reduce_v4 {
namespace {

using harness::Case;
using harness::Platform;
using harness::TensorSpec;

int64_t Dim(Choices &ch, int64_t hi) {
    hi = std::max<int64_t>(hi, 1);
    switch (ch.Int(0, 3)) {
        case 0:
            return ch.Int(1, hi);
        case 1:
            return ch.Int(1, std::min<int64_t>(hi, 8));
        case 2:
            return hi >= 16 ? 16 * ch.Int(1, hi / 16) : ch.Int(1, hi);
        default:
            return hi;
    }
}

TensorSpec Tensor(aclDataType dtype, std::vector<int64_t> shape) {
    TensorSpec t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    return t;
}

bool IntegerScale(aclDataType d) { return d == ACL_UINT64 || d == ACL_INT64; }

// A scale in ±[2^-8, 2) with a random 23-bit mantissa (as QuantMatmulAllReduce's generator).
float DrawScale(Choices &ch) {
    const auto mantissa = static_cast<uint32_t>(ch.Int(0, (1 << 23) - 1));
    const auto exponent = static_cast<uint32_t>(127 - ch.Int(0, 8));
    const uint32_t bits = (ch.Bool() ? 0x80000000u : 0u) | (exponent << 23) | mantissa;
    return std::bit_cast<float>(bits);
}

// The scenarios a platform's dtype table lists (seed 004: Atlas A2 int8 only).
std::vector<Scenario> Scenarios(Platform platform) {
    if (platform == Platform::kAtlasA2) return {Scenario::kInt8};
    return {Scenario::kInt8, Scenario::kFp8, Scenario::kFp8Uint64, Scenario::kPerBlock, Scenario::kMx};
}

}  // namespace

// One dtype row of the scenario (seed 004's tables), drawn.
void DrawRow(Geometry &g, Choices &ch) {
    static const std::vector<aclDataType> fp8 = {ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2, ACL_HIFLOAT8};
    static const std::vector<aclDataType> out3 = {ACL_FLOAT16, ACL_BF16, ACL_FLOAT};
    static const std::vector<aclDataType> out2 = {ACL_FLOAT16, ACL_BF16};
    switch (g.scenario) {
        case Scenario::kInt8: {
            g.x1 = g.x2 = ACL_INT8;
            // (UINT64 | INT64, fp16, no x1Scale), (FLOAT32, fp16, x1Scale), (BF16, bf16, x1Scale optional).
            switch (ch.Int(0, 3)) {
                case 0:
                    g.x2_scale = ACL_UINT64, g.output = ACL_FLOAT16, g.x1_scale = false;
                    break;
                case 1:
                    g.x2_scale = ACL_INT64, g.output = ACL_FLOAT16, g.x1_scale = false;
                    break;
                case 2:
                    g.x2_scale = ACL_FLOAT, g.output = ACL_FLOAT16, g.x1_scale = true;
                    break;
                default:
                    g.x2_scale = ACL_BF16, g.output = ACL_BF16, g.x1_scale = ch.Bool();
                    break;
            }
            break;
        }
        case Scenario::kFp8:
            g.x1 = g.x2 = ch.Pick(fp8);
            g.x2_scale = ACL_FLOAT;
            g.x1_scale = true;
            g.output = ch.Pick(out3);
            break;
        case Scenario::kFp8Uint64:
            g.x1 = g.x2 = ch.Pick(fp8);
            g.x2_scale = ch.Int(0, 3) == 0 ? ACL_INT64 : ACL_UINT64;
            g.x1_scale = false;
            g.output = ch.Pick(out2);
            break;
        case Scenario::kPerBlock:
            g.x1 = g.x2 = ch.Pick(fp8);
            g.x2_scale = ACL_FLOAT;
            g.x1_scale = true;
            g.output = ch.Pick(out3);
            g.bias = false;
            g.group_size = kGroupSizePerBlock;
            break;
        case Scenario::kMx: {
            static const std::vector<aclDataType> mx = {ACL_FLOAT4_E2M1, ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2};
            g.x1 = g.x2 = ch.Pick(mx);
            g.x2_scale = ACL_FLOAT8_E8M0;
            g.x1_scale = true;
            g.output = ch.Pick(out3);
            g.transposed = true;
            // x1 2-D or 3-D (b, s, k) as in every scenario (seed 004: x1 二维或者三维); the
            // E8M0 x1Scale is [m, ceil(k/64), 2] with m = b·s either way (参数说明 x1ScaleOptional).
            g.group_size = kGroupSizeMx;  // explicit: inferred fields are a note rule's case
            break;
        }
        default:
            break;
    }
    if (g.scenario != Scenario::kInt8) {
        g.nz = false;
        g.comm_scales = false;
    }
}

void ToScenario(Geometry &g, Scenario s, Choices &ch) {
    g.scenario = s;
    g.codes.clear();
    g.group_size = 0;
    g.comm_quant_mode = 0;
    DrawRow(g, ch);
    if (s == Scenario::kMx && IsFp4(g.x1)) g.k = 64 * std::max<int64_t>(CeilDiv(g.k, 64), 1);
}

int64_t M(const std::vector<int64_t> &lead) {
    int64_t m = 1;
    for (int64_t d : lead)
        m = (d != 0 && m > std::numeric_limits<int64_t>::max() / std::max<int64_t>(d, 1)) ? -1 : m * d;
    return m;
}

int64_t CeilDiv(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

std::vector<int64_t> PerBlockX1ScaleShape(const std::vector<int64_t> &x1_shape) {
    if (x1_shape.size() == 3) return {x1_shape[0], CeilDiv(x1_shape[1], kBlock), CeilDiv(x1_shape[2], kBlock)};
    if (x1_shape.size() == 2) return {CeilDiv(x1_shape[0], kBlock), CeilDiv(x1_shape[1], kBlock)};
    return {};
}

std::vector<int64_t> PerBlockX2ScaleShape(int64_t k, int64_t n, bool transposed) {
    return transposed ? std::vector<int64_t>{CeilDiv(n, kBlock), CeilDiv(k, kBlock)}
                      : std::vector<int64_t>{CeilDiv(k, kBlock), CeilDiv(n, kBlock)};
}

std::vector<int64_t> MxScaleShape(int64_t rows, int64_t k) { return {rows, CeilDiv(k, 2 * kMxGroup), 2}; }

int64_t PackScaleCode(float scale, bool keep_low_bits) {
    uint32_t bits = std::bit_cast<uint32_t>(scale);
    if (!keep_low_bits) bits &= 0xFFFFE000u;
    return static_cast<int64_t>((uint64_t{1} << 46) | bits);
}

void FixScaleValues(ParamMap &params) {
    TensorSpec *s = TensorIn(params, "x2_scale");
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

void WriteGeometry(ParamMap &params, const Geometry &g) {
    std::vector<int64_t> x1_shape = g.lead;
    x1_shape.push_back(g.k);
    TensorSpec x2 = Tensor(g.x2, {g.k, g.n});
    if (g.nz) {
        x2.format = ACL_FORMAT_FRACTAL_NZ;
        x2.storage_shape = NzStorageShape(g.k, g.n);
    } else if (g.transposed) {
        x2.strides = {1, g.k};  // the (n, k) matrix seen as (k, n)
    }
    std::vector<int64_t> out_shape = g.lead;
    out_shape.push_back(g.n);
    const int64_t m = M(g.lead);
    params["x1"] = Tensor(g.x1, x1_shape);
    params["x2"] = x2;
    params["output"] = Tensor(g.output, out_shape);
    const aclDataType bias_dtype = g.scenario == Scenario::kInt8 ? ACL_INT32 : ACL_FLOAT;
    params["bias"] = g.bias ? harness::Value(Tensor(bias_dtype, {g.n})) : harness::Value(harness::Null{});
    params["x3"] = g.x3 ? harness::Value(Tensor(g.output, out_shape)) : harness::Value(harness::Null{});
    std::vector<int64_t> x2_shape = g.scale_shape == ScaleShape::kTensor    ? std::vector<int64_t>{1}
                                    : g.scale_shape == ScaleShape::kChannel ? std::vector<int64_t>{g.n}
                                                                            : std::vector<int64_t>{1, g.n};
    std::vector<int64_t> x1_scale_shape = {m};
    aclDataType x1_scale_dtype = ACL_FLOAT;
    if (g.scenario == Scenario::kPerBlock) {
        x1_scale_shape = PerBlockX1ScaleShape(x1_shape);
        x2_shape = PerBlockX2ScaleShape(g.k, g.n, g.transposed);
    } else if (g.scenario == Scenario::kMx) {
        x1_scale_shape = MxScaleShape(m, g.k);
        x2_shape = MxScaleShape(g.n, g.k);
        x1_scale_dtype = ACL_FLOAT8_E8M0;
    }
    TensorSpec scale = Tensor(g.x2_scale, x2_shape);
    scale.values = g.codes;
    params["x2_scale"] = scale;
    FixScaleValues(params);
    params["x1_scale"] =
        g.x1_scale ? harness::Value(Tensor(x1_scale_dtype, x1_scale_shape)) : harness::Value(harness::Null{});
    for (const char *name : {"comm_quant_scale_1", "comm_quant_scale_2"}) {
        params[name] = g.comm_scales ? harness::Value(Tensor(g.output, {g.n})) : harness::Value(harness::Null{});
    }
    params["group_size"] = g.group_size;
    params["comm_quant_mode"] = g.comm_quant_mode;
}

std::optional<Geometry> ReadGeometry(const ParamMap &params) {
    const TensorSpec *x1 = TensorIn(params, "x1");
    const TensorSpec *x2 = TensorIn(params, "x2");
    const TensorSpec *out = TensorIn(params, "output");
    const TensorSpec *scale = TensorIn(params, "x2_scale");
    const TensorSpec *x1_scale = TensorIn(params, "x1_scale");
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
    g.x1_scale = x1_scale != nullptr;
    g.comm_scales = TensorIn(params, "comm_quant_scale_1") != nullptr;
    g.x1 = x1->dtype;
    g.x2 = x2->dtype;
    g.x2_scale = scale->dtype;
    g.output = out->dtype;
    g.scenario = Classify(g.x1, g.x2, x1_scale ? std::optional<aclDataType>(x1_scale->dtype) : std::nullopt,
                          scale->dtype, x1_scale ? x1_scale->shape.size() : 0, scale->shape.size());
    g.scale_shape = scale->shape.size() == 2                    ? ScaleShape::kRowChannel
                    : (scale->shape == std::vector<int64_t>{1}) ? ScaleShape::kTensor
                                                                : ScaleShape::kChannel;
    g.codes = scale->values;
    if (auto it = params.find("group_size"); it != params.end()) {
        if (const auto *v = std::get_if<int64_t>(&it->second)) g.group_size = *v;
    }
    if (auto it = params.find("comm_quant_mode"); it != params.end()) {
        if (const auto *v = std::get_if<int64_t>(&it->second)) g.comm_quant_mode = *v;
    }
    return g;
}

namespace {

// The wide variant's row on a drawn geometry: the scenario's fixed fields (DrawRow: bias, x1Scale,
// transposition, groupSize), then the variant's dtypes, pertoken scale and comm path.
void ForceRow(Geometry &g, const WideVariant &v, Choices &ch) {
    g.scenario = v.scenario;
    g.group_size = 0;
    g.codes.clear();
    DrawRow(g, ch);
    g.x1 = g.x2 = v.x1;
    g.x2_scale = v.x2_scale;
    g.output = v.output;
    if (v.scenario == Scenario::kInt8) g.x1_scale = v.x1_scale;
    g.comm_scales = v.comm_scales;
    g.comm_quant_mode = v.comm_quant_mode;
}

// A case at `world` whose dtype row, comm path and output dtype are `force`'s when given (the
// wide-world cases), drawn otherwise; without `force` the draws are GenerateValid's, in its order.
Case Draw(std::string_view op, Platform platform, Choices &ch, const Limits &limits, int world,
          const WideVariant *force) {
    Case c;
    c.op = std::string(op);
    c.platform = platform;

    Geometry base;
    base.scenario = ch.Pick(Scenarios(platform));
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
    base.scale_shape = static_cast<ScaleShape>(ch.Int(0, 2));
    base.nz = platform == Platform::kAtlasA2 && ch.Int(0, 3) == 0;
    // The int8 low-bit communication (formula 1 with comm scales) in half the int8 cases (Atlas
    // A2: V3's AllToAll scheme, §4.1; Ascend 950: ReduceScatter + AllGather, §4.2).
    base.comm_scales = ch.Bool();
    DrawRow(base, ch);
    if (force != nullptr) ForceRow(base, *force, ch);
    // Formula 8 (the pertile FP8 communication) in half the FP8 E4M3FN/E5M2 fp32-scale cases on
    // Ascend 950; not at world 1, where the kernel's reduction is UNVERIFIED (ops.md §8.4). The
    // other rows that admit commQuantMode = 1 come from GenerateGateExtras (they are not drawn
    // here, which keeps the draws, and so the gates' drawn cases, as they were).
    if (force == nullptr && platform == Platform::kAscend950 && world > 1 && base.scenario == Scenario::kFp8 &&
        base.x1 != ACL_HIFLOAT8 && ch.Bool()) {
        base.comm_quant_mode = 1;
    }
    if (base.nz) base.transposed = false;
    // Per-block with a transposed x2: its x2Scale is the transposed grid [ceil(n/128),
    // ceil(k/128)]; a square grid would hide a grid read the wrong way round, so rank 0's k takes
    // one more block of 128 then (tests/gates/quant_matmul_all_reduce_v4_gate_test.cc).
    if (base.scenario == Scenario::kPerBlock && base.transposed && CeilDiv(base.k, 128) == CeilDiv(base.n, 128)) {
        base.k += 128;
    }
    // MXFP4: ceil(k/32) must be even (seed 004 x1ScaleOptional), and two FP4 codes share a byte:
    // k is drawn as a multiple of 64 there.
    if (base.scenario == Scenario::kMx && IsFp4(base.x1)) base.k = 64 * CeilDiv(base.k, 64);
    // The documents allow commTurn 0 only; this suite's implementation splits the rows (a note
    // rule tolerates a refusal), as for the other quantised families.
    const int64_t comm_turn = ch.Int(0, 3) == 0 ? ch.Int(1, 4) : 0;
    const bool vary = world > 1 && ch.Int(0, 3) == 0;

    std::vector<ParamMap> per(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
        Geometry g = base;
        if (vary && r > 0) {
            // The all-reduced buffer (m × n, output dtype) must agree; the rest is each rank's own.
            g.k = Dim(ch, std::min(limits.max_k, kUint16Max));
            if (g.scenario == Scenario::kMx && IsFp4(g.x1)) g.k = 64 * CeilDiv(g.k, 64);
            if (g.scenario != Scenario::kMx) g.transposed = !g.nz && ch.Bool();
            g.bias = g.scenario != Scenario::kPerBlock && ch.Bool();
            g.x3 = ch.Bool();
            g.scale_shape = static_cast<ScaleShape>(ch.Int(0, 2));
        }
        if (IntegerScale(g.x2_scale) && (r == 0 || (vary && ch.Bool()))) {
            const bool keep_low = ch.Bool();
            const int64_t count = g.scale_shape == ScaleShape::kTensor ? 1 : g.n;
            g.codes.clear();
            for (int64_t i = 0; i < count; ++i) g.codes.push_back(PackScaleCode(DrawScale(ch), keep_low));
            if (r == 0) base.codes = g.codes;
        }
        ParamMap &p = per[static_cast<size_t>(r)];
        p["group"] = harness::CommName{};
        p["reduce_op"] = std::string("sum");
        p["comm_turn"] = comm_turn;
        p["stream_mode"] = int64_t{1};
        WriteGeometry(p, g);
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

}  // namespace

Case GenerateValid(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    std::vector<int> worlds;
    for (int w : WorldSizes(platform)) {
        if (w <= std::max(limits.max_world, 1)) worlds.push_back(w);
    }
    const int world = ch.Pick(worlds);
    return Draw(op, platform, ch, limits, world, nullptr);
}

// Every scenario of seed 004's Ascend 950 tables with every comm path the documents admit for it
// (int8: comm scales, formula 1; x1 and x2 FLOAT8_E4M3FN / FLOAT8_E5M2: commQuantMode = 1 — seed
// 004 commQuantMode: 仅在x1和x2为FLOAT8_E4M3FN或FLOAT8_E5M2时支持1 — with formula 8's fp32 scales,
// per-block's fp32 grids, MXFP8's E8M0 scales and formula 5's UINT64 scale alike: the parameter
// admits them all, formula 8 spells out the fp32 row only; MXFP4, HiF8 and int8 with 1 are refused,
// qmar4.tiling.comm_quant_mode), the output dtypes spread over the rows so each scenario meets each
// of its output dtypes.
const std::vector<WideVariant> &WideVariants() {
    using S = Scenario;
    static const std::vector<WideVariant> table = {
        {"int8, UINT64 x2Scale", S::kInt8, ACL_INT8, ACL_UINT64, false, false, 0, ACL_FLOAT16},
        {"int8, INT64 x2Scale", S::kInt8, ACL_INT8, ACL_INT64, false, false, 0, ACL_FLOAT16},
        {"int8, fp32 x2Scale, pertoken", S::kInt8, ACL_INT8, ACL_FLOAT, true, false, 0, ACL_FLOAT16},
        {"int8, bf16 x2Scale, pertoken", S::kInt8, ACL_INT8, ACL_BF16, true, false, 0, ACL_BF16},
        {"int8, bf16 x2Scale", S::kInt8, ACL_INT8, ACL_BF16, false, false, 0, ACL_BF16},
        {"int8, UINT64 x2Scale, int8 comm", S::kInt8, ACL_INT8, ACL_UINT64, false, true, 0, ACL_FLOAT16},
        {"int8, fp32 x2Scale, pertoken, int8 comm", S::kInt8, ACL_INT8, ACL_FLOAT, true, true, 0, ACL_FLOAT16},
        {"int8, bf16 x2Scale, int8 comm", S::kInt8, ACL_INT8, ACL_BF16, false, true, 0, ACL_BF16},
        {"E4M3FN, fp32 scales", S::kFp8, ACL_FLOAT8_E4M3FN, ACL_FLOAT, true, false, 0, ACL_FLOAT16},
        {"E5M2, fp32 scales", S::kFp8, ACL_FLOAT8_E5M2, ACL_FLOAT, true, false, 0, ACL_BF16},
        {"HiF8, fp32 scales", S::kFp8, ACL_HIFLOAT8, ACL_FLOAT, true, false, 0, ACL_FLOAT},
        {"E4M3FN, fp32 scales, pertile", S::kFp8, ACL_FLOAT8_E4M3FN, ACL_FLOAT, true, false, 1, ACL_BF16},
        {"E5M2, fp32 scales, pertile", S::kFp8, ACL_FLOAT8_E5M2, ACL_FLOAT, true, false, 1, ACL_FLOAT},
        {"E4M3FN, UINT64 x2Scale", S::kFp8Uint64, ACL_FLOAT8_E4M3FN, ACL_UINT64, false, false, 0, ACL_FLOAT16},
        {"E5M2, INT64 x2Scale", S::kFp8Uint64, ACL_FLOAT8_E5M2, ACL_INT64, false, false, 0, ACL_BF16},
        {"HiF8, UINT64 x2Scale", S::kFp8Uint64, ACL_HIFLOAT8, ACL_UINT64, false, false, 0, ACL_FLOAT16},
        {"E4M3FN, UINT64 x2Scale, pertile", S::kFp8Uint64, ACL_FLOAT8_E4M3FN, ACL_UINT64, false, false, 1, ACL_BF16},
        {"E5M2, UINT64 x2Scale, pertile", S::kFp8Uint64, ACL_FLOAT8_E5M2, ACL_UINT64, false, false, 1, ACL_FLOAT16},
        {"E4M3FN, per-block", S::kPerBlock, ACL_FLOAT8_E4M3FN, ACL_FLOAT, true, false, 0, ACL_FLOAT},
        {"E5M2, per-block", S::kPerBlock, ACL_FLOAT8_E5M2, ACL_FLOAT, true, false, 0, ACL_FLOAT16},
        {"HiF8, per-block", S::kPerBlock, ACL_HIFLOAT8, ACL_FLOAT, true, false, 0, ACL_BF16},
        {"E4M3FN, per-block, pertile", S::kPerBlock, ACL_FLOAT8_E4M3FN, ACL_FLOAT, true, false, 1, ACL_BF16},
        {"E5M2, per-block, pertile", S::kPerBlock, ACL_FLOAT8_E5M2, ACL_FLOAT, true, false, 1, ACL_FLOAT},
        {"MXFP4 E2M1", S::kMx, ACL_FLOAT4_E2M1, ACL_FLOAT8_E8M0, true, false, 0, ACL_BF16},
        {"MXFP8 E4M3FN", S::kMx, ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E8M0, true, false, 0, ACL_FLOAT},
        {"MXFP8 E5M2", S::kMx, ACL_FLOAT8_E5M2, ACL_FLOAT8_E8M0, true, false, 0, ACL_FLOAT16},
        {"MXFP8 E4M3FN, pertile", S::kMx, ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E8M0, true, false, 1, ACL_FLOAT16},
        {"MXFP8 E5M2, pertile", S::kMx, ACL_FLOAT8_E5M2, ACL_FLOAT8_E8M0, true, false, 1, ACL_BF16},
    };
    return table;
}

std::vector<int> WideWorlds(Platform platform, const Limits &limits) {
    std::vector<int> out;
    if (platform != Platform::kAscend950) return out;
    const std::vector<int> &sizes = WorldSizes(platform);
    for (int w : {16, 64}) {
        if (w > limits.max_world && std::find(sizes.begin(), sizes.end(), w) != sizes.end()) out.push_back(w);
    }
    return out;
}

std::vector<GateExtra> GenerateGateExtras(std::string_view op, Platform platform, Choices &ch, const Limits &limits) {
    std::vector<GateExtra> out;
    if (platform != Platform::kAscend950) return out;
    // The rows whose commQuantMode = 1 GenerateValid does not draw, at the smallest and the largest
    // world the gate draws (the smallest reduction tree and the deepest), at the gate's shapes.
    for (int world : {2, 8}) {
        if (world > limits.max_world) continue;
        for (const WideVariant &v : WideVariants()) {
            if (v.comm_quant_mode == 1 && v.scenario != Scenario::kFp8) {
                out.push_back({Draw(op, platform, ch, limits, world, &v), ""});
            }
        }
    }
    // Every row at the wide worlds, at tiny shapes (m <= 4, k <= 64 — MXFP4 64, a transposed
    // per-block x2 one more block — n <= 32): a rank's work is then negligible beside its
    // start-up, and 64 ranks stay well under a second.
    const std::vector<int> worlds = WideWorlds(platform, limits);
    if (!worlds.empty()) {
        const Limits tiny{4, 64, 32, worlds.back()};
        for (int world : worlds) {
            for (const WideVariant &v : WideVariants()) out.push_back({Draw(op, platform, ch, tiny, world, &v), ""});
        }
    }
    // commQuantMode = 1 on every row that refuses it (int8 with each x2Scale, HiF8 with each
    // scale, MXFP4: seed 004 commQuantMode, 仅在x1和x2为FLOAT8_E4M3FN或FLOAT8_E5M2时支持1), at world 2:
    // the drawn violations of qmar4.tiling.comm_quant_mode reach only some of them.
    const Limits tiny2{4, 64, 32, 2};
    for (const WideVariant &v : WideVariants()) {
        if (v.comm_quant_mode != 0 || v.comm_scales || v.x1 == ACL_FLOAT8_E4M3FN || v.x1 == ACL_FLOAT8_E5M2) continue;
        WideVariant refused = v;
        refused.comm_quant_mode = 1;
        out.push_back({Draw(op, platform, ch, tiny2, 2, &refused), "qmar4.tiling.comm_quant_mode"});
    }
    return out;
}

// The documents give no typical workload for V4.
std::optional<Case> GenerateTypical(std::string_view, Platform, Choices &) { return std::nullopt; }

}  // namespace mc2::spec::quant_matmul_all_reduce_v4
