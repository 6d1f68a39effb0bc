// impl/ops/quant_matmul_all_reduce/quant_matmul_all_reduce_api.cc — the exported ABI of
// aclnnQuantMatmulAllReduce, V2 and V3 (include/aclnnop/aclnn_quant_matmul_all_reduce*.h). Every
// body runs inside the exception barrier: an escaped exception becomes ACLNN_ERR_INNER (561000).
#include "aclnnop/aclnn_quant_matmul_all_reduce.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v2.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v3.h"
#include "ops/common/executor.h"
#include "ops/quant_matmul_all_reduce/quant_matmul_all_reduce.h"
#include "runtime/abi_call.h"

using mc2::impl::AbiCall;
using mc2::impl::ops::ExecutePhase;
using mc2::impl::ops::QuantMatmulAllReduceArgs;
using mc2::impl::ops::QuantMatmulAllReducePrepare;
using mc2::impl::ops::QuantMatmulAllReduceVersion;

namespace {

constexpr const char *kV1 = "aclnnQuantMatmulAllReduce";
constexpr const char *kV2 = "aclnnQuantMatmulAllReduceV2";
constexpr const char *kV3 = "aclnnQuantMatmulAllReduceV3";

aclnnStatus Prepare(const char *func, const char *api, const QuantMatmulAllReduceArgs &a) {
    return AbiCall<aclnnStatus>(func, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return QuantMatmulAllReducePrepare(api, a); });
}

}  // namespace

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceGetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *x3, const aclTensor *dequantScale,
    const char *group, const char *reduceOp, int64_t commTurn, int64_t streamMode, const aclTensor *output,
    uint64_t *workspaceSize, aclOpExecutor **executor) {
    QuantMatmulAllReduceArgs a;
    a.version = QuantMatmulAllReduceVersion::kV1;
    a.x1 = x1;
    a.x2 = x2;
    a.bias = bias;
    a.x3 = x3;
    a.dequantScale = dequantScale;
    a.group = group;
    a.reduceOp = reduceOp;
    a.commTurn = commTurn;
    a.streamMode = streamMode;
    a.output = output;
    a.workspaceSize = workspaceSize;
    a.executor = executor;
    return Prepare(__func__, kV1, a);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduce(void *workspace, uint64_t workspaceSize,
                                                                     aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kV1, workspace, workspaceSize, executor, stream); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV2GetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *biasOptional, const aclTensor *x3Optional,
    const aclTensor *dequantScale, const aclTensor *pertokenScaleOptional, const char *group, const char *reduceOp,
    int64_t commTurn, int64_t streamMode, const aclTensor *output, uint64_t *workspaceSize, aclOpExecutor **executor) {
    QuantMatmulAllReduceArgs a;
    a.version = QuantMatmulAllReduceVersion::kV2;
    a.x1 = x1;
    a.x2 = x2;
    a.bias = biasOptional;
    a.x3 = x3Optional;
    a.dequantScale = dequantScale;
    a.pertokenScale = pertokenScaleOptional;
    a.group = group;
    a.reduceOp = reduceOp;
    a.commTurn = commTurn;
    a.streamMode = streamMode;
    a.output = output;
    a.workspaceSize = workspaceSize;
    a.executor = executor;
    return Prepare(__func__, kV2, a);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV2(void *workspace, uint64_t workspaceSize,
                                                                       aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kV2, workspace, workspaceSize, executor, stream); });
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV3GetWorkspaceSize(
    const aclTensor *x1, const aclTensor *x2, const aclTensor *biasOptional, const aclTensor *x3Optional,
    const aclTensor *dequantScale, const aclTensor *pertokenScaleOptional, const aclTensor *commQuantScale1Optional,
    const aclTensor *commQuantScale2Optional, const char *group, const char *reduceOp, int64_t commTurn,
    int64_t streamMode, const aclTensor *output, uint64_t *workspaceSize, aclOpExecutor **executor) {
    QuantMatmulAllReduceArgs a;
    a.version = QuantMatmulAllReduceVersion::kV3;
    a.x1 = x1;
    a.x2 = x2;
    a.bias = biasOptional;
    a.x3 = x3Optional;
    a.dequantScale = dequantScale;
    a.pertokenScale = pertokenScaleOptional;
    a.commQuantScale1 = commQuantScale1Optional;
    a.commQuantScale2 = commQuantScale2Optional;
    a.group = group;
    a.reduceOp = reduceOp;
    a.commTurn = commTurn;
    a.streamMode = streamMode;
    a.output = output;
    a.workspaceSize = workspaceSize;
    a.executor = executor;
    return Prepare(__func__, kV3, a);
}

extern "C" ACL_FUNC_VISIBILITY aclnnStatus aclnnQuantMatmulAllReduceV3(void *workspace, uint64_t workspaceSize,
                                                                       aclOpExecutor *executor, aclrtStream stream) {
    return AbiCall<aclnnStatus>(__func__, ACLNN_ERR_INNER, ACLNN_ERR_INNER,
                                [&] { return ExecutePhase(kV3, workspace, workspaceSize, executor, stream); });
}
