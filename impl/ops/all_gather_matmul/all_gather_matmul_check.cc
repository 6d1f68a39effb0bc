// impl/ops/all_gather_matmul/all_gather_matmul_check.cc — GetWorkspaceSize of
// aclnnAllGatherMatmul: the documented argument checks in the vendor's order, the empty-x1
// short-cut, the tiling-layer limits, and the execution plan (see all_gather_matmul.h for the
// decisions).
#include <algorithm>
#include <memory>
#include <utility>

#include "kernels/gemm.h"
#include "ops/all_gather_matmul/all_gather_matmul.h"
#include "ops/common/checks.h"
#include "ops/common/faults.h"
#include "ops/common/group.h"
#include "ops/common/layout_checks.h"
#include "ops/common/memory_checks.h"
#include "ops/common/platform.h"
#include "ops/common/tiling_checks.h"
#include "runtime/dtype.h"

namespace mc2::impl::ops {
namespace {

// k range of the document's 约束说明 and of the op_api (ops.md §5.1 step 7).
constexpr int64_t kMinK = 256;
constexpr int64_t kMaxKExclusive = 65535;
constexpr int64_t kMaxChunkRows = 256;  // rows of the fp32 accumulator per GEMM call
constexpr uint64_t kWorkspaceAlign = 64;

bool IsEmpty(const aclTensor &t) { return std::find(t.viewShape.begin(), t.viewShape.end(), 0) != t.viewShape.end(); }

// gatherOut is produced when it is given and not empty (the vendor's IsGatherOut).
bool ProducesGatherOut(const AllGatherMatmulArgs &a) { return a.gatherOut != nullptr && !IsEmpty(*a.gatherOut); }

// Step 1 (ops.md §5.1 step 1): null pointers, then live handles. gatherOut and bias may be null.
bool CheckNulls(Checker &c, const AllGatherMatmulArgs &a) {
    c.NotNull(a.x1, "x1") && c.NotNull(a.x2, "x2") && c.NotNull(a.output, "output") &&
        c.NotNull(a.workspaceSize, "workspaceSize (output pointer)") &&
        c.NotNull(a.executor, "executor (output pointer)");
    // Reading a destroyed descriptor would be a use after free: refuse it before any field.
    c.Live(a.x1, "x1") && c.Live(a.x2, "x2") && c.Live(a.bias, "bias") && c.Live(a.output, "output") &&
        c.Live(a.gatherOut, "gatherOut");
    return c.ok();
}

// Step 3 (step 2, a non-null bias, is only a warning in the vendor's log; this runtime has no
// log, and the bias is computed). The vendor checks no dtype of gatherOut; its kernel writes
// x1's codes there, so it must have x1's dtype (hardening, with the other dtypes).
bool CheckDtypes(Checker &c, const AllGatherMatmulArgs &a) {
    const auto list = {ACL_FLOAT16, ACL_BF16};
    c.DtypeIn(*a.x1, "x1", list) && c.DtypeIn(*a.x2, "x2", list) && c.DtypeIn(*a.output, "output", list);
    if (a.bias != nullptr) c.DtypeIn(*a.bias, "bias", list);
    c.SameDtype(*a.x1, "x1", *a.x2, "x2") && c.SameDtype(*a.x1, "x1", *a.output, "output");
    if (a.bias != nullptr) c.SameDtype(*a.x1, "x1", *a.bias, "bias");
    if (ProducesGatherOut(a) && !kVendorFaithful) c.SameDtype(*a.x1, "x1", *a.gatherOut, "gatherOut");
    // The vendor-faithful variant (faults.h) copies x1's 2-byte codes into any gatherOut, as the
    // vendor's kernel does; it keeps refusing another element width, whose view would not hold
    // the codes it writes.
    if (ProducesGatherOut(a) && kVendorFaithful && DataTypeBits(a.gatherOut->dataType) != 16) {
        c.SameDtype(*a.x1, "x1", *a.gatherOut, "gatherOut");
    }
    return c.ok();
}

// Steps 4 and 5: streamMode, then k != 0 (checked before the empty short-cut, so an x1 (m, 0)
// is refused even when m is 0).
bool CheckAttributesAndK(Checker &c, const AllGatherMatmulArgs &a) {
    if (a.streamMode != 1) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "streamMode %lld not supported; expected 1 (ACL_STOP_ON_FAILURE)",
                      static_cast<long long>(a.streamMode));
    }
    if (a.x1->viewShape.size() < 2) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 must be 2-D (m, k); got shape %s",
                      ShapeString(a.x1->viewShape).c_str());
    }
    if (a.x1->viewShape[1] == 0) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 %s has k = 0; an empty k is not supported (m and n may be 0)",
                      ShapeString(a.x1->viewShape).c_str());
    }
    return true;
}

// Step 7: shapes, on view shapes, in the vendor's order.
bool CheckShapes(Checker &c, const AllGatherMatmulArgs &a) {
    if (!c.RankIn(*a.x1, "x1", 2, 2) || !c.RankIn(*a.x2, "x2", 2, 2)) return false;
    if (IsTransposeLastTwoDims(*a.x1)) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 must not be transposed; got shape %s with strides %s",
                      ShapeString(a.x1->viewShape).c_str(), ShapeString(a.x1->strides).c_str());
    }
    const int64_t k = a.x1->viewShape[1];
    if (k != a.x2->viewShape[0]) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "x1 dim 1 (k = %lld) must equal x2 dim 0 (%lld); x1 %s, x2 %s",
                      static_cast<long long>(k), static_cast<long long>(a.x2->viewShape[0]),
                      ShapeString(a.x1->viewShape).c_str(), ShapeString(a.x2->viewShape).c_str());
    }
    // Hardening: the vendor reads dim 1 blindly. The vendor-faithful variant (faults.h) refuses
    // only a missing dim 1 here; a rank above 2 goes on to the tiling layer (CheckTiling).
    const size_t maxRank = kVendorFaithful ? kMaxTensorDims : 2;
    if (ProducesGatherOut(a)) {
        if (!c.RankIn(*a.gatherOut, "gatherOut", 2, maxRank)) return false;
        if (a.gatherOut->viewShape[1] != k) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "gatherOut dim 1 (%lld) must equal x1's k (%lld); gatherOut %s",
                          static_cast<long long>(a.gatherOut->viewShape[1]), static_cast<long long>(k),
                          ShapeString(a.gatherOut->viewShape).c_str());
        }
    }
    if (k < kMinK || k >= kMaxKExclusive) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "k = %lld out of range; expected 256 <= k < 65535",
                      static_cast<long long>(k));
    }
    if (!c.RankIn(*a.output, "output", 2, maxRank)) return false;
    const int64_t n = a.x2->viewShape[1];
    if (a.output->viewShape[1] != n) {
        return c.Fail(ACLNN_ERR_PARAM_INVALID, "output dim 1 (%lld) must equal x2 dim 1 (n = %lld); output %s",
                      static_cast<long long>(a.output->viewShape[1]), static_cast<long long>(n),
                      ShapeString(a.output->viewShape).c_str());
    }
    return true;
}

// Hardening (all_gather_matmul.h): how the tensors lie in memory, and the bias length.
bool CheckLayouts(Checker &c, const AllGatherMatmulArgs &a) {
    const aclTensor *gatherOut = ProducesGatherOut(a) ? a.gatherOut : nullptr;
    const NamedTensor all[] = {
        {a.x1, "x1"}, {a.x2, "x2"}, {a.bias, "bias"}, {a.output, "output"}, {gatherOut, "gatherOut"}};
    const NamedTensor outputs[] = {{a.output, "output"}, {gatherOut, "gatherOut"}};
    const std::pair<NamedTensor, NamedTensor> disjoint[] = {{outputs[0], outputs[1]}};
    const int64_t n = a.x2->viewShape[1];
    // The vendor checks none of the layouts (faults.h). Kept: a bias the kernel would read past
    // (fewer than n elements, or a strided one of rank > 1; the run reads n elements along the
    // last dim).
    auto biasReadable = [&] {
        int64_t biasElements = 0;
        if (a.bias != nullptr && (!ViewElementCount(*a.bias, &biasElements) || biasElements < n ||
                                  (a.bias->viewShape.size() > 1 && !IsContiguous(*a.bias)))) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "bias of shape %s cannot supply n = %lld elements",
                          ShapeString(a.bias->viewShape).c_str(), static_cast<long long>(n));
        }
        return true;
    };
    auto bias = [&] {
        if (a.bias != nullptr && (a.bias->viewShape.size() != 1 || a.bias->viewShape[0] < n)) {
            return c.Fail(ACLNN_ERR_PARAM_INVALID, "bias must be 1-D with at least n = %lld elements; got shape %s",
                          static_cast<long long>(n), ShapeString(a.bias->viewShape).c_str());
        }
        return true;
    };
    // x1 may be strided: it is gathered row by row. gatherOut's strides are its own rules'.
    const NamedTensor signed_strides[] = {{a.x1, "x1"}, {a.x2, "x2"}, {a.bias, "bias"}, {a.output, "output"}};
    return CheckMatmulLayouts(c, {.all = all,
                                  .x2 = a.x2,
                                  .outputs = outputs,
                                  .disjoint = disjoint,
                                  .vendorFaithful = biasReadable,
                                  .extra = bias,
                                  .noNegativeStrides = signed_strides});
}

// The tiling layer (ops.md §5.1 "Tiling checks", infershape), refused with 561002.
bool CheckTiling(Checker &c, const AllGatherMatmulArgs &a, const hccl::Communicator &comm, int64_t m) {
    const std::pair<const aclTensor *, const char *> nd[] = {{a.x1, "x1"}, {a.x2, "x2"}};
    for (const auto &[t, name] : nd) {
        if (t->format != ACL_FORMAT_ND) {
            return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "%s format %s not supported; expected ND", name,
                          FormatName(t->format).c_str());
        }
    }
    if (a.output->format != a.x1->format) {
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "output format %s must equal x1 format %s",
                      FormatName(a.output->format).c_str(), FormatName(a.x1->format).c_str());
    }
    if (a.gatherIndex != 0) {
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "gatherIndex %lld not supported; expected 0 (gather x1)",
                      static_cast<long long>(a.gatherIndex));
    }
    if (a.commTurn != 0) {
        return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "commTurn %lld not supported; expected 0",
                      static_cast<long long>(a.commTurn));
    }
    if (!CheckWorldSize(c, comm, AllGatherMatmulWorldSizes)) return false;
    // The vendor-faithful variant (faults.h) let an output or gatherOut of rank > 2 through the
    // op_api checks, as the vendor does; its kernel writes a 2-D matrix only.
    const std::pair<const aclTensor *, const char *> matrices[] = {
        {a.output, "output"}, {ProducesGatherOut(a) ? a.gatherOut : nullptr, "gatherOut"}};
    for (const auto &[t, name] : matrices) {
        if (t != nullptr && t->viewShape.size() != 2) {
            return c.Fail(ACLNN_ERR_INNER_TILING_ERROR, "%s must be 2-D; got shape %s", name,
                          ShapeString(t->viewShape).c_str());
        }
    }
    int64_t rows = 0;
    const bool overflow = __builtin_mul_overflow(m, static_cast<int64_t>(comm.Size()), &rows);
    const std::pair<const aclTensor *, const char *> outs[] = {
        {a.output, "output"}, {ProducesGatherOut(a) ? a.gatherOut : nullptr, "gatherOut"}};
    for (const auto &[t, name] : outs) {
        // Vendor-faithful: neither the op_api nor the tiling checks these rows (the H tiling unit
        // tests pass m rows at a world size they accept; spec agm.tiling.*_rows is hardening), so
        // more rows than m * world size are accepted and left as they are; fewer stay refused,
        // since the kernel would write m * world size rows past the tensor (a minimal guard).
        const bool wrongRows = kVendorFaithful ? t != nullptr && t->viewShape[0] < rows
                                               : t != nullptr && t->viewShape[0] != rows;
        if (t != nullptr && (overflow || wrongRows)) {
            return c.Fail(ACLNN_ERR_INNER_TILING_ERROR,
                          "%s has %lld rows; expected m * world size = %lld * %u (every rank's x1 stacked)", name,
                          static_cast<long long>(t->viewShape[0]), static_cast<long long>(m), comm.Size());
        }
    }
    return true;
}

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// The m = 0 short-cut (ops.md §5.1 step 6): an executor with nothing to run, workspace 0.
aclnnStatus PublishEmpty(const char *api, const AllGatherMatmulArgs &a) {
    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->nothingToRun = true;
    *a.workspaceSize = 0;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace

aclnnStatus AllGatherMatmulPrepare(const char *api, const AllGatherMatmulArgs &a) {
    Checker c(api);
    if (!CheckNulls(c, a) || !CheckDtypes(c, a) || !CheckAttributesAndK(c, a)) return c.status();
    if (IsEmpty(*a.x1)) return PublishEmpty(api, a);
    if (!CheckShapes(c, a) || !CheckLayouts(c, a) || !c.NotNull(a.group, "group")) return c.status();
    auto comm = ResolveGroup(c, a.group);
    if (comm == nullptr) return UnresolvedGroup(c, api, a.group, a.workspaceSize, a.executor);
    const int64_t m = a.x1->viewShape[0];
    if (!CheckTiling(c, a, *comm, m)) return c.status();

    AllGatherMatmulPlan p;
    p.api = api;
    p.dataType = static_cast<aclDataType>(a.x1->dataType);  // FLOAT16 or BF16 (checked)
    p.m = m;
    p.k = a.x1->viewShape[1];
    p.n = a.x2->viewShape[1];
    p.worldSize = comm->Size();
    p.x1 = Describe(*a.x1);
    p.x2 = Describe(*a.x2);
    p.output = Describe(*a.output);
    p.hasBias = a.bias != nullptr;
    p.hasGatherOut = ProducesGatherOut(a);
    if (p.hasBias) p.bias = Describe(*a.bias);
    if (p.hasGatherOut) p.gatherOut = Describe(*a.gatherOut);
    if (!CheckDeviceMemory(c, p.x1, "x1") || !CheckDeviceMemory(c, p.x2, "x2") ||
        !CheckDeviceMemory(c, p.output, "output") || (p.hasBias && !CheckDeviceMemory(c, p.bias, "bias")) ||
        (p.hasGatherOut && !CheckDeviceMemory(c, p.gatherOut, "gatherOut"))) {
        return c.status();
    }

    // x1 and output lie in device memory (checked), so these products cannot overflow.
    const uint64_t rows = static_cast<uint64_t>(p.m) * p.worldSize;
    p.chunkRows = std::min(p.m, kMaxChunkRows);
    p.stageOffset = AlignUp(rows * static_cast<uint64_t>(p.k) * 2, kWorkspaceAlign);
    p.accOffset = AlignUp(p.stageOffset + rows * static_cast<uint64_t>(p.n) * 2, kWorkspaceAlign);
    p.packedBOffset = AlignUp(p.accOffset + static_cast<uint64_t>(p.chunkRows) * static_cast<uint64_t>(p.n) * 4,
                              kWorkspaceAlign);
    p.workspaceBytes = p.packedBOffset + kernels::GemmPackedBFloats(p.k, p.n) * 4;
    p.comm = std::move(comm);

    auto executor = std::make_unique<aclOpExecutor>();
    executor->api = api;
    executor->workspaceSize = p.workspaceBytes;
    executor->run = MakeAllGatherMatmulRun(std::move(p));
    *a.workspaceSize = executor->workspaceSize;
    *a.executor = PublishExecutor(std::move(executor));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
