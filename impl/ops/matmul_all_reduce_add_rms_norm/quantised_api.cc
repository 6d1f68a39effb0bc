// impl/ops/matmul_all_reduce_add_rms_norm/quantised_api.cc — the exported ABI of
// aclnn[Inplace]QuantMatmulAllReduceAddRmsNorm and aclnn[Inplace]WeightQuantMatmulAllReduceAddRmsNorm.
// The in-place variants are the out-of-place calls with y = residual (ops.md §6.1). Every body
// runs inside the exception barrier (AbiCall).
#include "aclnnop/aclnn_inplace_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_inplace_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "ops/common/executor.h"
#include "ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ArnArgs;
using mc2::impl::ops::ArnCommonArgs;
using mc2::impl::ops::ArnPrepare;
using mc2::impl::ops::ArnVariant;
using mc2::impl::ops::ExecutePhase;

namespace {

constexpr const char *kQuant = "aclnnQuantMatmulAllReduceAddRmsNorm";
constexpr const char *kInplaceQuant = "aclnnInplaceQuantMatmulAllReduceAddRmsNorm";
constexpr const char *kWeightQuant = "aclnnWeightQuantMatmulAllReduceAddRmsNorm";
constexpr const char *kInplaceWeightQuant = "aclnnInplaceWeightQuantMatmulAllReduceAddRmsNorm";

aclnnStatus Quant(const char *func, const char *api, bool inPlace, const aclTensor *x1, const aclTensor *x2,
                  const aclTensor *bias, const aclTensor *dequantScale, const aclTensor *residual,
                  const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp, int64_t commTurn,
                  int64_t streamMode, const aclTensor *y, const aclTensor *normOut, uint64_t *workspaceSize,
                  aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(func, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        ArnArgs a = ArnCommonArgs(x1, x2, bias, residual, gamma, epsilon, group, reduceOp, commTurn, streamMode, y,
                                  normOut, inPlace, workspaceSize, executor);
        a.variant = ArnVariant::kQuant;
        a.dequantScale = dequantScale;
        return ArnPrepare(api, a);
    });
}

aclnnStatus WeightQuant(const char *func, const char *api, bool inPlace, const aclTensor *x1, const aclTensor *x2,
                        const aclTensor *bias, const aclTensor *antiquantScale, const aclTensor *antiquantOffset,
                        const aclTensor *residual, const aclTensor *gamma, double epsilon, const char *group,
                        const char *reduceOp, int64_t commTurn, int64_t streamMode, int64_t antiquantGroupSize,
                        const aclTensor *y, const aclTensor *normOut, uint64_t *workspaceSize,
                        aclOpExecutor **executor) {
    return AbiCall<aclnnStatus>(func, ACLNN_ERR_INNER, ACLNN_ERR_INNER, [&] {
        ArnArgs a = ArnCommonArgs(x1, x2, bias, residual, gamma, epsilon, group, reduceOp, commTurn, streamMode, y,
                                  normOut, inPlace, workspaceSize, executor);
        a.variant = ArnVariant::kWeightQuant;
        a.antiquantScale = antiquantScale;
        a.antiquantOffset = antiquantOffset;
        a.antiquantGroupSize = antiquantGroupSize;
        return ArnPrepare(api, a);
    });
}

aclnnStatus Execute(const char *func, const char *api, void *workspace, uint64_t workspaceSize,
                    aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(func, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(api, workspace, workspaceSize, executor, stream); });
}

}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *dequantScale,
    const aclTensor *residual, const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp,
    int64_t commTurn, int64_t streamMode, const aclTensor *y, const aclTensor *normOut, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    return Quant(__func__, kQuant, false, x1, x2, bias, dequantScale, residual, gamma, epsilon, group, reduceOp,
                 commTurn, streamMode, y, normOut, workspaceSize, executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceAddRmsNorm(void *workspace,
                                                                               uint64_t workspaceSize,
                                                                               aclOpExecutor *executor,
                                                                               aclrtStream stream) {
    return Execute(__func__, kQuant, workspace, workspaceSize, executor, stream);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *dequantScale,
    const aclTensor *residual, const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp,
    int64_t commTurn, int64_t streamMode, const aclTensor *normOut, uint64_t *workspaceSize,
    aclOpExecutor **executor) {
    return Quant(__func__, kInplaceQuant, true, x1, x2, bias, dequantScale, residual, gamma, epsilon, group,
                 reduceOp, commTurn, streamMode, residual, normOut, workspaceSize, executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceQuantMatmulAllReduceAddRmsNorm(void *workspace,
                                                                                      uint64_t workspaceSize,
                                                                                      aclOpExecutor *executor,
                                                                                      aclrtStream stream) {
    return Execute(__func__, kInplaceQuant, workspace, workspaceSize, executor, stream);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnWeightQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *antiquantScale,
    const aclTensor *antiquantOffset, const aclTensor *residual, const aclTensor *gamma, double epsilon,
    const char *group, const char *reduceOp, int64_t commTurn, int64_t streamMode, int64_t antiquantGroupSize,
    const aclTensor *y, const aclTensor *normOut, uint64_t *workspaceSize, aclOpExecutor **executor) {
    return WeightQuant(__func__, kWeightQuant, false, x1, x2, bias, antiquantScale, antiquantOffset, residual, gamma,
                       epsilon, group, reduceOp, commTurn, streamMode, antiquantGroupSize, y, normOut, workspaceSize,
                       executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnWeightQuantMatmulAllReduceAddRmsNorm(void *workspace,
                                                                                     uint64_t workspaceSize,
                                                                                     aclOpExecutor *executor,
                                                                                     aclrtStream stream) {
    return Execute(__func__, kWeightQuant, workspace, workspaceSize, executor, stream);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceWeightQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *antiquantScale,
    const aclTensor *antiquantOffset, const aclTensor *residual, const aclTensor *gamma, double epsilon,
    const char *group, const char *reduceOp, int64_t commTurn, int64_t streamMode, int64_t antiquantGroupSize,
    const aclTensor *normOut, uint64_t *workspaceSize, aclOpExecutor **executor) {
    return WeightQuant(__func__, kInplaceWeightQuant, true, x1, x2, bias, antiquantScale, antiquantOffset, residual,
                       gamma, epsilon, group, reduceOp, commTurn, streamMode, antiquantGroupSize, residual, normOut,
                       workspaceSize, executor);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnInplaceWeightQuantMatmulAllReduceAddRmsNorm(void *workspace,
                                                                                            uint64_t workspaceSize,
                                                                                            aclOpExecutor *executor,
                                                                                            aclrtStream stream) {
    return Execute(__func__, kInplaceWeightQuant, workspace, workspaceSize, executor, stream);
}
