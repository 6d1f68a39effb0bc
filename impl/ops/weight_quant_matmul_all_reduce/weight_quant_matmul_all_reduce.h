// impl/ops/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h —
// aclnnWeightQuantMatmulAllReduce (A16W8 / A16W4) inside impl/: the argument check that builds
// an execution plan (GetWorkspaceSize) and the run that executes it on a stream.
//
// output = allreduce_sum(x1 @ ((x2 + antiquantOffset) * antiquantScale) + bias + x3)
// (document: aclnnWeightQuantMatmulAllReduce.md; facts: spec-notes/ops.md §2.2, §2.7, §8).
//
// Decisions (each also stated where it is implemented):
//  * Check order (ops.md §2.2): null (161001: x1, x2, antiquantScale, output, reduceOp, the
//    out-pointers) -> live handles -> dtype -> attributes (reduceOp exactly "sum", streamMode 1,
//    commTurn >= 0, antiquantGroupSize unless k == 0) -> shape (x1, x2, k, output, bias, x3;
//    unless k == 0 the scale and offset shapes and the newer op_api's rule that a 2-D scale
//    follows x2's transposition; an NZ x2 stops after x1's rank) -> layout hardening -> null
//    group (161001) -> an NZ x2's tiling refusals (561002, below) -> empty output
//    (161002, the newer op_api's answer) -> group resolution (161002) -> tiling limits (561002:
//    world size, k and n <= 65535, INT4's contiguous dim even, k == 0 with a group size) ->
//    device memory (161002).
//  * x2: ND INT8 or INT4 (two values per byte, element 0 in the low nibble: formats.md §9),
//    plain or transposed. 8-bit float weights (Ascend 950) are refused with 161002.
//  * x2 in FRACTAL_NZ (format FRACTAL_NZ, 4-D storage, as aclnnTransMatmulWeight makes it):
//    the op_api stops its shape checks after x1's rank (ops.md §1.4, §8.3); the skipped checks,
//    INT8 only, exactly the NZ storage of the (k, n) view and per-channel antiquant only are
//    refused in tiling (561002). The weight is read through ops/common/nz_layout.h.
//  * Antiquant as the A2 kernel does it (ops.md §2.2): fp16 x1 -> (x2 + offset) rounded to fp16,
//    times scale rounded to fp16; bf16 x1 -> both in fp32, the product rounded to bf16. Then the
//    MatmulAllReduce pipeline: fp32 accumulation from the bias, round to T, + x3 in fp32 rounded
//    to T, all-reduce in T, commTurn pieces as in MatmulAllReduce.
#ifndef MC2_IMPL_OPS_WEIGHT_QUANT_MATMUL_ALL_REDUCE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_IMPL_OPS_WEIGHT_QUANT_MATMUL_ALL_REDUCE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "aclnn/acl_meta.h"
#include "hccl/communicator.h"
#include "ops/common/executor.h"
#include "ops/common/nz_layout.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

struct WeightQuantMatmulAllReducePlan;

struct WeightQuantMatmulAllReduceArgs {
    const aclTensor *x1 = nullptr;
    const aclTensor *x2 = nullptr;
    const aclTensor *bias = nullptr;
    const aclTensor *antiquantScale = nullptr;
    const aclTensor *antiquantOffset = nullptr;
    const aclTensor *x3 = nullptr;
    const char *group = nullptr;
    const char *reduceOp = nullptr;
    int64_t commTurn = 0;
    int64_t streamMode = 0;
    int64_t antiquantGroupSize = 0;
    const aclTensor *output = nullptr;
    uint64_t *workspaceSize = nullptr;
    aclOpExecutor **executor = nullptr;
    // When set, a successful check hands the plan back here instead of publishing an executor
    // (the *MatmulAllReduceAddRmsNorm variants embed this matmul, ops.md §6.1).
    WeightQuantMatmulAllReducePlan *planOut = nullptr;
};

struct WeightQuantMatmulAllReducePlan {
    std::string api;
    aclDataType dataType = ACL_FLOAT16;  // x1, scale, offset, bias, x3, output
    aclDataType weightType = ACL_INT8;   // x2: INT8 or INT4
    TensorDesc x1, x2, scale, output;
    bool x2Nz = false;  // x2 in FRACTAL_NZ: element (q, j) at x2Layout.Index(0, q, j)
    NzPlan x2Layout;
    bool hasOffset = false, hasBias = false, hasX3 = false;
    TensorDesc offset, bias, x3;
    int64_t groupSize = 0;  // > 0: per group; else per tensor (one scale) or per channel
    int64_t m = 0, k = 0, n = 0;
    int64_t commTurn = 0;
    int64_t rowsPerPiece = 0;
    int64_t chunkRows = 0;
    // Workspace, each part 64-byte aligned: [staging m x n of T][fp32 accumulator chunkRows x n]
    // [dequantised weight k x n fp32][the weight packed for the GEMM].
    uint64_t accOffset = 0;
    uint64_t weightOffset = 0;
    uint64_t packedBOffset = 0;
    uint64_t workspaceBytes = 0;
    std::shared_ptr<hccl::Communicator> comm;
};

aclnnStatus WeightQuantMatmulAllReducePrepare(const char *api, const WeightQuantMatmulAllReduceArgs &args);

std::unique_ptr<OpRun> MakeWeightQuantMatmulAllReduceRun(WeightQuantMatmulAllReducePlan plan);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_WEIGHT_QUANT_MATMUL_ALL_REDUCE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_
