// aclnnop/aclnn_trans_matmul_weight.h — converts an ND matmul weight in place into the
// FRACTAL_NZ layout the cube unit reads, and sizes the storage that layout needs.
// Document: hicann/ops-nn matmul docs (aclnnTransMatmulWeight, aclnnCalculateMatmulWeightSizeV2).
#ifndef MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_MATMUL_WEIGHT_H_
#define MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_MATMUL_WEIGHT_H_

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

// Bytes needed to hold a weight of logical shape `tensorShape` and element type `dataType` once
// padded to the NZ tiles (written to *weightTensorSize).
ACL_FUNC_VISIBILITY aclnnStatus aclnnCalculateMatmulWeightSizeV2(const aclIntArray *tensorShape,
                                                                 aclDataType dataType,
                                                                 uint64_t *weightTensorSize);
ACL_FUNC_VISIBILITY aclnnStatus aclnnCalculateMatmulWeightSize(const aclIntArray *tensorShape,
                                                               uint64_t *weightTensorSize);

ACL_FUNC_VISIBILITY aclnnStatus aclnnTransMatmulWeightGetWorkspaceSize(aclTensor *mmWeightRef,
                                                                       uint64_t *workspaceSize,
                                                                       aclOpExecutor **executor);
ACL_FUNC_VISIBILITY aclnnStatus aclnnTransMatmulWeight(void *workspace, uint64_t workspaceSize,
                                                       aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif

#endif  // MC2_INCLUDE_ACLNNOP_ACLNN_TRANS_MATMUL_WEIGHT_H_
