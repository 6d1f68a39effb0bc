// aclnnop/aclnn_trans_quant_param_v2.h — aclnnTransQuantParamV2: packs an fp32 scale (and optional offset) into the UINT64 dequant-scale format: (bits(scale) & 0xFFFFE000) | 1<<46 | (int9(offset) << 37). Document: hicann/ops-nn quant/trans_quant_param_v2.
// Two-phase call: aclnnTransQuantParamV2GetWorkspaceSize checks the arguments (161001 / 161002 with a
// message through aclGetRecentErrMsg) and builds an executor; aclnnTransQuantParamV2 runs it on a stream.
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_QUANT_PARAM_V2_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_QUANT_PARAM_V2_H_

#include "aclnn/aclnn_base.h"
#include "hccl/hccl.h"

#ifdef __cplusplus
extern "C" {
#endif

ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV2GetWorkspaceSize(
    const aclTensor *scale,
    const aclTensor *offset,
    const aclTensor *out,
    uint64_t *workspaceSize,
    aclOpExecutor **executor);

ACL_FUNC_VISIBILITY aclnnStatus aclnnTransQuantParamV2(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
    aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_QUANT_PARAM_V2_H_
