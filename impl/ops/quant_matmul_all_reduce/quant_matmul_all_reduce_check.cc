// impl/ops/quant_matmul_all_reduce/quant_matmul_all_reduce_check.cc — GetWorkspaceSize of
// aclnnQuantMatmulAllReduce / V2 / V3: the documented argument checks in the vendor's order,
// the tiling-layer limits, and the execution plan (decisions in quant_matmul_all_reduce.h).
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

namespace mc2::impl::ops {
namespace {

using Args = QuantMatmulAllReduceArgs;

constexpr int64_t kUint16Max = 65535;
constexpr uint64_t kWorkspaceAlign = 64;

bool BothCommScales(const Args &a) { return a.commQuantScale1 != nullptr && a.commQuantScale2 != nullptr; }

// Step 1 (ops.md §2.3 step 1): x1, x2, output, then dequantScale; reduceOp (the vendor
// dereferences it) and the out-pointers; then live handles.
bool CheckNulls(Checker &c, const Args &a) {
    c.NotNull(a.x1, "x1") && c.NotNull(a.x2, "x2") && c.NotNull(a.output, "output") &&
        c.NotNull(a.dequantScale, "dequantScale") && (kVendorFaithful || c.NotNull(a.reduceOp, "reduceOp")) &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    c.Live(a.x1, "x1") && c.Live(a.x2, "x2") && c.Live(a.bias, "bias") && c.Live(a.x3, "x3") &&
        c.Live(a.dequantScale, "dequantScale") && c.Live(a.pertokenScale, "pertokenScale") &&
        c.Live(a.commQuantScale1, "commQuantScale1") && c.Live(a.commQuantScale2, "commQuantScale2") &&
        c.Live(a.output, "output");
    return c.ok();
}

// Step 2 (ops.md §2.3 step 2, §2.4), in the vendor's order.
bool CheckDtypes(Checker &c, const Args &a) {
    const auto outList = {ACL_FLOAT16, ACL_BF16};
    c.DtypeIn(*a.x1, "x1", {ACL_INT8}) && c.DtypeIn(*a.x2, "x2", {ACL_INT8}) &&
        c.DtypeIn(*a.dequantScale, "dequantScale", {ACL_UINT64, ACL_INT64, ACL_BF16, ACL_FLOAT}) &&
        c.DtypeIn(*a.output, "output", outList);
    if (!c.ok()) return false;
    if (a.bias != nullptr && !c.DtypeIn(*a.bias, "bias", {ACL_INT32})) return false;
    if (a.x3 != nullptr && !(c.DtypeIn(*a.x3, "x3", outList) && c.SameDtype(*a.output, "output", *a.x3, "x3"))) {
        return false;
    }
    const int32_t out = a.output->dataType, scale = a.dequantScale->dataType;
    if ((out == ACL_BF16 || scale == ACL_BF16) && scale != out) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "dequantScale dtype %s must equal output dtype %s when either is BFLOAT16",
                      DataTypeName(scale).c_str(), DataTypeName(out).c_str());
    }
    if (a.pertokenScale != nullptr) {
        if (!c.DtypeIn(*a.pertokenScale, "pertokenScale", {ACL_FLOAT})) return false;
        if (out == ACL_FLOAT16 && scale != a.pertokenScale->dataType) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID,
                          "with a FLOAT16 output and a pertokenScale, dequantScale must be FLOAT (got %s)",
                          DataTypeName(scale).c_str());
        }
    }
    if (BothCommScales(a)) {
        const std::pair<const aclTensor *, const char *> scales[] = {{a.commQuantScale1, "commQuantScale1"},
                                                                     {a.commQuantScale2, "commQuantScale2"}};
        for (const auto &[t, name] : scales) {
            if (!c.DtypeIn(*t, name, outList) || !c.SameDtype(*a.output, "output", *t, name)) return false;
        }
    }
    return true;
}

// Step 3: attributes; reduceOp compared exactly (strcmp), as V1-V3's op_api does.
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
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "streamMode %lld not supported; expected 1 (ACL_STOP_ON_FAILURE)",
                      static_cast<long long>(a.streamMode));
    }
    if (a.commTurn < 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "commTurn %lld is negative; expected 0 or a number of communication pieces",
                      static_cast<long long>(a.commTurn));
    }
    return true;
}

bool IsVector(const aclTensor &t, int64_t len) { return t.viewShape == std::vector<int64_t>{len}; }
bool IsRowVector(const aclTensor &t, int64_t len) { return t.viewShape == std::vector<int64_t>{1, len}; }

// Step 4: shapes on view shapes (ops.md §2.3 step 4, §2.4). A weight-NZ x2 (format FRACTAL_NZ,
// 4-D storage) ends the op_api's shape checks after x1's rank (ops.md §1.4, §8.3; V3 is taken to
// do the same): CheckNzWeight repeats the rest in tiling, with `full`.
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
    if (!c.ShapeIs(*a.output, "output", outShape, "x1's shape with the last dim replaced by n")) return false;
    if (a.bias != nullptr && !c.ShapeIs(*a.bias, "bias", {n}, "bias is 1-D [n]")) return false;
    if (a.x3 != nullptr && !c.ShapeIs(*a.x3, "x3", outShape, "x3 must have output's shape")) return false;
    const aclTensor &s = *a.dequantScale;
    if (!IsVector(s, 1) && !IsVector(s, n) && !IsRowVector(s, n)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "dequantScale shape %s must be [1], [%lld] or [1, %lld]",
                      ShapeString(s.viewShape).c_str(), static_cast<long long>(n), static_cast<long long>(n));
    }
    if (a.pertokenScale != nullptr) {
        int64_t m = 1;
        for (size_t d = 0; d + 1 < a.x1->viewShape.size(); ++d) {
            const int64_t dim = a.x1->viewShape[d];
            m = (dim != 0 && m > INT64_MAX / dim) ? INT64_MAX : m * dim;
        }
        if (!c.ShapeIs(*a.pertokenScale, "pertokenScale", {m}, "pertokenScale is 1-D [m]")) return false;
    }
    if ((a.commQuantScale1 == nullptr) != (a.commQuantScale2 == nullptr)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "commQuantScale1 and commQuantScale2 must be both present or both null");
    }
    if (BothCommScales(a)) {
        const size_t r1 = a.commQuantScale1->viewShape.size(), r2 = a.commQuantScale2->viewShape.size();
        if (r1 < 1 || r1 > 2 || r2 < 1 || r2 > 2 || r1 != r2) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "comm scales must both be 1-D or both 2-D; got %s and %s",
                          ShapeString(a.commQuantScale1->viewShape).c_str(),
                          ShapeString(a.commQuantScale2->viewShape).c_str());
        }
        // As the vendor's op_api (ops.md §8.3): the sizes compared with n are read from
        // commQuantScale2 only; commQuantScale1's element count is a tiling check below.
        const aclTensor &s2 = *a.commQuantScale2;
        if (!(r2 == 1 ? IsVector(s2, n) : IsRowVector(s2, n))) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "commQuantScale2 shape %s must be [%lld] or [1, %lld]",
                          ShapeString(s2.viewShape).c_str(), static_cast<long long>(n), static_cast<long long>(n));
        }
    }
    return true;
}

// Layout (this suite's hardening): x1 contiguous, x2 plain or transposed, the output without
// aliasing elements, every view inside its storage.
bool CheckLayouts(Checker &c, const Args &a) {
    const NamedTensor all[] = {{a.x1, "x1"},
                               {a.x2, "x2"},
                               {a.bias, "bias"},
                               {a.x3, "x3"},
                               {a.dequantScale, "dequantScale"},
                               {a.pertokenScale, "pertokenScale"},
                               {a.commQuantScale1, "commQuantScale1"},
                               {a.commQuantScale2, "commQuantScale2"},
                               {a.output, "output"}};
    const NamedTensor x1[] = {{a.x1, "x1"}}, outputs[] = {{a.output, "output"}};
    return CheckMatmulLayouts(c, {.all = all, .dense = x1, .x2 = a.x2, .outputs = outputs});
}

// A weight-NZ x2 (ops.md §1.5 rows 13-16, INT8), refused with 561002 where the op_api let it
// through: the shape checks the op_api skipped, then exactly the NZ storage of its (k, n) view.
bool CheckNzWeight(Checker &c, const Args &a, NzPlan *plan) {
    if (!CheckShapes(c, a, /*full=*/true)) {
        c.Reclassify(ACLNN_ERR_INNER_TILING_ERROR);
        return false;
    }
    return CheckNzWeightStorage(c, *a.x2, "x2", plan);
}

// The tiling-layer limits (ops.md §2.3 "Tiling"), refused with 561002.
bool CheckTilingLimits(Checker &c, const hccl::Communicator &comm, const Args &a, int64_t m, int64_t k, int64_t n) {
    if (!CheckWorldSize(c, comm, MatmulAllReduceWorldSizes)) return false;
    const auto tiling = ACLNN_ERR_INNER_TILING_ERROR;
    if (m > INT32_MAX) return c.Fail(tiling, "m = %lld exceeds INT32_MAX", static_cast<long long>(m));
    if (m == 0 || n == 0) {
        return c.Fail(tiling, "empty output (m = %lld, n = %lld) not supported", static_cast<long long>(m),
                      static_cast<long long>(n));
    }
    if (k == 0) return c.Fail(tiling, "k == 0 (empty x1 and x2) not supported");
    if (k > kUint16Max) return c.Fail(tiling, "k = %lld exceeds 65535", static_cast<long long>(k));
    // The vendor means to limit x2's last storage dim: n for a plain x2, k (already limited) for
    // a transposed one.
    if (!IsTransposeLastTwoDims(*a.x2) && n > kUint16Max) {
        return c.Fail(tiling, "x2's last dim (n = %lld) exceeds 65535", static_cast<long long>(n));
    }
    if (a.output->dataType == ACL_FLOAT16 && a.pertokenScale == nullptr && a.dequantScale->dataType == ACL_FLOAT) {
        return c.Fail(tiling, "a FLOAT16 output without pertokenScale needs a UINT64 or INT64 dequantScale");
    }
    if (BothCommScales(a)) {
        int64_t count = 1;
        for (int64_t d : a.commQuantScale1->viewShape) count *= d;
        if (count != n) {
            return c.Fail(tiling, "commQuantScale1 holds %lld elements; expected n = %lld",
                          static_cast<long long>(count), static_cast<long long>(n));
        }
    }
    return true;
}

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

aclnnStatus QuantMatmulAllReducePrepare(const char *api, const QuantMatmulAllReduceArgs &a) {
    Checker c(api);
    if (!CheckNulls(c, a) || !CheckDtypes(c, a) || !CheckAttributes(c, a) || !CheckShapes(c, a) ||
        !CheckLayouts(c, a) || !c.NotNull(a.group, "group")) {
        return c.status();
    }
    const bool x2Nz = IsWeightNz(*a.x2);
    NzPlan x2Layout;
    if (x2Nz && !CheckNzWeight(c, a, &x2Layout)) return c.status();
    std::shared_ptr<hccl::Communicator> comm = ResolveGroup(c, a.group);
    if (comm == nullptr) return UnresolvedGroup(c, api, a.group, a.workspaceSize, a.executor);

    QuantMatmulAllReducePlan p;
    p.api = api;
    p.outType = static_cast<aclDataType>(a.output->dataType);
    p.scaleType = static_cast<aclDataType>(a.dequantScale->dataType);
    p.k = a.x1->viewShape.back();
    p.n = a.x2->viewShape[1];
    p.m = 1;
    for (size_t d = 0; d + 1 < a.x1->viewShape.size(); ++d) {
        const int64_t dim = a.x1->viewShape[d];
        p.m = (dim != 0 && p.m > INT64_MAX / dim) ? INT64_MAX : p.m * dim;
    }
    if (!CheckTilingLimits(c, *comm, a, p.m, p.k, p.n)) return c.status();

    p.x1 = Describe(*a.x1);
    p.x2 = Describe(*a.x2);
    p.x2Nz = x2Nz;
    p.x2Layout = x2Layout;
    // An NZ weight is read over its whole storage, not the view's span.
    if (p.x2Nz) p.x2.spanBytes = static_cast<uint64_t>(x2Layout.Elements());
    p.output = Describe(*a.output);
    p.dequantScale = Describe(*a.dequantScale);
    p.scaleCount = a.dequantScale->viewShape.back() == p.n ? p.n : 1;
    p.hasBias = a.bias != nullptr;
    p.hasX3 = a.x3 != nullptr;
    p.hasPertoken = a.pertokenScale != nullptr;
    if (p.hasBias) p.bias = Describe(*a.bias);
    if (p.hasX3) p.x3 = Describe(*a.x3);
    if (p.hasPertoken) p.pertokenScale = Describe(*a.pertokenScale);
    if (!CheckDeviceMemory(c, p.x1, "x1") || !CheckDeviceMemory(c, p.x2, "x2") ||
        !CheckDeviceMemory(c, p.output, "output") || !CheckDeviceMemory(c, p.dequantScale, "dequantScale") ||
        (p.hasBias && !CheckDeviceMemory(c, p.bias, "bias")) || (p.hasX3 && !CheckDeviceMemory(c, p.x3, "x3")) ||
        (p.hasPertoken && !CheckDeviceMemory(c, p.pertokenScale, "pertokenScale"))) {
        return c.status();
    }
    p.hasCommScales = BothCommScales(a);
    if (p.hasCommScales) {
        p.commScale1 = Describe(*a.commQuantScale1);
        p.commScale2 = Describe(*a.commQuantScale2);
        if (!CheckDeviceMemory(c, p.commScale1, "commQuantScale1") ||
            !CheckDeviceMemory(c, p.commScale2, "commQuantScale2")) {
            return c.status();
        }
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
        // Each piece is padded to a multiple of the world size (ops.md §4.1 step 3).
        const int64_t world = static_cast<int64_t>(p.comm->Size());
        p.commPadRows = (p.rowsPerPiece + world - 1) / world * world;
        p.workspaceBytes = p.commOffset + 3 * static_cast<uint64_t>(p.commPadRows) * static_cast<uint64_t>(p.n);
    }

    if (a.planOut != nullptr) {
        *a.planOut = std::move(p);
        return ACLNN_SUCCESS;
    }
    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    executor->run = MakeQuantMatmulAllReduceRun(std::move(p));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
