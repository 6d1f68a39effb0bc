// aclnnop/aclnn_matmul_all_reduce_v2.h — aclnnMatmulAllReduceV2: adds x3: output = allreduce(x1 @ x2 + bias + x3). Document: aclnnMatmulAllReduceV2.md.
// Two-phase call: aclnnMatmulAllReduceV2GetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnMatmulAllReduceV2 runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_MATMUL_ALL_REDUCE_V2_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_MATMUL_ALL_REDUCE_V2_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceV2GetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *bias,
    const aclTensor *x3,
    const char *group,
    const char *reduceOp,
    int64_t commTurn,
    int64_t streamMode,
    const aclTensor *output,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceV2(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_MATMUL_ALL_REDUCE_V2_H_
