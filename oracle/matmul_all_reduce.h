// oracle/matmul_all_reduce.h — acceptance intervals for aclnnMatmulAllReduce / V2 with fp16 or
// bf16 inputs: output = allreduce_sum_r(x1_r @ x2_r + bias_r [+ x3_r]) in the output dtype T.
// The freedoms an implementation has along that pipeline are those of oracle/contract.h; the
// derivation of every bound is in matmul_all_reduce.cc and oracle/contract.md.
#ifndef MC2_ORACLE_MATMUL_ALL_REDUCE_H_
#define MC2_ORACLE_MATMUL_ALL_REDUCE_H_

#include <optional>
#include <span>
#include <vector>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/reference.h"

namespace mc2::oracle {

// One rank's inputs, decoded: x1 (m×k), x2 (k×n), bias (n) and x3 (m×n) optional. k may be 0
// (the output is then allreduce(bias + x3)).
struct MatmulAllReduceRank {
    Matrix x1;
    Matrix x2;
    std::optional<std::vector<double>> bias;
    std::optional<Matrix> x3;
    // When set, read instead of x1 / x2 (left empty then): the caller's matrices, which must
    // outlive the call, so that a binding passes its decoded inputs without copying them (at
    // the GPT-3 world-8 case, 2.9 GB of copies). Every reader goes through X1() / X2().
    const Matrix *x1_view = nullptr;
    const Matrix *x2_view = nullptr;
    const Matrix &X1() const { return x1_view != nullptr ? *x1_view : x1; }
    const Matrix &X2() const { return x2_view != nullptr ? *x2_view : x2; }
};

// Fast mode: the k-sums by OpenBLAS dgemm on the values and on their absolute values, each with
// a rigorous bound on dgemm's own rounding error. Throws std::invalid_argument when the ranks'
// shapes disagree or `out` is not ACL_FLOAT16 / ACL_BF16 / ACL_FLOAT.
Bounds MatmulAllReduceBounds(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                             const Contract &contract = Contract{});

// Fast mode under each of several contracts in one call: each rank's two dgemm run once for all
// of them (the k-sums do not depend on the contract; the harness asks for the contract's and
// the statistical level's bounds of every output, which doubled the GEMM work of a case). The
// i-th result is MatmulAllReduceBounds(ranks, out, contracts[i]) bit for bit.
std::vector<Bounds> MatmulAllReduceBoundsForContracts(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                                      std::span<const Contract> contracts);

// Self-check mode: the k-sums computed exactly with a long accumulator, the rest of the
// pipeline identical; `exact` is the exact result rounded to the nearest double. Slow: m·n·k·R
// exact additions.
Bounds MatmulAllReduceBoundsExact(const std::vector<MatmulAllReduceRank> &ranks, aclDataType out,
                                  const Contract &contract = Contract{});

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_MATMUL_ALL_REDUCE_H_
