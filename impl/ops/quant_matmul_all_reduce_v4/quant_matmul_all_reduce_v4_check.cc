// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_check.cc — GetWorkspaceSize of
// aclnnQuantMatmulAllReduceV4: the documented argument checks in the vendor's order, the tiling
// layer's scenario checks, and the execution plan (decisions in quant_matmul_all_reduce_v4.h).
#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ops/common/checks.h"
#include "ops/common/faults.h"
#include "ops/common/group.h"
#include "ops/common/layout_checks.h"
#include "ops/common/memory_checks.h"
#include "ops/common/platform.h"
#include "ops/common/tiling_checks.h"
#include "ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_storage.h"

namespace mc2::impl::ops {
namespace {

using Args = QuantMatmulAllReduceV4Args;

constexpr int64_t kUint16Max = 65535;
constexpr int64_t kBlock = 128;
constexpr uint64_t kWorkspaceAlign = 64;

bool IsFp8(int32_t d) { return d == ACL_FLOAT8_E4M3FN || d == ACL_FLOAT8_E5M2 || d == ACL_HIFLOAT8; }
bool IsFp4(int32_t d) { return d == ACL_FLOAT4_E2M1 || d == ACL_FLOAT4_E1M2; }
bool IsLowFloat(int32_t d) { return IsFp8(d) || IsFp4(d); }
bool BothCommScales(const Args &a) { return a.commQuantScale1 != nullptr && a.commQuantScale2 != nullptr; }
int64_t CeilDiv(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }
using Shape = std::vector<int64_t>;

// The tiling layer's classification (ops.md §2.5; seed 004's MX table has no HiF8).
V4Kind Classify(const Args &a) {
    const int32_t x1 = a.x1->dataType, x2 = a.x2->dataType, s2 = a.x2Scale->dataType;
    const bool e8m0 = a.x1Scale != nullptr && a.x1Scale->dataType == ACL_FLOAT8_E8M0 && s2 == ACL_FLOAT8_E8M0;
    if (x1 == ACL_INT8) return V4Kind::kInt8;
    if (IsFp4(x1)) return IsFp4(x2) && e8m0 ? V4Kind::kMx : V4Kind::kNone;
    if (!IsFp8(x1) || !IsFp8(x2)) return V4Kind::kNone;
    if (e8m0) return x1 != ACL_HIFLOAT8 && x2 != ACL_HIFLOAT8 ? V4Kind::kMx : V4Kind::kNone;
    if (s2 == ACL_FLOAT) {
        const bool block = a.x1Scale != nullptr && a.x1Scale->dataType == ACL_FLOAT &&
                           a.x1Scale->viewShape.size() >= 2 && a.x2Scale->viewShape.size() == 2;
        return block ? V4Kind::kPerBlock : V4Kind::kFp8;
    }
    if (s2 == ACL_UINT64 || s2 == ACL_INT64) return V4Kind::kFp8Uint64;
    return V4Kind::kNone;
}

int64_t Rows(const aclTensor &x1) {
    int64_t m = 1;
    for (size_t d = 0; d + 1 < x1.viewShape.size(); ++d) {
        const int64_t dim = x1.viewShape[d];
        m = (dim != 0 && m > INT64_MAX / dim) ? INT64_MAX : m * dim;
    }
    return m;
}

bool CheckNulls(Checker &c, const Args &a) {
    c.NotNull(a.x1, "x1") && c.NotNull(a.x2, "x2") && c.NotNull(a.x2Scale, "x2Scale") &&
        c.NotNull(a.output, "output") && c.NotNull(a.reduceOp, "reduceOp") &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    c.Live(a.x1, "x1") && c.Live(a.x2, "x2") && c.Live(a.bias, "bias") && c.Live(a.x3, "x3") &&
        c.Live(a.x1Scale, "x1Scale") && c.Live(a.x2Scale, "x2Scale") && c.Live(a.commQuantScale1, "commQuantScale1") &&
        c.Live(a.commQuantScale2, "commQuantScale2") && c.Live(a.output, "output");
    return c.ok();
}

// ops.md §2.5 op_api step 2 (seed 004 dtype lists; FLOAT4_E1M2 refused as the newer op_api).
bool CheckDtypes(Checker &c, const Args &a, Platform platform) {
    const auto inputs = {ACL_INT8, ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2, ACL_HIFLOAT8, ACL_FLOAT4_E2M1};
    if (!c.DtypeIn(*a.x1, "x1", inputs) || !c.DtypeIn(*a.x2, "x2", inputs) ||
        !c.DtypeIn(*a.x2Scale, "x2Scale", {ACL_UINT64, ACL_INT64, ACL_BF16, ACL_FLOAT, ACL_FLOAT8_E8M0})) {
        return false;
    }
    const bool low = IsLowFloat(a.x1->dataType);
    const std::initializer_list<aclDataType> outLow = {ACL_FLOAT16, ACL_BF16, ACL_FLOAT};
    const std::initializer_list<aclDataType> outInt = {ACL_FLOAT16, ACL_BF16};
    if (!c.DtypeIn(*a.output, "output", low ? outLow : outInt)) return false;
    if (a.bias != nullptr && !c.DtypeIn(*a.bias, "bias", {ACL_INT32, ACL_FLOAT})) return false;
    if (a.x3 != nullptr &&
        !(c.DtypeIn(*a.x3, "x3", low ? outLow : outInt) && c.SameDtype(*a.output, "output", *a.x3, "x3"))) {
        return false;
    }
    const int32_t out = a.output->dataType, scale = a.x2Scale->dataType;
    if (!low && (out == ACL_BF16 || scale == ACL_BF16) && scale != out) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x2Scale dtype %s must equal output dtype %s when either is BFLOAT16",
                      DataTypeName(scale).c_str(), DataTypeName(out).c_str());
    }
    if (a.x1Scale != nullptr && !c.DtypeIn(*a.x1Scale, "x1Scale", {ACL_FLOAT, ACL_FLOAT8_E8M0})) return false;
    if (BothCommScales(a)) {
        const std::pair<const aclTensor *, const char *> scales[] = {{a.commQuantScale1, "commQuantScale1"},
                                                                     {a.commQuantScale2, "commQuantScale2"}};
        for (const auto &[t, name] : scales) {
            if (!c.DtypeIn(*t, name, {ACL_FLOAT16, ACL_BF16}) || !c.SameDtype(*a.output, "output", *t, name)) {
                return false;
            }
        }
    }
    if (platform == Platform::kAtlasA2 && (a.x1->dataType != ACL_INT8 || a.x2->dataType != ACL_INT8)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "Atlas A2 supports INT8 x1 and x2 only (got %s and %s)",
                      DataTypeName(a.x1->dataType).c_str(), DataTypeName(a.x2->dataType).c_str());
    }
    return true;
}

// Step 3: reduceOp as the vendor compares it (three characters), then exactly "sum" (the
// documents; the vendor-faithful build accepts the prefix as the vendor does).
bool CheckAttributes(Checker &c, const Args &a) {
    if (std::strncmp(a.reduceOp, "sum", 3) != 0 || (!kVendorFaithful && std::strcmp(a.reduceOp, "sum") != 0)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "reduceOp \"%.64s\" not supported; expected \"sum\"", a.reduceOp);
    }
    if (a.streamMode != 1) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "streamMode %lld not supported; expected 1",
                      static_cast<long long>(a.streamMode));
    }
    if (a.commTurn < 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "commTurn %lld is negative", static_cast<long long>(a.commTurn));
    }
    return true;
}

// Step 4 on view shapes; a weight-NZ x2 ends them after x1's rank (the full set is repeated in
// tiling with `full`).
bool CheckShapes(Checker &c, const Args &a, bool full = false) {
    if (!c.RankIn(*a.x1, "x1", 2, 3)) return false;
    if (IsWeightNz(*a.x2) && !full) return true;
    if (!c.RankIn(*a.x2, "x2", 2, 2)) return false;
    const int64_t k = a.x1->viewShape.back();
    if (k != a.x2->viewShape[0]) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 last dim (k = %lld) must equal x2 dim 0 (%lld)",
                      static_cast<long long>(k), static_cast<long long>(a.x2->viewShape[0]));
    }
    const int64_t n = a.x2->viewShape[1];
    Shape outShape = a.x1->viewShape;
    outShape.back() = n;
    if (!c.ShapeIs(*a.output, "output", outShape, "x1's shape with the last dim replaced by n")) return false;
    if (a.bias != nullptr && !c.ShapeIs(*a.bias, "bias", {n}, "bias is 1-D [n]")) return false;
    if (a.x3 != nullptr && !c.ShapeIs(*a.x3, "x3", outShape, "x3 must have output's shape")) return false;
    return true;
}

bool CheckLayouts(Checker &c, const Args &a) {
    const NamedTensor all[] = {{a.x1, "x1"},
                               {a.x2, "x2"},
                               {a.bias, "bias"},
                               {a.x3, "x3"},
                               {a.x1Scale, "x1Scale"},
                               {a.x2Scale, "x2Scale"},
                               {a.commQuantScale1, "commQuantScale1"},
                               {a.commQuantScale2, "commQuantScale2"},
                               {a.output, "output"}};
    if (!CheckAddressable(c, all)) return false;
    // The vendor's op_api checks none of the rest (faults.h): every kernel reads through the
    // strides, and the storage guard (quant_matmul_all_reduce_v4_storage.h) stops a view that
    // reaches past its storage at execution.
    if (kVendorFaithful) return true;
    if (!IsContiguous(*a.x1)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 must be contiguous; got shape %s with strides %s",
                      ShapeString(a.x1->viewShape).c_str(), ShapeString(a.x1->strides).c_str());
    }
    if (!IsContiguous(*a.x2) && !IsTransposeLastTwoDims(*a.x2)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "x2 must be contiguous or a transpose of its last two dims; got shape %s with strides %s",
                      ShapeString(a.x2->viewShape).c_str(), ShapeString(a.x2->strides).c_str());
    }
    return CheckNoSelfOverlap(c, *a.output, "output") && CheckWithinStorage(c, all);
}

bool CheckNzWeight(Checker &c, const Args &a, NzPlan *plan) {
    if (!CheckShapes(c, a, /*full=*/true)) {
        c.Reclassify(ACLNN_ERR_INNER_TILING_ERROR);
        return false;
    }
    if (a.x2->dataType != ACL_INT8) {
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "a FRACTAL_NZ x2 must be INT8 (got %s)",
                      DataTypeName(a.x2->dataType).c_str());
    }
    return CheckNzWeightStorage(c, *a.x2, "x2", plan);
}

bool ShapeOneOf(const aclTensor &t, std::initializer_list<Shape> shapes) {
    return std::any_of(shapes.begin(), shapes.end(), [&](const Shape &s) { return t.viewShape == s; });
}

// The tiling layer's limits and scenario checks (ops.md §2.5; seed 004), refused with 561002.
bool CheckTiling(Checker &c, const hccl::Communicator &comm, const Args &a, V4Kind kind, int64_t m, int64_t k,
                 int64_t n) {
    const auto tiling = ACLNN_ERR_INNER_TILING_ERROR;
    if (!CheckWorldSize(c, comm, MatmulAllReduceWorldSizes)) return false;
    if (m > INT32_MAX) return c.Fail(tiling, "m = %lld exceeds INT32_MAX", static_cast<long long>(m));
    if (m == 0 || n == 0) {
        return c.Fail(tiling, "empty output (m = %lld, n = %lld) not supported", static_cast<long long>(m),
                      static_cast<long long>(n));
    }
    if (k == 0) return c.Fail(tiling, "k == 0 (empty x1 and x2) not supported");
    if (k > kUint16Max) return c.Fail(tiling, "k = %lld exceeds 65535", static_cast<long long>(k));
    const bool transposed = IsTransposeLastTwoDims(*a.x2);
    if (!transposed && n > kUint16Max) {
        return c.Fail(tiling, "x2's last dim (n = %lld) exceeds 65535", static_cast<long long>(n));
    }
    const int32_t x1 = a.x1->dataType, x2 = a.x2->dataType, s2 = a.x2Scale->dataType;
    if (IsLowFloat(x1) && kind == V4Kind::kNone) {
        return c.Fail(tiling, "x1 %s, x2 %s with x2Scale %s%s form no documented scenario", DataTypeName(x1).c_str(),
                      DataTypeName(x2).c_str(), DataTypeName(s2).c_str(),
                      a.x1Scale ? (" and x1Scale " + DataTypeName(a.x1Scale->dataType)).c_str() : "");
    }
    if (x1 == ACL_INT8 && x2 != ACL_INT8) return c.Fail(tiling, "an INT8 x1 needs an INT8 x2");
    if (IsFp8(x1) && IsFp8(x2) && x1 != x2 && (x1 == ACL_HIFLOAT8 || x2 == ACL_HIFLOAT8)) {
        return c.Fail(tiling, "HIFLOAT8 pairs only with HIFLOAT8 (x1 %s, x2 %s)", DataTypeName(x1).c_str(),
                      DataTypeName(x2).c_str());
    }
    if (a.bias != nullptr && a.bias->dataType != (kind == V4Kind::kInt8 ? ACL_INT32 : ACL_FLOAT)) {
        return c.Fail(tiling, "bias must be %s in this scenario", kind == V4Kind::kInt8 ? "INT32" : "FLOAT32");
    }
    if (kind == V4Kind::kPerBlock && a.bias != nullptr) return c.Fail(tiling, "per-block quantisation takes no bias");
    const int32_t out = a.output->dataType;
    if (kind == V4Kind::kInt8) {
        if (a.x1Scale != nullptr && a.x1Scale->dataType != ACL_FLOAT)
            return c.Fail(tiling, "int8: x1Scale must be FLOAT32");
        if (s2 == ACL_FLOAT8_E8M0) return c.Fail(tiling, "int8: x2Scale must be UINT64, INT64, BFLOAT16 or FLOAT32");
        if (out == ACL_FLOAT16 && a.x1Scale == nullptr && s2 != ACL_UINT64 && s2 != ACL_INT64) {
            return c.Fail(tiling, "a FLOAT16 output without x1Scale needs a UINT64 or INT64 x2Scale");
        }
        if (out == ACL_FLOAT16 && a.x1Scale != nullptr && s2 != ACL_FLOAT) {
            return c.Fail(tiling, "a FLOAT16 output with x1Scale needs a FLOAT32 x2Scale");
        }
    }
    if (kind == V4Kind::kFp8 && (a.x1Scale == nullptr || a.x1Scale->dataType != ACL_FLOAT)) {
        return c.Fail(tiling, "FP8/HiF8 with a FLOAT32 x2Scale needs a FLOAT32 x1Scale (pertoken)");
    }
    if (kind == V4Kind::kFp8Uint64 && a.x1Scale != nullptr) {
        return c.Fail(tiling, "FP8/HiF8 with a UINT64/INT64 x2Scale takes no x1Scale");
    }
    if (kind == V4Kind::kFp8Uint64 && out == ACL_FLOAT) {
        return c.Fail(tiling, "FP8/HiF8 with a UINT64/INT64 x2Scale gives FLOAT16 or BFLOAT16 only");
    }
    if ((kind == V4Kind::kInt8 || kind == V4Kind::kFp8) && a.x1Scale != nullptr && a.x1Scale->viewShape != Shape{m}) {
        return c.Fail(tiling, "x1Scale shape %s must be [%lld] (m)", ShapeString(a.x1Scale->viewShape).c_str(),
                      static_cast<long long>(m));
    }
    if ((kind == V4Kind::kInt8 || kind == V4Kind::kFp8 || kind == V4Kind::kFp8Uint64) &&
        !ShapeOneOf(*a.x2Scale, {{1}, {n}, {1, n}})) {
        return c.Fail(tiling, "x2Scale shape %s must be [1], [%lld] or [1, %lld]",
                      ShapeString(a.x2Scale->viewShape).c_str(), static_cast<long long>(n), static_cast<long long>(n));
    }
    if (kind == V4Kind::kPerBlock) {
        const Shape &x = a.x1->viewShape;
        const Shape want1 = x.size() == 3 ? Shape{x[0], CeilDiv(x[1], kBlock), CeilDiv(k, kBlock)}
                                          : Shape{CeilDiv(x[0], kBlock), CeilDiv(k, kBlock)};
        const Shape want2 =
            transposed ? Shape{CeilDiv(n, kBlock), CeilDiv(k, kBlock)} : Shape{CeilDiv(k, kBlock), CeilDiv(n, kBlock)};
        if (a.x1Scale->viewShape != want1 || a.x2Scale->viewShape != want2) {
            return c.Fail(tiling, "per-block scales %s and %s must be %s and %s",
                          ShapeString(a.x1Scale->viewShape).c_str(), ShapeString(a.x2Scale->viewShape).c_str(),
                          ShapeString(want1).c_str(), ShapeString(want2).c_str());
        }
    }
    if (kind == V4Kind::kMx) {
        if (!transposed) return c.Fail(tiling, "MX quantisation needs a transposed x2");
        const Shape want1 = {m, CeilDiv(k, 64), 2}, want2 = {n, CeilDiv(k, 64), 2};
        if (a.x1Scale->viewShape != want1 || a.x2Scale->viewShape != want2) {
            return c.Fail(tiling, "MX scales %s and %s must be %s and %s", ShapeString(a.x1Scale->viewShape).c_str(),
                          ShapeString(a.x2Scale->viewShape).c_str(), ShapeString(want1).c_str(),
                          ShapeString(want2).c_str());
        }
        if (IsFp4(x1) && CeilDiv(k, 32) % 2 != 0) {
            return c.Fail(tiling, "MXFP4 needs an even ceil(k/32) (k = %lld)", static_cast<long long>(k));
        }
    }
    if (kind == V4Kind::kPerBlock || kind == V4Kind::kMx) {
        // groupSize = K | N << 16 | M << 32; a field of 0 is inferred (seed 004).
        const int64_t g = a.groupSize;
        const int64_t gk = g & 0xFFFF, gn = (g >> 16) & 0xFFFF, gm = (g >> 32) & 0xFFFF;
        const bool fits = g >= 0 && (g >> 48) == 0;
        const bool ok = kind == V4Kind::kPerBlock
                            ? fits && (gm == 0 || gm == 128) && (gn == 0 || gn == 128) && (gk == 0 || gk == 128)
                            : fits && gm <= 1 && gn <= 1 && (gk == 0 || gk == 32);
        if (!ok) {
            return c.Fail(tiling, "groupSize %lld (M %lld, N %lld, K %lld) not supported in this scenario",
                          static_cast<long long>(g), static_cast<long long>(gm), static_cast<long long>(gn),
                          static_cast<long long>(gk));
        }
    }
    if ((a.commQuantScale1 == nullptr) != (a.commQuantScale2 == nullptr)) {
        return c.Fail(tiling, "commQuantScale1 and commQuantScale2 must be both present or both null");
    }
    if (BothCommScales(a)) {
        if (x1 != ACL_INT8) return c.Fail(tiling, "the comm scales are for INT8 inputs only");
        const aclTensor &s1 = *a.commQuantScale1;
        if (!ShapeOneOf(s1, {{n}, {1, n}}) || s1.viewShape != a.commQuantScale2->viewShape) {
            return c.Fail(tiling, "comm scales %s and %s must both be [%lld] or [1, %lld]",
                          ShapeString(s1.viewShape).c_str(), ShapeString(a.commQuantScale2->viewShape).c_str(),
                          static_cast<long long>(n), static_cast<long long>(n));
        }
    }
    if (a.commQuantMode != 0 && a.commQuantMode != 1) {
        return c.Fail(tiling, "commQuantMode %lld not supported; expected 0 or 1",
                      static_cast<long long>(a.commQuantMode));
    }
    const auto fp8 = [](int32_t d) { return d == ACL_FLOAT8_E4M3FN || d == ACL_FLOAT8_E5M2; };
    if (a.commQuantMode == 1 && !(fp8(x1) && fp8(x2))) {
        return c.Fail(tiling, "commQuantMode 1 needs FLOAT8_E4M3FN / FLOAT8_E5M2 inputs");
    }
    return true;
}

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// What the storage guard compares at execution (a weight-NZ x2 is read over its NZ storage,
// checked by CheckNzWeightStorage instead).
std::vector<StorageReach> Reach(const Args &a, bool x2Nz) {
    return TakeStorageReach({{a.x1, "x1"},
                             {x2Nz ? nullptr : a.x2, "x2"},
                             {a.bias, "bias"},
                             {a.x3, "x3"},
                             {a.x1Scale, "x1Scale"},
                             {a.x2Scale, "x2Scale"},
                             {a.commQuantScale1, "commQuantScale1"},
                             {a.commQuantScale2, "commQuantScale2"},
                             {a.output, "output"}});
}

// The int8 scenarios: QuantMatmulAllReduce's plan (x2Scale ≙ dequantScale, x1Scale ≙ pertoken).
aclnnStatus PrepareInt8(Checker &c, const char *api, const Args &a, bool x2Nz, const NzPlan &x2Layout,
                        std::shared_ptr<hccl::Communicator> comm, Platform platform, int64_t m, int64_t k, int64_t n) {
    QuantMatmulAllReducePlan p;
    p.api = api;
    p.outType = static_cast<aclDataType>(a.output->dataType);
    p.scaleType = static_cast<aclDataType>(a.x2Scale->dataType);
    p.m = m;
    p.k = k;
    p.n = n;
    p.x1 = Describe(*a.x1);
    p.x2 = Describe(*a.x2);
    p.x2Nz = x2Nz;
    p.x2Layout = x2Layout;
    if (p.x2Nz) p.x2.spanBytes = static_cast<uint64_t>(x2Layout.Elements());
    p.output = Describe(*a.output);
    p.dequantScale = Describe(*a.x2Scale);
    p.scaleCount = a.x2Scale->viewShape.back() == n ? n : 1;
    p.hasBias = a.bias != nullptr;
    p.hasX3 = a.x3 != nullptr;
    p.hasPertoken = a.x1Scale != nullptr;
    if (p.hasBias) p.bias = Describe(*a.bias);
    if (p.hasX3) p.x3 = Describe(*a.x3);
    if (p.hasPertoken) p.pertokenScale = Describe(*a.x1Scale);
    p.hasCommScales = BothCommScales(a);
    if (p.hasCommScales) {
        p.commScale1 = Describe(*a.commQuantScale1);
        p.commScale2 = Describe(*a.commQuantScale2);
    }
    if (!CheckDeviceMemory(c, p.x1, "x1") || !CheckDeviceMemory(c, p.x2, "x2") ||
        !CheckDeviceMemory(c, p.output, "output") || !CheckDeviceMemory(c, p.dequantScale, "x2Scale") ||
        (p.hasBias && !CheckDeviceMemory(c, p.bias, "bias")) || (p.hasX3 && !CheckDeviceMemory(c, p.x3, "x3")) ||
        (p.hasPertoken && !CheckDeviceMemory(c, p.pertokenScale, "x1Scale")) ||
        (p.hasCommScales && (!CheckDeviceMemory(c, p.commScale1, "commQuantScale1") ||
                             !CheckDeviceMemory(c, p.commScale2, "commQuantScale2")))) {
        return c.status();
    }
    p.comm = std::move(comm);
    const int64_t pieces = a.commTurn == 0 ? 1 : std::min(a.commTurn, p.m);
    p.commTurn = a.commTurn;
    p.rowsPerPiece = (p.m + pieces - 1) / pieces;
    const uint64_t stageBytes = static_cast<uint64_t>(p.m) * static_cast<uint64_t>(p.n) * 2;
    p.accOffset = AlignUp(stageBytes, kWorkspaceAlign);
    p.commOffset = AlignUp(p.accOffset + static_cast<uint64_t>(p.n) * 4, kWorkspaceAlign);
    p.workspaceBytes = p.accOffset + static_cast<uint64_t>(p.n) * 4;
    if (p.hasCommScales) {
        const int64_t world = static_cast<int64_t>(p.comm->Size());
        p.commPadRows = (p.rowsPerPiece + world - 1) / world * world;
        p.workspaceBytes = p.commOffset + 3 * static_cast<uint64_t>(p.commPadRows) * static_cast<uint64_t>(p.n);
        if (platform == Platform::kAscend950) {  // ReduceScatter + AllGather (ops.md §4.2)
            p.commPiece = &CommInt8ReduceScatterPiece;
            p.workspaceBytes = p.commOffset + CommInt8ReduceScatterBytes(p.commPadRows, p.n, world);
        }
    }
    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    std::shared_ptr<hccl::Communicator> guardComm = p.comm;
    executor->run = GuardStorage(MakeQuantMatmulAllReduceRun(std::move(p)), api, std::move(guardComm), Reach(a, x2Nz));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace

aclnnStatus QuantMatmulAllReduceV4Prepare(const char *api, const QuantMatmulAllReduceV4Args &a) {
    Checker c(api);
    Platform platform = Platform::kAtlasA2;
    std::string error;
    if (!CheckNulls(c, a)) return c.status();
    if (!CurrentPlatform(&platform, &error)) {
        c.Fail(ACLNN_ERR_INNER, "%s", error.c_str());
        return c.status();
    }
    if (!CheckDtypes(c, a, platform) || !CheckAttributes(c, a) || !CheckShapes(c, a) || !CheckLayouts(c, a) ||
        !c.NotNull(a.group, "group")) {
        return c.status();
    }
    const bool x2Nz = IsWeightNz(*a.x2);
    NzPlan x2Layout;
    if (x2Nz && !CheckNzWeight(c, a, &x2Layout)) return c.status();
    std::shared_ptr<hccl::Communicator> comm = ResolveGroup(c, a.group);
    if (comm == nullptr) return c.status();
    const int64_t m = Rows(*a.x1), k = a.x1->viewShape.back(), n = a.x2->viewShape[1];
    const V4Kind kind = Classify(a);
    if (!CheckTiling(c, *comm, a, kind, m, k, n)) return c.status();
    if (kind == V4Kind::kInt8) return PrepareInt8(c, api, a, x2Nz, x2Layout, std::move(comm), platform, m, k, n);

    QuantMatmulAllReduceV4Plan p;
    p.api = api;
    p.kind = kind;
    p.outType = static_cast<aclDataType>(a.output->dataType);
    p.m = m;
    p.k = k;
    p.n = n;
    p.rowsPerBatch = a.x1->viewShape.size() == 3 ? a.x1->viewShape[1] : m;
    p.x2Transposed = IsTransposeLastTwoDims(*a.x2);
    p.x1 = Describe(*a.x1);
    p.x2 = Describe(*a.x2);
    p.output = Describe(*a.output);
    p.x2Scale = Describe(*a.x2Scale);
    p.scaleCount = a.x2Scale->viewShape.back() == n && kind != V4Kind::kPerBlock && kind != V4Kind::kMx ? n : 1;
    p.hasBias = a.bias != nullptr;
    p.hasX3 = a.x3 != nullptr;
    p.hasX1Scale = a.x1Scale != nullptr;
    if (p.hasBias) p.bias = Describe(*a.bias);
    if (p.hasX3) p.x3 = Describe(*a.x3);
    if (p.hasX1Scale) p.x1Scale = Describe(*a.x1Scale);
    if (!CheckDeviceMemory(c, p.x1, "x1") || !CheckDeviceMemory(c, p.x2, "x2") ||
        !CheckDeviceMemory(c, p.output, "output") || !CheckDeviceMemory(c, p.x2Scale, "x2Scale") ||
        (p.hasBias && !CheckDeviceMemory(c, p.bias, "bias")) || (p.hasX3 && !CheckDeviceMemory(c, p.x3, "x3")) ||
        (p.hasX1Scale && !CheckDeviceMemory(c, p.x1Scale, "x1Scale"))) {
        return c.status();
    }
    p.comm = std::move(comm);
    const int64_t pieces = a.commTurn == 0 ? 1 : std::min(a.commTurn, p.m);
    p.commTurn = a.commTurn;
    p.rowsPerPiece = (p.m + pieces - 1) / pieces;
    p.commQuantMode = a.commQuantMode;
    const uint64_t width = p.outType == ACL_FLOAT || p.commQuantMode == 1 ? 4 : 2;
    p.workspaceBytes = AlignUp(static_cast<uint64_t>(p.m) * static_cast<uint64_t>(p.n) * width, kWorkspaceAlign);
    if (p.commQuantMode == 1) {  // the pertile exchange's packed buffers (ops.md §4.3)
        const int64_t world = static_cast<int64_t>(p.comm->Size());
        p.commPadRows = (p.rowsPerPiece + world - 1) / world * world;
        p.commOffset = p.workspaceBytes;
        p.workspaceBytes += PertileBufferBytes(p.commPadRows, p.n);
    }

    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    std::shared_ptr<hccl::Communicator> guardComm = p.comm;
    executor->run =
        GuardStorage(MakeQuantMatmulAllReduceV4Run(std::move(p)), api, std::move(guardComm), Reach(a, x2Nz));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
