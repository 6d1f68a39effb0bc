// aclnnop/aclnn_inplace_matmul_all_reduce_add_rms_norm.h — aclnnInplaceMatmulAllReduceAddRmsNorm: in-place: y is written into residual. Document: mc2/inplace_matmul_all_reduce_add_rms_norm/docs/aclnnInplaceMatmulAllReduceAddRmsNorm.md.
// Two-phase call: aclnnInplaceMatmulAllReduceAddRmsNormGetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnInplaceMatmulAllReduceAddRmsNorm runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_INPLACE_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_INPLACE_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *bias,
    const aclTensor *residual,
    const aclTensor *gamma,
    double epsilon,
    const char *group,
    const char *reduceOp,
    int64_t commTurn,
    int64_t streamMode,
    const aclTensor *normOut,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceMatmulAllReduceAddRmsNorm(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_INPLACE_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
