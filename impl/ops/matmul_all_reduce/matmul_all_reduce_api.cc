// impl/ops/matmul_all_reduce/matmul_all_reduce_api.cc — the exported ABI of
// aclnnMatmulAllReduce and aclnnMatmulAllReduceV2 (include/aclnnop/aclnn_matmul_all_reduce*.h).
// Every body runs inside the exception barrier: nothing throws across the C ABI; an escaped
// exception becomes ACLNN_ERR_INNER (561000) with a message.
#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "aclnnop/aclnn_matmul_all_reduce_v2.h"
#include "ops/common/executor.h"
#include "ops/matmul_all_reduce/matmul_all_reduce.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ExecutePhase;
using mc2::impl::ops::MatmulAllReduceArgs;
using mc2::impl::ops::MatmulAllReducePrepare;

namespace {

constexpr const char *kV1 = "aclnnMatmulAllReduce";
constexpr const char *kV2 = "aclnnMatmulAllReduceV2";

aclnnStatus Prepare(const char *func, const char *api, const aclTensor *x1, const aclTensor *x2,
                    const aclTensor *bias, const aclTensor *x3, const char *group, const char *reduceOp,
                    int64_t commTurn, int64_t streamMode, const aclTensor *output, uint64_t *workspaceSize,
                    aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(func, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        MatmulAllReduceArgs a;
        a.x1 = x1;
        a.x2 = x2;
        a.bias = bias;
        a.x3 = x3;
        a.group = group;
        a.reduceOp = reduceOp;
        a.commTurn = commTurn;
        a.streamMode = streamMode;
        a.output = output;
        a.workspaceSize = workspaceSize;
        a.executor = executor;
        return MatmulAllReducePrepare(api, a);
    });
}

}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const char *group, const char *reduceOp,
    int64_t commTurn, int64_t streamMode, const aclTensor *output, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    // V1 is V2 without x3; one argument builder serves both (checks differ only by the api tag).
    return Prepare(__func__, kV1, x1, x2, bias, nullptr, group, reduceOp, commTurn, streamMode, output,
                   workspaceSize, executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduce(void *workspace, uint64_t workspaceSize,
                                                                aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kV1, workspace, workspaceSize, executor, stream); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceV2GetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *x3, const char *group,
    const char *reduceOp, int64_t commTurn, int64_t streamMode, const aclTensor *output, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    return Prepare(__func__, kV2, x1, x2, bias, x3, group, reduceOp, commTurn, streamMode, output, workspaceSize,
                   executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceV2(void *workspace, uint64_t workspaceSize,
                                                                  aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kV2, workspace, workspaceSize, executor, stream); });
}
