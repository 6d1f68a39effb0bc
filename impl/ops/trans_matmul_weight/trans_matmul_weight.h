// impl/ops/trans_matmul_weight/trans_matmul_weight.h — aclnnTransMatmulWeight and
// aclnnCalculateMatmulWeightSize / V2 (include/aclnnop/aclnn_trans_matmul_weight.h).
//
// Facts (hicann/ops-math conversion/trans_data: docs/aclnnTransMatmulWeight.md,
// docs/aclnnCalculateMatmulWeightSize{,V2}.md, and the check order of op_api/
// aclnn_trans_matmul_weight.cpp):
// - TransMatmulWeight: mmWeightRef FLOAT16/BFLOAT16/INT8, format ND, rank 2–6, non-contiguous
//   allowed; afterwards the same tensor describes the weight in FRACTAL_NZ (storage format
//   FRACTAL_NZ, storage shape (…, W1, H1, 16, C0), ops/common/nz_layout.h). Codes: 161001 null;
//   161002 rank, format, dtype, empty tensor. Order: null → dtype → format ND → rank ≤ 8 → empty →
//   rank (INT8: 2–6; FLOAT16/BFLOAT16: 2–6 on Atlas A2/A3, exactly 2 elsewhere, vendor unit test
//   ascend950_dim_larger_than_2).
// - CalculateMatmulWeightSizeV2(shape, dtype): elements of the NZ weight (batch dims × last two
//   padded 16 × 16 for FLOAT16/BFLOAT16, 16 × 32 for INT8); 161001 null; 161002 empty, rank
//   outside 2–6, dtype; 361001 product not supported (never here: both emulated products are).
// - CalculateMatmulWeightSize (V1, no dtype): the FLOAT16 size; 161001 null, 161002 otherwise
//   (rank 2–6 on Atlas A2/A3, exactly 2 elsewhere).
//
// Decisions where the sources leave room (each says why):
// - An empty mmWeightRef is refused (161002): the document's return table lists it; the vendor's
//   op_api and unit test (ascend910B2_test_empty) accept it with nothing to do, so the suite's
//   spec must accept both answers.
// - Only the documented dtypes are accepted: the vendor's op_api also takes UINT8,
//   FLOAT8_E4M3FN and HIFLOAT8 on A2/A3, which no document lists.
// - Hardening (161002, beyond the vendor's checks): a view with negative strides, reaching past
//   its storage shape, or with a non-zero offset (where the NZ result would start is not
//   documented); memory that cannot hold the NZ layout from the storage base (the vendor writes
//   it regardless: a caller must allocate aclnnCalculateMatmulWeightSizeV2 elements, as the
//   documents' examples do); a size query with a zero or negative dim (V1's op_api multiplies
//   them in unchecked) or a size past INT64_MAX.
// - The layout is of the logical view (k, n): the vendor's op_api makes the view contiguous
//   before the transfer, so a transposed view is converted as the matrix it shows.
// - The descriptor changes at GetWorkspaceSize (as the vendor's op_api does); the data at
//   execution, staged through the workspace because source and destination are the same memory.
#ifndef MC2_IMPL_OPS_TRANS_MATMUL_WEIGHT_TRANS_MATMUL_WEIGHT_H_
#define MC2_IMPL_OPS_TRANS_MATMUL_WEIGHT_TRANS_MATMUL_WEIGHT_H_

#include <cstdint>
#include <memory>

#include "aclnn/acl_meta.h"
#include "ops/common/executor.h"
#include "ops/common/nz_layout.h"
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

struct TransMatmulWeightPlan {
    TensorDesc weight;  // the ND view as passed (read from here)
    NzPlan nz;
    int elementBytes = 0;
    uint64_t stageBytes = 0;  // the logical matrix, dense, in the workspace
};

aclnnStatus TransMatmulWeightPrepare(const char *api, aclTensor *mmWeightRef, uint64_t *workspaceSize,
                                     aclOpExecutor **executor);
std::unique_ptr<OpRun> MakeTransMatmulWeightRun(TransMatmulWeightPlan plan);

// `dataType` < 0: V1 (no dtype argument, the FLOAT16 size).
aclnnStatus CalculateMatmulWeightSize(const char *api, const aclIntArray *tensorShape, int32_t dataType,
                                      uint64_t *weightTensorSize);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_TRANS_MATMUL_WEIGHT_TRANS_MATMUL_WEIGHT_H_
