// impl/ops/trans_quant_param/trans_quant_param_api.cc — the exported ABI of
// aclnnTransQuantParamV2 and aclnnTransQuantParamV3 (include/aclnnop/aclnn_trans_quant_param_v{2,3}.h).
// Every body runs inside the exception barrier: nothing throws across the C ABI.
#include "aclnnop/aclnn_trans_quant_param_v2.h"
#include "aclnnop/aclnn_trans_quant_param_v3.h"
#include "ops/common/executor.h"
#include "ops/trans_quant_param/trans_quant_param.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ExecutePhase;
using mc2::impl::ops::TransQuantParamArgs;
using mc2::impl::ops::TransQuantParamPrepare;

namespace {

constexpr const char *kApiV2 = "aclnnTransQuantParamV2";
constexpr const char *kApiV3 = "aclnnTransQuantParamV3";

aclnnStatus Prepare(const char *api, const aclTensor *scale, const aclTensor *offset, int64_t roundMode,
                    const aclTensor *out, uint64_t *workspaceSize, aclOpExecutor **executor) {
    TransQuantParamArgs a;
    a.scale = scale;
    a.offset = offset;
    a.roundMode = roundMode;
    a.out = out;
    a.workspaceSize = workspaceSize;
    a.executor = executor;
    return TransQuantParamPrepare(api, a);
}

}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV2GetWorkspaceSize(
    const aclTensor *scale, const aclTensor *offset, const aclTensor *out, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    // The vendor's V2 is V3 with roundMode 0 (truncation), through the same checks.
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return Prepare(kApiV2, scale, offset, 0, out, workspaceSize, executor); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV2(void *workspace, uint64_t workspaceSize,
                                                                  aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kApiV2, workspace, workspaceSize, executor, stream); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV3GetWorkspaceSize(
    const aclTensor *scale, const aclTensor *offset, int64_t roundMode, const aclTensor *out,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        return Prepare(kApiV3, scale, offset, roundMode, out, workspaceSize, executor);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV3(void *workspace, uint64_t workspaceSize,
                                                                  aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kApiV3, workspace, workspaceSize, executor, stream); });
}
