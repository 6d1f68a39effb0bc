// impl/ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm_api.cc — the exported ABI
// of aclnnMatmulAllReduceAddRmsNorm and aclnnInplaceMatmulAllReduceAddRmsNorm. The in-place
// variant is the out-of-place call with y = residual (ops.md §6.1). Every body runs inside the
// exception barrier (AbiCall).
#include "aclnnop/aclnn_inplace_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_matmul_all_reduce_add_rms_norm.h"
#include "ops/common/executor.h"
#include "ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ArnCommonArgs;
using mc2::impl::ops::ArnPrepare;
using mc2::impl::ops::ExecutePhase;

namespace {

constexpr const char *kArn = "aclnnMatmulAllReduceAddRmsNorm";
constexpr const char *kInplaceArn = "aclnnInplaceMatmulAllReduceAddRmsNorm";

aclnnStatus Prepare(const char *func, const char *api, bool inPlace, const aclTensor *x1, const aclTensor *x2,
                    const aclTensor *bias, const aclTensor *residual, const aclTensor *gamma, double epsilon,
                    const char *group, const char *reduceOp, int64_t commTurn, int64_t streamMode,
                    const aclTensor *y, const aclTensor *normOut, uint64_t *workspaceSize,
                    aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(func, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        return ArnPrepare(api, ArnCommonArgs(x1, x2, bias, residual, gamma, epsilon, group, reduceOp, commTurn,
                                             streamMode, y, normOut, inPlace, workspaceSize, executor));
    });
}

}  // namespace

namespace mc2::impl::ops {

ArnArgs ArnCommonArgs(const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *residual,
                      const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp,
                      int64_t commTurn, int64_t streamMode, const aclTensor *y, const aclTensor *normOut,
                      bool inPlace, uint64_t *workspaceSize, aclOpExecutor **executor) {
    ArnArgs a;
    a.x1 = x1;
    a.x2 = x2;
    a.bias = bias;
    a.residual = residual;
    a.gamma = gamma;
    a.epsilon = epsilon;
    a.group = group;
    a.reduceOp = reduceOp;
    a.commTurn = commTurn;
    a.streamMode = streamMode;
    a.y = y;
    a.normOut = normOut;
    a.inPlace = inPlace;
    a.workspaceSize = workspaceSize;
    a.executor = executor;
    return a;
}

}  // namespace mc2::impl::ops

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *residual,
    const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp, int64_t commTurn,
    int64_t streamMode, const aclTensor *y, const aclTensor *normOut, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    return Prepare(__func__, kArn, false, x1, x2, bias, residual, gamma, epsilon, group, reduceOp, commTurn,
                   streamMode, y, normOut, workspaceSize, executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceAddRmsNorm(void *workspace, uint64_t workspaceSize,
                                                                          aclOpExecutor *executor,
                                                                          aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kArn, workspace, workspaceSize, executor, stream); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *residual,
    const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp, int64_t commTurn,
    int64_t streamMode, const aclTensor *normOut, uint64_t *workspaceSize, aclOpExecutor **executor) {
    return Prepare(__func__, kInplaceArn, true, x1, x2, bias, residual, gamma, epsilon, group, reduceOp, commTurn,
                   streamMode, residual, normOut, workspaceSize, executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceMatmulAllReduceAddRmsNorm(void *workspace,
                                                                                 uint64_t workspaceSize,
                                                                                 aclOpExecutor *executor,
                                                                                 aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kInplaceArn, workspace, workspaceSize, executor, stream); });
}
