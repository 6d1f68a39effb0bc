// impl/ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h —
// aclnnMatmulAllReduceAddRmsNorm and its in-place variant inside impl/: the argument check that
// builds a plan (GetWorkspaceSize) and the run. The exported ABI functions are in
// matmul_all_reduce_add_rms_norm_api.cc.
//
// mm = allreduce_sum(x1 @ x2 + bias); y = mm + residual; normOut = y / sqrt(mean_n(y²) + ε) · γ
// (documents: aclnnMatmulAllReduceAddRmsNorm.md, aclnnInplaceMatmulAllReduceAddRmsNorm.md; facts:
// spec-notes/ops.md §6.1). The in-place variant is the same call with y = residual.
//
// Decisions (each also stated where it is implemented):
//  * Check order, the vendor's (ops.md §6.1): null x1, x2, residual, gamma (161001; also a null
//    reduceOp, which the vendor's tiling would dereference, and the out-pointers) -> live handles
//    -> ArnCheckShape (161002: x1, x2, residual rank >= 1, x1's last dim == x2's first, residual's
//    last == x2's last; then this suite's: no negative stride) -> the empty-tensor short-cut (any of x1, x2, residual, gamma empty: k == 0
//    is 161002, anything else SUCCESS with workspace 0 and nothing run, before streamMode) ->
//    streamMode 1 (161002) -> the generated layer's required pointers (group, y, normOut: 161001)
//    -> the tiling layer, refused here with ACLNN_ERR_INNER_TILING_ERROR 561002 (epsilon in (0, 1),
//    reduceOp's first three characters "sum", dtypes, ranks and shapes of residual / gamma / y /
//    normOut, x1 / x2 / bias as MatmulAllReduce, world size, INT32_MAX limits) -> this suite's
//    layout demands (161002, as MatmulAllReduce's: x1 contiguous, x2 plain or transposed, views
//    within storage, outputs not self-overlapping, normOut disjoint from y and residual) -> group
//    resolution (161002) -> device memory (161002).
//  * The matmul + all-reduce is MatmulAllReduce's run (its plan, its pipeline), writing into
//    normOut as the vendor's kernel does; the add + RMS-norm pass follows on the same stream task.
#ifndef MC2_IMPL_OPS_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
#define MC2_IMPL_OPS_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_

#include <cstdint>
#include <memory>

#include "aclnn/acl_meta.h"
#include "ops/common/executor.h"
#include "ops/common/tensor_desc.h"
#include "ops/matmul_all_reduce/matmul_all_reduce.h"

namespace mc2::impl::ops {

struct ArnArgs {
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const aclTensor *residual = nullptr;
    const aclTensor *gamma = nullptr;
    double epsilon = 0.0;
    const char *group = nullptr;
    const char *reduceOp = nullptr;
    int64_t commTurn = 0;
    int64_t streamMode = 0;
    const aclTensor *y = nullptr;  // the in-place variant passes residual
    const aclTensor *normOut = nullptr;
    bool inPlace = false;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
};

struct ArnPlan {
    MatmulAllReducePlan mm;  // its output is normOut
    TensorDesc residual, gamma, y;
    float epsilon = 0.0f;  // the attribute as the kernel holds it (fp32)
    bool inPlace = false;
};

aclnnStatus ArnPrepare(const char *api, const ArnArgs &args);

// The execute-phase run (matmul_all_reduce_add_rms_norm_run.cc).
std::unique_ptr<OpRun> MakeArnRun(ArnPlan plan);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
