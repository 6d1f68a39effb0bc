// impl/ops/trans_matmul_weight/trans_matmul_weight_api.cc — the exported ABI of
// include/aclnnop/aclnn_trans_matmul_weight.h, each body inside the exception barrier.
#include "aclnnop/aclnn_trans_matmul_weight.h"
#include "ops/common/executor.h"
#include "ops/trans_matmul_weight/trans_matmul_weight.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnCalculateMatmulWeightSizeV2(const aclIntArray *tensorShape,
                                                                            aclDataType dataType,
                                                                            uint64_t *weightTensorSize) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        return mc2::impl::ops::CalculateMatmulWeightSize("aclnnCalculateMatmulWeightSizeV2", tensorShape,
                                                         static_cast<int32_t>(dataType), weightTensorSize);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnCalculateMatmulWeightSize(const aclIntArray *tensorShape,
                                                                          uint64_t *weightTensorSize) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        return mc2::impl::ops::CalculateMatmulWeightSize("aclnnCalculateMatmulWeightSize", tensorShape, -1,
                                                         weightTensorSize);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnTransMatmulWeightGetWorkspaceSize(aclTensor *mmWeightRef,
                                                                                  uint64_t *workspaceSize,
                                                                                  aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        return mc2::impl::ops::TransMatmulWeightPrepare("aclnnTransMatmulWeight", mmWeightRef, workspaceSize,
                                                        executor);
    });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnTransMatmulWeight(void *workspace, uint64_t workspaceSize,
                                                                  aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        return mc2::impl::ops::ExecutePhase("aclnnTransMatmulWeight", workspace, workspaceSize, executor, stream);
    });
}
