// impl/ops/all_gather_matmul/all_gather_matmul_api.cc — the exported ABI of
// aclnnAllGatherMatmul (include/aclnnop/aclnn_all_gather_matmul.h). Every body runs inside the
// exception barrier: nothing throws across the C ABI; an escaped exception becomes
// ACLNN_ERR_INNER (561000) with a message.
#include "aclnnop/aclnn_all_gather_matmul.h"
#include "ops/all_gather_matmul/all_gather_matmul.h"
#include "ops/common/executor.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::AllGatherMatmulArgs;
using mc2::impl::ops::AllGatherMatmulPrepare;
using mc2::impl::ops::ExecutePhase;

namespace {

constexpr const char *kApi = "aclnnAllGatherMatmul";

}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnAllGatherMatmulGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const char *group, int64_t gatherIndex,
    int64_t commTurn, int64_t streamMode, const aclTensor *output, const aclTensor *gatherOut,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        AllGatherMatmulArgs a;
        a.x1 = x1;
        a.x2 = x2;
        a.bias = bias;
        a.group = group;
        a.gatherIndex = gatherIndex;
        a.commTurn = commTurn;
        a.streamMode = streamMode;
        a.output = output;
        a.gatherOut = gatherOut;
        a.workspaceSize = workspaceSize;
        a.executor = executor;
        return AllGatherMatmulPrepare(kApi, a);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnAllGatherMatmul(void *workspace, uint64_t workspaceSize,
                                                                aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kApi, workspace, workspaceSize, executor, stream); });
}
