// aclnnop/aclnn_all_gather_matmul.h — aclnnAllGatherMatmul: gatherOut = allgather(x1); output = gatherOut @ x2 (+ bias). Document: mc2/all_gather_matmul/docs/aclnnAllGatherMatmul.md.
// Two-phase call: aclnnAllGatherMatmulGetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnAllGatherMatmul runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_ALL_GATHER_MATMUL_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_ALL_GATHER_MATMUL_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnAllGatherMatmulGetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *bias,
    const char *group,
    int64_t gatherIndex,
    int64_t commTurn,
    int64_t streamMode,
    const aclTensor *output,
    const aclTensor *gatherOut,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnAllGatherMatmul(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_ALL_GATHER_MATMUL_H_
