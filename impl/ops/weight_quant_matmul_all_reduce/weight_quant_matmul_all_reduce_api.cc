// impl/ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce_api.cc — the exported
// ABI of aclnnWeightQuantMatmulAllReduce (include/aclnnop/aclnn_weight_quant_matmul_all_reduce.h),
// inside the exception barrier (an escaped exception becomes ACLNN_ERR_INNER with a message).
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce.h"
#include "ops/common/executor.h"
#include "ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ExecutePhase;

namespace {
constexpr const char *kApi = "aclnnWeightQuantMatmulAllReduce";
}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnWeightQuantMatmulAllReduceGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *antiquantScale,
    const aclTensor *antiquantOffset, const aclTensor *x3, const char *group, const char *reduceOp, int64_t commTurn,
    int64_t streamMode, int64_t antiquantGroupSize, const aclTensor *output, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        mc2::impl::ops::WeightQuantMatmulAllReduceArgs a;
        a.x1 = x1;
        a.x2 = x2;
        a.bias = bias;
        a.antiquantScale = antiquantScale;
        a.antiquantOffset = antiquantOffset;
        a.x3 = x3;
        a.group = group;
        a.reduceOp = reduceOp;
        a.commTurn = commTurn;
        a.streamMode = streamMode;
        a.antiquantGroupSize = antiquantGroupSize;
        a.output = output;
        a.workspaceSize = workspaceSize;
        a.executor = executor;
        return mc2::impl::ops::WeightQuantMatmulAllReducePrepare(kApi, a);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnWeightQuantMatmulAllReduce(void *workspace, uint64_t workspaceSize,
                                                                           aclOpExecutor *executor,
                                                                           aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kApi, workspace, workspaceSize, executor, stream); });
}
