// spec/trans_matmul_weight/trans_matmul_weight.h — the aclnnTransMatmulWeight family: the rule
// table in the vendor's op_api order, the dtype and rank tables per platform, and the valid-case
// generator. The binding (harness/ops/trans_matmul_weight.cc) registers Family().
//
// Sources: hicann/ops-math conversion/trans_data/docs/aclnnTransMatmulWeight.md (parameter table,
// return codes), op_api/aclnn_trans_matmul_weight.cpp (check order) and
// tests/ut/op_api/test_aclnn_trans_matmul_weight_l2.cpp (the vendor's own calls).
//
// aclnnCalculateMatmulWeightSize / V2 are not in this family: they have no executor and return a
// host integer, which the harness's tensor-based runner does not model; tests/ops/
// trans_matmul_weight_test.cc checks them through the ABI (every boundary, the documents' size
// examples, every check) against hand-written values.
#ifndef MC2_SPEC_TRANS_MATMUL_WEIGHT_TRANS_MATMUL_WEIGHT_H_
#define MC2_SPEC_TRANS_MATMUL_WEIGHT_TRANS_MATMUL_WEIGHT_H_

#include <string_view>
#include <vector>

#include "acl/acl_base.h"
#include "spec/case_edit.h"
#include "spec/catalogue.h"

namespace mc2::spec::trans_matmul_weight {

inline constexpr const char *kOp = "trans_matmul_weight";
inline constexpr const char *kWeight = "mm_weight_ref";

OpFamily Family();
const std::vector<Rule> &Rules();

// The documented mmWeightRef dtypes (parameter table): FLOAT16, BFLOAT16, INT8.
const std::vector<aclDataType> &DocumentedDtypes();
// Dtypes the vendor's op_api also accepts on Atlas A2/A3 and Ascend 950 but no document lists.
const std::vector<aclDataType> &UndocumentedDtypes();
// The highest rank mmWeightRef may have: INT8 6 everywhere, FLOAT16/BFLOAT16 6 on Atlas A2 and 2
// elsewhere (op_api CheckShapeDim / CheckShapeDimV2; unit test ascend950_dim_larger_than_2).
size_t MaxRank(harness::Platform platform, aclDataType dtype);

// Elements of the NZ weight of a view `shape` (the documented size formula,
// aclnnCalculateMatmulWeightSizeV2.md 计算公式: batch dims × Align(dim[-2], 16) × Align(dim[-1], C0),
// C0 = 16 for 2-byte and 32 for 1-byte dtypes); INT64_MAX when it does not fit or the shape has
// no NZ layout (rank below 2, a negative dim, another dtype width).
int64_t NzElements(const std::vector<int64_t> &shape, aclDataType dtype);

harness::Case GenerateValid(std::string_view op, harness::Platform platform, Choices &choices, const Limits &limits);

}  // namespace mc2::spec::trans_matmul_weight

#endif  // MC2_SPEC_TRANS_MATMUL_WEIGHT_TRANS_MATMUL_WEIGHT_H_
