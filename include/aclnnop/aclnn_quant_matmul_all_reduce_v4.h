// aclnnop/aclnn_quant_matmul_all_reduce_v4.h — aclnnQuantMatmulAllReduceV4: int8 / fp8 / hifloat8 / MXFP4/8 / per-block quantised matmul + all-reduce, optional low-bit communication. Document: aclnnQuantMatmulAllReduceV4.md (seed 004).
// Two-phase call: aclnnQuantMatmulAllReduceV4GetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnQuantMatmulAllReduceV4 runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_V4_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_V4_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV4GetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *biasOptional,
    const aclTensor *x3Optional,
    const aclTensor *x1ScaleOptional,
    const aclTensor *x2ScaleOptional,
    const aclTensor *commQuantScale1Optional,
    const aclTensor *commQuantScale2Optional,
    const char *group,
    const char *reduceOp,
    int64_t commTurn,
    int64_t streamMode,
    int64_t groupSize,
    int64_t commQuantMode,
    const aclTensor *output,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV4(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_V4_H_
