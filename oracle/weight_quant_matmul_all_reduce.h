// oracle/weight_quant_matmul_all_reduce.h — acceptance intervals for
// aclnnWeightQuantMatmulAllReduce (A16W8 / A16W4):
//   output = allreduce_sum_r(x1_r @ w_r + bias_r + x3_r),  w_r = (x2_r + offset_r) · scale_r
// in the output dtype T (= x1's dtype, fp16 or bf16). The antiquant step's rounding is only
// partly documented (ops.md §2.2), so the intervals are the union over its readings (see
// Antiquant below and oracle/contract.md "Weight-quant antiquant"); everything after it is the
// MatmulAllReduce pipeline of oracle/contract.h (oracle/matmul_all_reduce.h).
#ifndef MC2_ORACLE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_
#define MC2_ORACLE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::oracle {

// One rank's inputs, decoded: x1 (m×k), x2 (k×n, the integer weights), scale and offset as the
// harness decodes them (a 1-D tensor is one row): 1×1 per tensor, 1×n per channel, or
// ceil(k/G)×n per group (G = group_size > 0; row t/G serves k index t). bias (n), x3 (m×n).
struct WeightQuantMatmulAllReduceRank {
    Matrix x1;
    Matrix x2;
    Matrix scale;
    std::optional<Matrix> offset;
    int64_t group_size = 0;
    std::optional<std::vector<double>> bias;
    std::optional<Matrix> x3;
};

// How the antiquant step w = (x2 + offset) · scale may be rounded (each element the same way).
enum class Antiquant {
    kInT,          // add and multiply each rounded to T (the documented fp16 path: vector ops in fp16)
    kFp32ThenT,    // add and multiply in fp32, the product rounded to T (the documented bf16 path)
    kFp32Kept,     // add and multiply in fp32, the weight kept in fp32 for the matmul
};
// The dequantised weight of one rank under one reading (k×n), exactly as doubles.
Matrix DequantisedWeight(const WeightQuantMatmulAllReduceRank &rank, aclDataType t, Antiquant reading);
// The readings the interval admits for T: fp16 all three, bf16 kFp32ThenT and kFp32Kept (the
// documents give no bf16 vector path in bf16).
std::vector<Antiquant> AdmittedReadings(aclDataType t);

// Fast mode (MatmulAllReduceBounds per reading, then the union). Throws std::invalid_argument
// when the shapes disagree or `out` is not ACL_FLOAT16 / ACL_BF16.
Bounds WeightQuantMatmulAllReduceBounds(const std::vector<WeightQuantMatmulAllReduceRank> &ranks, aclDataType out,
                                        const Contract &contract = Contract{});
// Self-check mode: the k-sums with the exact long accumulator (MatmulAllReduceBoundsExact).
Bounds WeightQuantMatmulAllReduceBoundsExact(const std::vector<WeightQuantMatmulAllReduceRank> &ranks,
                                             aclDataType out, const Contract &contract = Contract{});

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_WEIGHT_QUANT_MATMUL_ALL_REDUCE_H_
