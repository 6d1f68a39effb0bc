// impl/ops/matmul_all_reduce/matmul_all_reduce_check.cc — GetWorkspaceSize of
// aclnnMatmulAllReduce / V2: the documented argument checks in the vendor's order, the
// tiling-layer limits, and the execution plan (see matmul_all_reduce.h for the decisions).
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
#include "ops/matmul_all_reduce/matmul_all_reduce.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

// commTurn == 0: at least 4 pieces (so communication overlaps compute), more for large
// problems so that one piece stays around kPieceFlops: short pieces keep the ranks in step and
// bound how long a rank waits in a collective for a slower peer.
constexpr int64_t kMinDefaultPieces = 4;
constexpr double kPieceFlops = 4e9;
constexpr int64_t kMaxChunkRows = 256;  // rows of the fp32 accumulator per GEMM call
constexpr uint64_t kWorkspaceAlign = 64;

// Step 1 (ops.md §2.1 step 1, §8.3): null pointers, then live handles. A null group is not
// among them: the vendor's op_api never looks at group, its generated inner layer refuses it
// after every op_api check (CheckInnerNulls).
bool CheckNulls(Checker &c, const MatmulAllReduceArgs &a) {
    // The vendor-faithful variant leaves a null reduceOp to the attribute check (faults.h).
    c.NotNull(a.x1, "x1") && c.NotNull(a.x2, "x2") && c.NotNull(a.output, "output") &&
        (kVendorFaithful || c.NotNull(a.reduceOp, "reduceOp")) &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    // Reading a destroyed descriptor would be a use after free: refuse it before any field.
    c.Live(a.x1, "x1") && c.Live(a.x2, "x2") && c.Live(a.bias, "bias") && c.Live(a.x3, "x3") &&
        c.Live(a.output, "output");
    return c.ok();
}

// Step 2 (ops.md §2.1 step 2, in the vendor's order).
bool CheckDtypes(Checker &c, const MatmulAllReduceArgs &a) {
    const auto list = {ACL_FLOAT16, ACL_BF16};
    c.DtypeIn(*a.x1, "x1", list) && c.DtypeIn(*a.x2, "x2", list) && c.DtypeIn(*a.output, "output", list);
    if (a.bias != nullptr) c.DtypeIn(*a.bias, "bias", list);
    if (a.x3 != nullptr) c.DtypeIn(*a.x3, "x3", list) && c.SameDtype(*a.x1, "x1", *a.x3, "x3");
    c.SameDtype(*a.x1, "x1", *a.x2, "x2") && c.SameDtype(*a.x1, "x1", *a.output, "output");
    if (a.bias != nullptr) c.SameDtype(*a.x1, "x1", *a.bias, "bias");
    return c.ok();
}

// Step 3: attributes. reduceOp is compared exactly, as V1/V2's op_api does (strcmp).
bool CheckAttributes(Checker &c, const MatmulAllReduceArgs &a) {
    if (kVendorFaithful && a.reduceOp == nullptr) {
        // The vendor's strcmp would dereference it (undefined behaviour); this variant refuses
        // it as "not sum" instead of crashing the suite's own test run.
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "reduceOp is null; expected \"sum\"");
    }
    if (kFault != Fault::kSkipReduceOpCheck && std::strcmp(a.reduceOp, "sum") != 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "reduceOp \"%.64s\" not supported; expected \"sum\"", a.reduceOp);
    }
    if (a.streamMode != 1) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "streamMode %lld not supported; expected 1 (ACL_STOP_ON_FAILURE)",
                      static_cast<long long>(a.streamMode));
    }
    if (a.commTurn < 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "commTurn %lld is negative; expected 0 (automatic) or a number of communication pieces",
                      static_cast<long long>(a.commTurn));
    }
    return true;
}

// Step 4: formats, as the vendor's op_api checks them (ops.md §1.4, §2.1 step 4): only a
// weight-NZ x2 is refused. Any other format label (NCHW, NC, FRACTAL_NZ without a 4-D storage,
// on any tensor) is not checked there, and every tensor is read and written as ND.
bool CheckFormats(Checker &c, const MatmulAllReduceArgs &a, const char *api) {
    if (IsWeightNz(*a.x2)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID,
                      "x2 is a FRACTAL_NZ weight (4-D storage shape %s); %s supports only ND x2",
                      ShapeString(a.x2->storageShape).c_str(), api);
    }
    return true;
}

// Step 5: shapes, on view shapes (ops.md §1.3, §2.1 step 5).
bool CheckShapes(Checker &c, const MatmulAllReduceArgs &a) {
    if (!c.RankIn(*a.x2, "x2", 2, 2) || !c.RankIn(*a.x1, "x1", 2, 3)) return false;
    const int64_t k = a.x1->viewShape.back();
    if (k != a.x2->viewShape[0]) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 last dim (k = %lld) must equal x2 dim 0 (%lld); x1 %s, x2 %s",
                      static_cast<long long>(k), static_cast<long long>(a.x2->viewShape[0]),
                      ShapeString(a.x1->viewShape).c_str(), ShapeString(a.x2->viewShape).c_str());
    }
    const int64_t n = a.x2->viewShape[1];
    std::vector<int64_t> outShape = a.x1->viewShape;
    outShape.back() = n;
    if (!c.ShapeIs(*a.output, "output", outShape, "x1's shape with the last dim replaced by x2's n")) return false;
    if (a.x3 != nullptr && !c.ShapeIs(*a.x3, "x3", outShape, "x3 must have output's shape")) return false;
    // The table says bias is 0-1-D, the op_api requires exactly [n] (ops.md §8.2): code wins.
    if (a.bias != nullptr && !c.ShapeIs(*a.bias, "bias", {n}, "bias is 1-D [n]")) return false;
    return true;
}

// Layout: the documents' "non-contiguous" column (x1 ×; x2 only a last-two-axes transpose;
// bias, x3, output √) plus what any strided read or write needs: no aliasing output elements,
// every view inside its storage.
bool CheckLayouts(Checker &c, const MatmulAllReduceArgs &a) {
    const NamedTensor all[] = {{a.x1, "x1"}, {a.x2, "x2"}, {a.bias, "bias"}, {a.x3, "x3"}, {a.output, "output"}};
    const NamedTensor x1[] = {{a.x1, "x1"}}, outputs[] = {{a.output, "output"}};
    return CheckMatmulLayouts(c, {.all = all, .dense = x1, .x2 = a.x2, .outputs = outputs});
}

// The generated inner layer's required attribute (ops.md §1.2 item 2, §8.3): 161001 for a null
// group, after the op_api checks and before the group is looked up or anything is tiled.
bool CheckInnerNulls(Checker &c, const MatmulAllReduceArgs &a) { return c.NotNull(a.group, "group"); }

// The tiling-layer limits (ops.md §2.1 "Not checked in op_api"), refused here with 561002.
bool CheckTilingLimits(Checker &c, const hccl::Communicator &comm, int64_t m, int64_t k, int64_t n) {
    if (!CheckWorldSize(c, comm, MatmulAllReduceWorldSizes)) return false;
    const std::pair<const char *, int64_t> dims[] = {{"m (b*s)", m}, {"k", k}, {"n", n}};
    for (const auto &[name, v] : dims) {
        if (v > INT32_MAX) {
            return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "%s = %lld exceeds INT32_MAX (2147483647)", name,
                          static_cast<long long>(v));
        }
    }
    if (m == 0 || n == 0) {
        // Also covers an empty bias ([n]) and an empty x3 (output's shape).
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "empty output (m = %lld, n = %lld) not supported",
                      static_cast<long long>(m), static_cast<long long>(n));
    }
    return true;
}

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

void PlanMatmulAllReducePieces(MatmulAllReducePlan &p, int64_t commTurn) {
    int64_t pieces = commTurn;
    if (pieces == 0) {
        const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.k) * static_cast<double>(p.n);
        pieces = std::max<int64_t>(kMinDefaultPieces, static_cast<int64_t>(std::ceil(flops / kPieceFlops)));
    }
    pieces = std::min(pieces, p.m);
    p.commTurn = commTurn;
    p.rowsPerPiece = (p.m + pieces - 1) / pieces;
    p.chunkRows = std::min(p.rowsPerPiece, kMaxChunkRows);
    const uint64_t stageBytes = static_cast<uint64_t>(p.m) * static_cast<uint64_t>(p.n) * 2;
    p.accOffset = AlignUp(stageBytes, kWorkspaceAlign);
    const uint64_t accBytes = static_cast<uint64_t>(p.chunkRows) * static_cast<uint64_t>(p.n) * 4;
    p.packedBOffset = AlignUp(p.accOffset + accBytes, kWorkspaceAlign);
    p.workspaceBytes = p.packedBOffset + kernels::GemmPackedBFloats(p.k, p.n) * 4;
}

aclnnStatus MatmulAllReducePrepare(const char *api, const MatmulAllReduceArgs &a) {
    Checker c(api);
    if (!CheckNulls(c, a) || !CheckDtypes(c, a) || !CheckAttributes(c, a) || !CheckFormats(c, a, api) ||
        !CheckShapes(c, a) || !CheckLayouts(c, a) || !CheckInnerNulls(c, a)) {
        return c.status();
    }
    std::shared_ptr<hccl::Communicator> comm = ResolveGroup(c, a.group);
    if (comm == nullptr) return UnresolvedGroup(c, api, a.group, a.workspaceSize, a.executor);

    MatmulAllReducePlan p;
    p.api = api;
    p.dataType = static_cast<aclDataType>(a.x1->dataType);  // FLOAT16 or BF16 (checked)
    p.k = a.x1->viewShape.back();
    p.n = a.x2->viewShape[1];
    p.m = 1;
    for (size_t d = 0; d + 1 < a.x1->viewShape.size(); ++d) {
        // Dims are non-negative (aclCreateTensor), and each <= INT64_MAX; cap the product so
        // the INT32_MAX check below sees a too-large value instead of an overflow.
        const int64_t dim = a.x1->viewShape[d];
        p.m = (dim != 0 && p.m > INT64_MAX / dim) ? INT64_MAX : p.m * dim;
    }
    if (!CheckTilingLimits(c, *comm, p.m, p.k, p.n)) return c.status();

    p.x1 = Describe(*a.x1);
    p.x2 = Describe(*a.x2);
    p.output = Describe(*a.output);
    p.hasBias = a.bias != nullptr;
    p.hasX3 = a.x3 != nullptr;
    if (p.hasBias) p.bias = Describe(*a.bias);
    if (p.hasX3) p.x3 = Describe(*a.x3);
    if (!CheckDeviceMemory(c, p.x1, "x1") || !CheckDeviceMemory(c, p.x2, "x2") ||
        !CheckDeviceMemory(c, p.output, "output") || (p.hasBias && !CheckDeviceMemory(c, p.bias, "bias")) ||
        (p.hasX3 && !CheckDeviceMemory(c, p.x3, "x3"))) {
        return c.status();
    }

    PlanMatmulAllReducePieces(p, a.commTurn);
    p.comm = std::move(comm);

    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    executor->run = MakeMatmulAllReduceRun(std::move(p));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
