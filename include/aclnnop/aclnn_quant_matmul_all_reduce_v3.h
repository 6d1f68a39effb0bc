// aclnnop/aclnn_quant_matmul_all_reduce_v3.h — aclnnQuantMatmulAllReduceV3: adds int8 low-bit communication scales. Document: aclnnQuantMatmulAllReduceV3.md.
// Two-phase call: aclnnQuantMatmulAllReduceV3GetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnQuantMatmulAllReduceV3 runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_V3_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_V3_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV3GetWorkspaceSize(
    const aclTensor *x1,
    const aclTensor *x2,
    const aclTensor *biasOptional,
    const aclTensor *x3Optional,
    const aclTensor *dequantScale,
    const aclTensor *pertokenScaleOptional,
    const aclTensor *commQuantScale1Optional,
    const aclTensor *commQuantScale2Optional,
    const char *group,
    const char *reduceOp,
    int64_t commTurn,
    int64_t streamMode,
    const aclTensor *output,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV3(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_QUANT_MATMUL_ALL_REDUCE_V3_H_
