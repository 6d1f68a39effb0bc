// aclnnop/aclnn_quant_matmul_all_reduce.h — aclnnQuantMatmulAllReduce: A8W8: int8 matmul, int32 bias, dequantScale. Document: aclnnQuantMatmulAllReduce.md.
// Two-phase call: aclnnQuantMatmulAllReduceGetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnQuantMatmulAllReduce runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceGetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *bias,
    const aclTensor *x3,
    const aclTensor *dequantScale,
    const char *group,
    const char *reduceOp,
    int64_t commTurn,
    int64_t streamMode,
    const aclTensor *output,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduce(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_H_
