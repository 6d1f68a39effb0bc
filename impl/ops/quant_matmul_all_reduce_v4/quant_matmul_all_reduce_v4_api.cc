// impl/ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4_api.cc — the exported ABI of
// aclnnQuantMatmulAllReduceV4 (include/aclnnop/aclnn_quant_matmul_all_reduce_v4.h). Every body
// runs inside the exception barrier: an escaped exception becomes ACLNN_ERR_INNER (561000).
#include "aclnnop/aclnn_quant_matmul_all_reduce_v4.h"
#include "ops/common/executor.h"
#include "ops/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ExecutePhase;
using mc2::impl::ops::QuantMatmulAllReduceV4Args;
using mc2::impl::ops::QuantMatmulAllReduceV4Prepare;

namespace {
constexpr const char *kV4 = "aclnnQuantMatmulAllReduceV4";
}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV4GetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *biasOptional, const aclTensor *x3Optional,
    const aclTensor *x1ScaleOptional, const aclTensor *x2ScaleOptional, const aclTensor *commQuantScale1Optional,
    const aclTensor *commQuantScale2Optional, const char *group, const char *reduceOp, int64_t commTurn,
    int64_t streamMode, int64_t groupSize, int64_t commQuantMode, const aclTensor *output, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    QuantMatmulAllReduceV4Args a;
    a.x1 = x1;
    a.x2 = x2;
    a.bias = biasOptional;
    a.x3 = x3Optional;
    a.x1Scale = x1ScaleOptional;
    a.x2Scale = x2ScaleOptional;
    a.commQuantScale1 = commQuantScale1Optional;
    a.commQuantScale2 = commQuantScale2Optional;
    a.group = group;
    a.reduceOp = reduceOp;
    a.commTurn = commTurn;
    a.streamMode = streamMode;
    a.groupSize = groupSize;
    a.commQuantMode = commQuantMode;
    a.output = output;
    a.workspaceSize = workspaceSize;
    a.executor = executor;
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return QuantMatmulAllReduceV4Prepare(kV4, a); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV4(void *workspace, uint64_t workspaceSize,
                                                                       aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kV4, workspace, workspaceSize, executor, stream); });
}
