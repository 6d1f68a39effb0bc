// oracle/matmul_all_reduce_add_rms_norm.h — acceptance intervals for
// aclnn[Inplace]MatmulAllReduceAddRmsNorm with fp16 or bf16 tensors:
//   mm = allreduce_sum_r(x1_r @ x2 + bias_r) in T      (oracle/matmul_all_reduce.h)
//   y = round_T(mm + residual)
//   normOut = round_T(round_T(y · rstd) · gamma), rstd = 1 / sqrt(Σ_j y_j²·(1/n) + ε) in fp32
// (spec-notes/ops.md §6.1, the kernel's order). Derivation in the .cc; the freedoms are those of
// oracle/contract.h for mm, IEEE fp32 operations after it (the contract text, contract.md).
#ifndef MC2_ORACLE_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
#define MC2_ORACLE_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_

#include <vector>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/matmul_all_reduce.h"
#include "oracle/reference.h"

namespace mc2::oracle {

// The call's inputs, decoded. ranks: x1 (m×k), x2 (k×n), bias per rank (x3 absent); residual
// (m×n: b·s rows); gamma (n); epsilon as the caller passed it.
struct AddRmsNormInputs {
    std::vector<MatmulAllReduceRank> ranks;
    Matrix residual;
    std::vector<double> gamma;
    double epsilon = 1e-6;
};

struct AddRmsNormBounds {
    Bounds y;
    Bounds norm_out;
    // Rows whose rstd interval is too wide to mean anything (its ends more than a factor 2
    // apart, unbounded, or reached by a non-finite y): their normOut elements admit anything.
    int64_t rows_unjudged = 0;
};

// Fast mode (mm by MatmulAllReduceBounds). Throws std::invalid_argument when shapes disagree or
// `out` is not ACL_FLOAT16 / ACL_BF16.
AddRmsNormBounds MatmulAllReduceAddRmsNormBounds(const AddRmsNormInputs &in, aclDataType out,
                                                 const Contract &contract = Contract{});
// Self-check mode: mm by MatmulAllReduceBoundsExact, the rest identical.
AddRmsNormBounds MatmulAllReduceAddRmsNormBoundsExact(const AddRmsNormInputs &in, aclDataType out,
                                                      const Contract &contract = Contract{});

// The same from mm's bounds computed by the caller (MatmulAllReduceBounds of in.ranks, which
// this does not read): lets a caller that needs every rank's y and normOut compute the shared
// all-reduce once.
AddRmsNormBounds AddRmsNormFromMatmulBounds(const AddRmsNormInputs &in, const Bounds &mm, aclDataType out,
                                            const Contract &contract = Contract{});

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_MATMUL_ALL_REDUCE_ADD_RMS_NORM_H_
