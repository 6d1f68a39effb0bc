// aclnnop/aclnn_matmul_all_reduce.h — aclnnMatmulAllReduce: x1, x2, bias; output = allreduce(x1 @ x2 + bias). Document: mc2/matmul_all_reduce/docs/aclnnMatmulAllReduce.md.
// Two-phase call: aclnnMatmulAllReduceGetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnMatmulAllReduce runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_MATMUL_ALL_REDUCE_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_MATMUL_ALL_REDUCE_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduceGetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *bias,
    const char *group,
    const char *reduceOp,
    int64_t commTurn,
    int64_t streamMode,
    const aclTensor *output,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnMatmulAllReduce(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_MATMUL_ALL_REDUCE_H_
