// impl/ops/matmul_all_reduce_add_rms_norm/matmul_all_reduce_add_rms_norm.h —
// aclnn[Quant|WeightQuant]MatmulAllReduceAddRmsNorm and their in-place variants inside impl/:
// the argument check that builds a plan (GetWorkspaceSize) and the run. The exported ABI
// functions are in matmul_all_reduce_add_rms_norm_api.cc and quantised_api.cc.
//
// mm = allreduce_sum(x1 @ x2 + bias); y = mm + residual; normOut = y / sqrt(mean_n(y²) + ε) · γ
// (documents: aclnn[Inplace][Quant|WeightQuant]MatmulAllReduceAddRmsNorm.md; facts:
// spec-notes/ops.md §6.1). The in-place variants are the same call with y = residual. The quant
// variant's mm is QuantMatmulAllReduce's (dequantScale · (x1 @ x2 + bias)), the weight-quant
// one's WeightQuantMatmulAllReduce's (x1 @ ((x2 + antiquantOffset) · antiquantScale) + bias):
// after this family's own checks, their plans are built by their own checks (planOut) and run
// as they are, writing into normOut; the add + RMS-norm pass is shared.
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
//    normOut, x1 / x2 / bias as MatmulAllReduce, the quant / weight-quant scale dtypes, shapes
//    and antiquantGroupSize, world size, INT32_MAX and 65535 limits) -> this suite's
//    layout demands (161002, as MatmulAllReduce's: x1 contiguous, x2 plain or transposed, views
//    within storage, outputs not self-overlapping, normOut disjoint from y and residual) -> group
//    resolution (161002) -> device memory (161002).
//  * The matmul + all-reduce is MatmulAllReduce's run (its plan, its pipeline), writing into
//    normOut as the vendor's kernel does; the add + RMS-norm pass follows on the same stream task.
#ifndef MC2_IMPL_OPS_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
#define MC2_IMPL_OPS_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "aclnn/acl_meta.h"
#include "ops/common/executor.h"
#include "ops/common/tensor_desc.h"
#include "ops/matmul_all_reduce/matmul_all_reduce.h"

namespace mc2::impl::ops {

enum class ArnVariant { kPlain, kQuant, kWeightQuant };

struct ArnArgs {
    ArnVariant variant = ArnVariant::kPlain;
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const aclTensor *dequantScale = nullptr;     // quant
    const aclTensor *antiquantScale = nullptr;   // weight-quant
    const aclTensor *antiquantOffset = nullptr;  // weight-quant, optional
    int64_t antiquantGroupSize = 0;              // weight-quant
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

// What the add + RMS-norm pass needs; the matmul's run (whichever variant) comes beside it.
struct ArnPlan {
    std::string api;
    std::shared_ptr<hccl::Communicator> comm;
    aclDataType dataType = ACL_FLOAT16;  // T: residual's, gamma's, y's, normOut's
    int64_t m = 0, n = 0;
    TensorDesc normOut;                  // the matmul all-reduces into it (T codes)
    TensorDesc residual, gamma, y;
    uint64_t workspaceBytes = 0;         // the matmul's
    float epsilon = 0.0f;  // the attribute as the kernel holds it (fp32)
    bool inPlace = false;
    ArnVariant variant = ArnVariant::kPlain;
};

aclnnStatus ArnPrepare(const char *api, const ArnArgs &args);

// The arguments all six GetWorkspaceSize functions take, packed (matmul_all_reduce_add_rms_norm_api.cc);
// the quantised ones (quantised_api.cc) then set their variant and its scales.
ArnArgs ArnCommonArgs(const aclTensor *x1, const aclTensor *x2, const aclTensor *bias, const aclTensor *residual,
                      const aclTensor *gamma, double epsilon, const char *group, const char *reduceOp,
                      int64_t commTurn, int64_t streamMode, const aclTensor *y, const aclTensor *normOut,
                      bool inPlace, uint64_t *workspaceSize, aclOpExecutor **executor);

// The execute-phase run (matmul_all_reduce_add_rms_norm_run.cc): `mm`, then the pass.
std::unique_ptr<OpRun> MakeArnRun(ArnPlan plan, std::unique_ptr<OpRun> mm);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_MATMUL_ALL_REDUCE_ADD_RMS_NORM_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
