// impl/ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce_check.cc —
// GetWorkspaceSize of aclnnWeightQuantMatmulAllReduce: the documented checks in the vendor's
// order, the tiling-layer limits, and the execution plan (decisions in the header).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/gemm.h"
#include "ops/common/checks.h"
#include "ops/common/faults.h"
#include "ops/common/group.h"
#include "ops/common/layout_checks.h"
#include "ops/common/memory_checks.h"
#include "ops/common/platform.h"
#include "ops/common/tiling_checks.h"
#include "ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

constexpr int64_t kMinDefaultPieces = 4;
constexpr double kPieceFlops = 4e9;
constexpr int64_t kMaxChunkRows = 256;
constexpr uint64_t kWorkspaceAlign = 64;
constexpr int64_t kMaxKN = 65535;  // the documents' k, n limit (tiling)

using Args = WeightQuantMatmulAllReduceArgs;

// k as the op_api reads it: x1's last view dim (-1 for a 0-D x1, which the rank check refuses).
int64_t KOf(const Args &a) { return a.x1->viewShape.empty() ? -1 : a.x1->viewShape.back(); }

// Step 1 (ops.md §2.2 step 1): null pointers, then live handles.
bool CheckNulls(Checker &c, const Args &a) {
    c.NotNull(a.x1, "x1") && c.NotNull(a.x2, "x2") && c.NotNull(a.antiquantScale, "antiquantScale") &&
        c.NotNull(a.output, "output") && (kVendorFaithful || c.NotNull(a.reduceOp, "reduceOp")) &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    c.Live(a.x1, "x1") && c.Live(a.x2, "x2") && c.Live(a.bias, "bias") && c.Live(a.antiquantScale, "antiquantScale") &&
        c.Live(a.antiquantOffset, "antiquantOffset") && c.Live(a.x3, "x3") && c.Live(a.output, "output");
    return c.ok();
}

// Step 2 (ops.md §2.2 step 2, in the vendor's order).
bool CheckDtypes(Checker &c, const Args &a) {
    const auto half = {ACL_FLOAT16, ACL_BF16};
    if (!c.DtypeIn(*a.x1, "x1", half)) return false;
    const int32_t w = a.x2->dataType;
    if (w == ACL_FLOAT8_E4M3FN || w == ACL_FLOAT8_E5M2 || w == ACL_HIFLOAT8) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "x2 dtype %s: 8-bit float weights are not supported by this implementation; expected INT8 or "
                      "INT4",
                      DataTypeName(w).c_str());
    }
    c.DtypeIn(*a.x2, "x2", {ACL_INT8, ACL_INT4}) && c.DtypeIn(*a.antiquantScale, "antiquantScale", half) &&
        c.DtypeIn(*a.output, "output", half) && c.SameDtype(*a.x1, "x1", *a.antiquantScale, "antiquantScale") &&
        c.SameDtype(*a.x1, "x1", *a.output, "output");
    if (a.bias != nullptr) c.SameDtype(*a.x1, "x1", *a.bias, "bias");
    if (a.antiquantOffset != nullptr) {
        c.DtypeIn(*a.antiquantOffset, "antiquantOffset", half) &&
            c.SameDtype(*a.antiquantScale, "antiquantScale", *a.antiquantOffset, "antiquantOffset");
    }
    if (a.x3 != nullptr) c.DtypeIn(*a.x3, "x3", half) && c.SameDtype(*a.x1, "x1", *a.x3, "x3");
    return c.ok();
}

// Step 3: attributes. The group size is not checked when k == 0 (ops.md §8.3).
bool CheckAttributes(Checker &c, const Args &a) {
    if (kVendorFaithful && a.reduceOp == nullptr) {
        // The vendor's strcmp would dereference it (undefined behaviour); the vendor-faithful
        // variant (faults.h) refuses it as "not sum" instead of crashing the suite's own run.
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "reduceOp is null; expected \"sum\"");
    }
    if (std::strcmp(a.reduceOp, "sum") != 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "reduceOp \"%.64s\" not supported; expected \"sum\"", a.reduceOp);
    }
    if (a.streamMode != 1) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "streamMode %lld not supported; expected 1",
                      static_cast<long long>(a.streamMode));
    }
    if (a.commTurn < 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "commTurn %lld is negative", static_cast<long long>(a.commTurn));
    }
    const int64_t k = KOf(a), g = a.antiquantGroupSize;
    if (k != 0 && g != 0 && (g % 32 != 0 || g < 32 || g > std::min<int64_t>(k - 1, INT32_MAX))) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "antiquantGroupSize %lld invalid for k = %lld: expected 0 or a multiple of 32 in [32, k - 1]",
                      static_cast<long long>(g), static_cast<long long>(k));
    }
    return true;
}

bool IsTransposedDense(const aclTensor &t) {
    if (t.viewShape.size() != 2 || t.strides.size() != 2) return false;
    aclTensor swapped = t;
    std::swap(swapped.viewShape[0], swapped.viewShape[1]);
    std::swap(swapped.strides[0], swapped.strides[1]);
    return IsContiguous(swapped);
}

// The scale (or offset) shape for k != 0 (ops.md §2.2 step 4).
bool ScaleShapeOk(const std::vector<int64_t> &s, int64_t k, int64_t n, int64_t g) {
    if (g > 0) return s == std::vector<int64_t>{(k - 1) / g + 1, n};
    return s == std::vector<int64_t>{1} || s == std::vector<int64_t>{n} || s == std::vector<int64_t>{1, n};
}

// Step 4: shapes on view shapes; the op_api stops before the scale checks when k == 0, and
// right after x1's rank for a weight-NZ x2 (ops.md §1.4, §8.3: CheckNzWeight repeats the rest
// in tiling) unless `full`.
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
    std::vector<int64_t> outShape = a.x1->viewShape;
    outShape.back() = n;
    if (!c.ShapeIs(*a.output, "output", outShape, "x1's shape with the last dim replaced by x2's n")) return false;
    if (a.bias != nullptr && !c.ShapeIs(*a.bias, "bias", {n}, "bias is 1-D [n]")) return false;
    if (a.x3 != nullptr && !c.ShapeIs(*a.x3, "x3", outShape, "x3 must have output's shape")) return false;
    if (k == 0) return true;
    if (!c.RankIn(*a.antiquantScale, "antiquantScale", 1, 2)) return false;
    if (!ScaleShapeOk(a.antiquantScale->viewShape, k, n, a.antiquantGroupSize)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "antiquantScale shape %s does not fit k = %lld, n = %lld, antiquantGroupSize = %lld: expected "
                      "(1), (n) or (1, n) per tensor / channel, (ceil(k / G), n) per group",
                      ShapeString(a.antiquantScale->viewShape).c_str(), static_cast<long long>(k),
                      static_cast<long long>(n), static_cast<long long>(a.antiquantGroupSize));
    }
    if (a.antiquantOffset != nullptr &&
        !c.ShapeIs(*a.antiquantOffset, "antiquantOffset", a.antiquantScale->viewShape, "offset has scale's shape")) {
        return false;
    }
    // The newer op_api (ops.md §2.2 step 5, §8.1): a 2-D scale/offset with both dims != 1 is
    // transposed exactly when x2 is.
    // The older op_api (H, the documented one) does not check it: the vendor-faithful variant
    // (faults.h) computes such a case as H does.
    if (kVendorFaithful) return true;
    const bool x2T = IsTransposeLastTwoDims(*a.x2);
    for (const auto &[t, name] : {std::pair{a.antiquantScale, "antiquantScale"}, {a.antiquantOffset, "antiquantOffset"}}) {
        if (t == nullptr || t->viewShape.size() != 2 || t->viewShape[0] <= 1 || t->viewShape[1] <= 1) continue;
        if (x2T == IsContiguous(*t)) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s must be %s like x2 (strides %s, x2 strides %s)", name,
                          x2T ? "transposed" : "contiguous", ShapeString(t->strides).c_str(),
                          ShapeString(a.x2->strides).c_str());
        }
    }
    return true;
}

// Layout hardening (the documents describe no other layouts; the vendor does not check).
bool CheckLayouts(Checker &c, const Args &a) {
    const NamedTensor all[] = {{a.x1, "x1"}, {a.x2, "x2"}, {a.bias, "bias"}, {a.antiquantScale, "antiquantScale"},
                               {a.antiquantOffset, "antiquantOffset"}, {a.x3, "x3"}, {a.output, "output"}};
    const NamedTensor x1[] = {{a.x1, "x1"}}, outputs[] = {{a.output, "output"}};
    // The scales may be transposed matrices too (a transposed x2's per-group scale).
    auto scales = [&] {
        const NamedTensor scaleTensors[] = {{a.antiquantScale, "antiquantScale"}, {a.antiquantOffset, "antiquantOffset"}};
        for (const auto &[t, name] : scaleTensors) {
            if (t != nullptr && !IsContiguous(*t) && !IsTransposedDense(*t)) {
                return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s must be contiguous or a transposed matrix; got strides %s",
                              name, ShapeString(t->strides).c_str());
            }
        }
        return true;
    };
    return CheckMatmulLayouts(c, {.all = all,
                                  .dense = x1,
                                  .x2 = a.x2,
                                  .outputs = outputs,
                                  .x2Transposed = IsTransposedDense,
                                  .messagesNameShape = false,
                                  .extra = scales});
}

// A weight-NZ x2, refused with 561002 where the op_api let it through (ops.md §1.5 rows 11-16,
// §2.2 tiling): INT8 only (no INT4 + NZ combination is registered), the shape checks the op_api
// skipped, exactly the NZ storage of its (k, n) view, and per-channel antiquant only (one scale
// element means per tensor, a group size per group). Fills `plan`.
bool CheckNzWeight(Checker &c, const Args &a, NzPlan *plan) {
    const auto tiling = ACLNN_ERR_INNER_TILING_ERROR;
    if (a.x2->dataType != ACL_INT8) {
        return c.Fail(tiling, "x2 dtype %s has no FRACTAL_NZ form here (INT8 only)",
                      DataTypeName(a.x2->dataType).c_str());
    }
    if (!CheckShapes(c, a, /*full=*/true)) {
        c.Reclassify(tiling);
        return false;
    }
    if (!CheckNzWeightStorage(c, *a.x2, "x2", plan)) return false;
    int64_t scaleCount = 1;
    for (int64_t d : a.antiquantScale->viewShape) scaleCount *= d;
    if (a.antiquantGroupSize > 0 || scaleCount == 1) {
        return c.Fail(tiling, "a FRACTAL_NZ x2 supports per-channel antiquant only (antiquantGroupSize %lld, %lld scale "
                      "elements)", static_cast<long long>(a.antiquantGroupSize), static_cast<long long>(scaleCount));
    }
    return true;
}

// The tiling-layer limits (ops.md §2.2 "Tiling checks"), refused with 561002.
bool CheckTilingLimits(Checker &c, const hccl::Communicator &comm, const Args &a, int64_t m, int64_t k, int64_t n) {
    if (!CheckWorldSize(c, comm, MatmulAllReduceWorldSizes)) return false;
    if (m > INT32_MAX || k > kMaxKN || n > kMaxKN) {
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "m = %lld, k = %lld, n = %lld: m <= INT32_MAX, k and n <= 65535",
                      static_cast<long long>(m), static_cast<long long>(k), static_cast<long long>(n));
    }
    if (a.x2->dataType == ACL_INT4) {
        const int64_t inner = IsTransposeLastTwoDims(*a.x2) ? k : n;
        if (inner % 2 != 0) {
            return c.Fail(ACLNN_ERR_INNER_TILING_ERROR,
                          "INT4 x2: its contiguous dim (%lld) must be even (two values per byte)",
                          static_cast<long long>(inner));
        }
    }
    if (k == 0 && a.antiquantGroupSize > 0) {
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "per-group antiquant (antiquantGroupSize %lld) needs k >= 33",
                      static_cast<long long>(a.antiquantGroupSize));
    }
    return true;
}

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

aclnnStatus WeightQuantMatmulAllReducePrepare(const char *api, const Args &a) {
    Checker c(api);
    if (!CheckNulls(c, a) || !CheckDtypes(c, a) || !CheckAttributes(c, a) || !CheckShapes(c, a) ||
        !CheckLayouts(c, a) || !c.NotNull(a.group, "group")) {
        return c.status();
    }
    WeightQuantMatmulAllReducePlan p;
    p.x2Nz = IsWeightNz(*a.x2);
    if (p.x2Nz && !CheckNzWeight(c, a, &p.x2Layout)) return c.status();
    p.k = a.x1->viewShape.back();
    p.n = a.x2->viewShape[1];
    p.m = 1;
    for (size_t d = 0; d + 1 < a.x1->viewShape.size(); ++d) {
        const int64_t dim = a.x1->viewShape[d];
        p.m = (dim != 0 && p.m > INT64_MAX / dim) ? INT64_MAX : p.m * dim;
    }
    // The newer op_api's answer to an empty output (the older one refuses it in tiling).
    if (p.m == 0 || p.n == 0) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "empty output (m = %lld, n = %lld) not supported", static_cast<long long>(p.m),
               static_cast<long long>(p.n));
        return c.status();
    }
    std::shared_ptr<hccl::Communicator> comm = ResolveGroup(c, a.group);
    if (comm == nullptr) return UnresolvedGroup(c, api, a.group, a.workspaceSize, a.executor);
    if (!CheckTilingLimits(c, *comm, a, p.m, p.k, p.n)) return c.status();

    p.api = api;
    p.dataType = static_cast<aclDataType>(a.x1->dataType);
    p.weightType = static_cast<aclDataType>(a.x2->dataType);
    p.x1 = Describe(*a.x1);
    p.x2 = Describe(*a.x2);
    // An NZ weight is read over its whole storage, not the view's span.
    if (p.x2Nz) p.x2.spanBytes = static_cast<uint64_t>(p.x2Layout.Elements());
    p.scale = Describe(*a.antiquantScale);
    p.output = Describe(*a.output);
    p.hasOffset = a.antiquantOffset != nullptr;
    p.hasBias = a.bias != nullptr;
    p.hasX3 = a.x3 != nullptr;
    if (p.hasOffset) p.offset = Describe(*a.antiquantOffset);
    if (p.hasBias) p.bias = Describe(*a.bias);
    if (p.hasX3) p.x3 = Describe(*a.x3);
    p.groupSize = a.antiquantGroupSize > 0 ? a.antiquantGroupSize : 0;
    if (!CheckDeviceMemory(c, p.x1, "x1") || !CheckDeviceMemory(c, p.x2, "x2") ||
        !CheckDeviceMemory(c, p.scale, "antiquantScale") || !CheckDeviceMemory(c, p.output, "output") ||
        (p.hasOffset && !CheckDeviceMemory(c, p.offset, "antiquantOffset")) ||
        (p.hasBias && !CheckDeviceMemory(c, p.bias, "bias")) || (p.hasX3 && !CheckDeviceMemory(c, p.x3, "x3"))) {
        return c.status();
    }

    int64_t pieces = a.commTurn;
    if (pieces == 0) {
        const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.k) * static_cast<double>(p.n);
        pieces = std::max<int64_t>(kMinDefaultPieces, static_cast<int64_t>(std::ceil(flops / kPieceFlops)));
    }
    pieces = std::min(pieces, p.m);
    p.commTurn = a.commTurn;
    p.rowsPerPiece = (p.m + pieces - 1) / pieces;
    p.chunkRows = std::min(p.rowsPerPiece, kMaxChunkRows);
    const uint64_t stageBytes = static_cast<uint64_t>(p.m) * static_cast<uint64_t>(p.n) * 2;
    p.accOffset = AlignUp(stageBytes, kWorkspaceAlign);
    p.weightOffset = AlignUp(p.accOffset + static_cast<uint64_t>(p.chunkRows) * static_cast<uint64_t>(p.n) * 4,
                             kWorkspaceAlign);
    p.packedBOffset =
        AlignUp(p.weightOffset + static_cast<uint64_t>(p.k) * static_cast<uint64_t>(p.n) * 4, kWorkspaceAlign);
    p.workspaceBytes = p.packedBOffset + kernels::GemmPackedBFloats(p.k, p.n) * 4;
    p.comm = std::move(comm);

    if (a.planOut != nullptr) {
        *a.planOut = std::move(p);
        return ACLNN_SUCCESS;
    }
    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    executor->run = MakeWeightQuantMatmulAllReduceRun(std::move(p));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
