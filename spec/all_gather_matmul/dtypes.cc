// spec/all_gather_matmul/dtypes.cc — the platform profile tables of aclnnAllGatherMatmul.
//
// Sources: aclnnAllGatherMatmul.md 参数说明 (x1, x2, bias, output, gatherOut: FLOAT16, BFLOAT16;
// "与x1的数据类型保持一致") and 约束说明 (Atlas A2: 2, 4, 8 cards; Atlas A3: 2, 4, 8, 16, 32). The
// document has no Ascend 950 row; the operator definition registers ascend910_95 and the
// tiling keeps the A2 and A3 lists (ops.md §5.1): the 950 profile takes the A3 list.
#include "spec/all_gather_matmul/all_gather_matmul.h"

namespace mc2::spec::all_gather_matmul {

const std::vector<aclDataType> &Dtypes(harness::Platform) {
    static const std::vector<aclDataType> list = {ACL_FLOAT16, ACL_BF16};
    return list;
}

const std::vector<aclDataType> &ForeignDtypes() {
    static const std::vector<aclDataType> list = {ACL_FLOAT, ACL_INT8, ACL_INT32, ACL_DOUBLE, ACL_INT16,
                                                  ACL_FLOAT8_E4M3FN};
    return list;
}

aclDataType OtherHalf(aclDataType dtype) { return dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16; }

const std::vector<int> &WorldSizes(harness::Platform platform) {
    static const std::vector<int> a2 = {2, 4, 8};
    static const std::vector<int> a950 = {2, 4, 8, 16, 32};
    return platform == harness::Platform::kAtlasA2 ? a2 : a950;
}

}  // namespace mc2::spec::all_gather_matmul
