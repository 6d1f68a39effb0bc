// aclnnop/aclnn_trans_quant_param_v3.h — aclnnTransQuantParamV3: aclnnTransQuantParamV2 plus `roundMode`,
// how the fp32 scale becomes the 19-bit float of the UINT64 dequant-scale word: 0 truncates (V2), 1
// rounds to nearest, ties to even, first. Document: hicann/ops-nn quant/trans_quant_param_v2/docs/aclnnTransQuantParamV3.md.
// Two-phase call: aclnnTransQuantParamV3GetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnTransQuantParamV3 runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_QUANT_PARAM_V3_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_QUANT_PARAM_V3_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV3GetWorkspaceSize(
    const aclTensor *scale,
    const aclTensor *offset,
    int64_t roundMode,
    const aclTensor *out,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV3(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_QUANT_PARAM_V3_H_
