// impl/ops/trans_matmul_weight/trans_matmul_weight_check.cc — the checks of aclnnTransMatmulWeight
// and aclnnCalculateMatmulWeightSize / V2 in the vendor's order, the NZ plan, and the descriptor
// update (see trans_matmul_weight.h for the facts and decisions).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ops/common/checks.h"
#include "ops/common/faults.h"
#include "ops/common/layout_checks.h"
#include "ops/common/memory_checks.h"
#include "ops/common/platform.h"
#include "ops/trans_matmul_weight/trans_matmul_weight.h"
#include "runtime/arrays.h"
#include "runtime/dtype.h"
#include "runtime/memory.h"
#include "runtime/runtime.h"

namespace mc2::impl::ops {
namespace {

constexpr size_t kMinRank = 2;
constexpr size_t kMaxRank = 6;
constexpr int kStorageFormatNz = ACL_FORMAT_FRACTAL_NZ;

bool HasZero(const std::vector<int64_t> &dims) {
    for (int64_t d : dims) {
        if (d == 0) return true;
    }
    return false;
}

// Highest rank the weight may have: FLOAT16/BFLOAT16 only 2-D outside Atlas A2/A3 (op_api
// CheckShapeDim); INT8 2–6 everywhere (CheckShapeDimV2).
size_t MaxRank(Platform platform, int32_t dataType) {
    if (DataTypeBits(dataType) == 8) return kMaxRank;  // INT8 (and the variant's other 1-byte dtypes)
    return platform == Platform::kAtlasA2 ? kMaxRank : kMinRank;
}

bool CheckRank(Checker &c, size_t rank, size_t max, const char *what, const char *platform) {
    if (rank >= kMinRank && rank <= max) return true;
    if (max == kMinRank) return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s has %zu dims; expected 2 on %s", what, rank, platform);
    return c.Fail(ACLNN_ERR_PARAM_INVALID, "%s has %zu dims; expected 2 to %zu", what, rank, max);
}

}  // namespace

aclnnStatus CalculateMatmulWeightSize(const char *api, const aclIntArray *tensorShape, int32_t dataType,
                                      uint64_t *weightTensorSize) {
    Checker c(api);
    const bool v1 = dataType < 0;
    Platform platform = Platform::kAtlasA2;
    std::string error;
    if (!CurrentPlatform(&platform, &error)) {
        c.Fail(ACLNN_ERR_RUNTIME_ERROR, "%s", error.c_str());  // V2's product check: 361001
        return c.status();
    }
    if (!c.NotNull(tensorShape, "tensorShape") || !c.NotNull(weightTensorSize, "weightTensorSize")) return c.status();
    if (!IsLiveArray(tensorShape)) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "tensorShape is not a live aclIntArray (destroyed or never created)");
        return c.status();
    }
    const std::vector<int64_t> &dims = tensorShape->values;
    // V1 keeps the op_api's per-product rank rule; V2 takes 2–6 on every product.
    const size_t max = v1 && platform != Platform::kAtlasA2 ? kMinRank : kMaxRank;
    if (!CheckRank(c, dims.size(), max, "tensorShape", PlatformName(platform))) return c.status();
    if (HasZero(dims)) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "tensorShape %s has a zero dim; empty weights are not supported",
               ShapeString(dims).c_str());
        return c.status();
    }
    const int32_t type = v1 ? static_cast<int32_t>(ACL_FLOAT16) : dataType;
    if (type != ACL_FLOAT16 && type != ACL_BF16 && type != ACL_INT8) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "dataType %s not supported; expected FLOAT16, BFLOAT16 or INT8",
               DataTypeName(type).c_str());
        return c.status();
    }
    NzPlan nz;
    if (!nz.Make(dims, static_cast<int>(DataTypeBits(type) / 8))) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "tensorShape %s has a negative dim or a padded size past INT64_MAX",
               ShapeString(dims).c_str());
        return c.status();
    }
    *weightTensorSize = static_cast<uint64_t>(nz.Elements());
    return ACLNN_SUCCESS;
}

aclnnStatus TransMatmulWeightPrepare(const char *api, aclTensor *w, uint64_t *workspaceSize,
                                     aclOpExecutor **executor) {
    Checker c(api);
    Platform platform = Platform::kAtlasA2;
    std::string error;
    if (!CurrentPlatform(&platform, &error)) {
        c.Fail(ACLNN_ERR_INNER, "%s", error.c_str());
        return c.status();
    }
    if (!c.NotNull(w, "mmWeightRef") || !c.NotNull(workspaceSize, "workspaceSize (output pointer)") ||
        !c.NotNull(executor, "executor (output pointer)") || !c.Live(w, "mmWeightRef")) {
        return c.status();
    }
    // The vendor's op_api also converts UINT8, FLOAT8_E4M3FN and HIFLOAT8 weights, which no
    // document lists (hardening): the vendor-faithful variant (faults.h) does too, as INT8.
    if (kVendorFaithful) {
        const auto all = {ACL_FLOAT16, ACL_BF16, ACL_INT8, ACL_UINT8, ACL_FLOAT8_E4M3FN, ACL_HIFLOAT8};
        if (!c.DtypeIn(*w, "mmWeightRef", all)) return c.status();
    } else if (!c.DtypeIn(*w, "mmWeightRef", {ACL_FLOAT16, ACL_BF16, ACL_INT8})) {
        return c.status();
    }
    if (w->format != ACL_FORMAT_ND) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "mmWeightRef format %s not supported; expected ND",
               FormatName(w->format).c_str());
        return c.status();
    }
    if (!c.RankIn(*w, "mmWeightRef", 0, kMaxTensorDims)) return c.status();
    if (HasZero(w->viewShape) && kVendorFaithful) {
        // The vendor's op_api and its unit test accept an empty weight: workspace 0, nothing done.
        auto ex = std::make_unique<aclOpExecutor>();
        ex->api = api;
        ex->nothingToRun = true;
        *workspaceSize = 0;
        *executor = PublishExecutor(std::move(ex));
        return ACLNN_SUCCESS;
    }
    if (HasZero(w->viewShape)) {
        c.Fail(ACLNN_ERR_PARAM_INVALID, "mmWeightRef shape %s is empty; empty tensors are not supported",
               ShapeString(w->viewShape).c_str());
        return c.status();
    }
    if (!CheckRank(c, w->viewShape.size(), MaxRank(platform, w->dataType), "mmWeightRef", PlatformName(platform))) {
        return c.status();
    }
    // Hardening: the view must be readable, and the NZ result must fit where it is written. The
    // vendor-faithful variant (faults.h) checks none but the strides (its run reads every view
    // element; a negative stride would reach before the buffer) and leaves the memory to the run,
    // which refuses a view or an NZ weight outside the allocation at execution.
    const NamedTensor named[] = {{w, "mmWeightRef"}};
    if (!CheckAddressable(c, named) || (!kVendorFaithful && !CheckWithinStorage(c, named))) return c.status();
    if (w->offset != 0 && !kVendorFaithful) {
        c.Fail(ACLNN_ERR_PARAM_INVALID,
               "mmWeightRef view offset %lld not supported; the NZ weight starts at the storage base (offset 0)",
               static_cast<long long>(w->offset));
        return c.status();
    }
    TransMatmulWeightPlan p;
    p.elementBytes = static_cast<int>(DataTypeBits(w->dataType) / 8);
    const bool fits = p.nz.Make(w->viewShape, p.elementBytes);
    if (!fits || (!kVendorFaithful && StorageElements(*w) < p.nz.Elements())) {
        c.Fail(ACLNN_ERR_PARAM_INVALID,
               "mmWeightRef storage shape %s holds %lld elements; the NZ weight of shape %s needs %s "
               "(aclnnCalculateMatmulWeightSizeV2)",
               ShapeString(w->storageShape).c_str(), static_cast<long long>(StorageElements(*w)),
               ShapeString(w->viewShape).c_str(),
               fits ? std::to_string(p.nz.Elements()).c_str() : "more than INT64_MAX");
        return c.status();
    }
    p.weight = Describe(*w);
    if (!CheckDeviceMemory(c, p.weight, "mmWeightRef")) return c.status();
    const uint64_t nzBytes = static_cast<uint64_t>(p.nz.Elements()) * static_cast<uint64_t>(p.elementBytes);
    if (!kVendorFaithful && !IsDeviceMemory(w->data, nzBytes)) {
        c.Fail(ACLNN_ERR_PARAM_INVALID,
               "mmWeightRef memory cannot hold the NZ weight: %llu bytes from its base needed (%lld elements, "
               "aclnnCalculateMatmulWeightSizeV2): %s",
               static_cast<unsigned long long>(nzBytes), static_cast<long long>(p.nz.Elements()),
               ExplainNotDeviceMemory(w->data, nzBytes).c_str());
        return c.status();
    }
    int64_t logical = 1;
    for (int64_t d : w->viewShape) logical *= d;  // ≤ the NZ element count (checked above)
    p.stageBytes = static_cast<uint64_t>(logical) * static_cast<uint64_t>(p.elementBytes);

    // The descriptor now describes the NZ weight (vendor: SetStorageShape / SetStorageFormat in
    // the first phase); view shape, strides and offset stay as they were.
    w->storageShape = p.nz.StorageShape();
    w->format = kStorageFormatNz;

    auto ex = std::make_unique<aclOpExecutor>();
    ex->api = api;
    ex->workspaceSize = p.stageBytes;
    ex->run = MakeTransMatmulWeightRun(std::move(p));
    *workspaceSize = ex->workspaceSize;
    *executor = PublishExecutor(std::move(ex));
    return ACLNN_SUCCESS;
}

}  // namespace mc2::impl::ops
