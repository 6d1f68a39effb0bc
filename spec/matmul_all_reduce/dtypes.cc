// spec/matmul_all_reduce/dtypes.cc — the platform profile tables of the family: documented
// dtype combinations and world sizes.
//
// Sources: aclnnMatmulAllReduce.md / aclnnMatmulAllReduceV2.md parameter tables (x1, x2, bias,
// x3, output: FLOAT16, BFLOAT16) and 约束说明 (all dtypes equal; Atlas A2: 1, 2, 4, 8 cards);
// spec-notes/ops.md §2.1 (Ascend 950 world sizes {1,2,4,8,16,32,64} from the newer tiling code,
// same dtype lists on both platforms, §8.1).
#include <algorithm>

#include "spec/matmul_all_reduce/matmul_all_reduce.h"

namespace mc2::spec::matmul_all_reduce {

const std::vector<DtypeRow> &DtypeTable(harness::Platform) {
    static const std::vector<DtypeRow> table = {
        {ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16},
        {ACL_BF16, ACL_BF16, ACL_BF16, ACL_BF16, ACL_BF16},
    };
    return table;
}

std::vector<aclDataType> Allowed(harness::Platform platform, aclDataType DtypeRow::*column) {
    std::vector<aclDataType> out;
    for (const DtypeRow &row : DtypeTable(platform)) {
        if (std::find(out.begin(), out.end(), row.*column) == out.end()) out.push_back(row.*column);
    }
    return out;
}

const std::vector<aclDataType> &ForeignDtypes() {
    // Types a caller plausibly passes by mistake: fp32 (the UT's "x1 fp32"), the quantised
    // family's int8/int32, and 8-bit floats of the newer platforms.
    static const std::vector<aclDataType> list = {ACL_FLOAT, ACL_INT8, ACL_INT32, ACL_DOUBLE,
                                                  ACL_INT16, ACL_FLOAT8_E4M3FN, ACL_HIFLOAT8};
    return list;
}

aclDataType OtherHalf(aclDataType dtype) { return dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16; }

const std::vector<int> &WorldSizes(harness::Platform platform) {
    static const std::vector<int> a2 = {1, 2, 4, 8};
    static const std::vector<int> a950 = {1, 2, 4, 8, 16, 32, 64};
    return platform == harness::Platform::kAtlasA2 ? a2 : a950;
}

}  // namespace mc2::spec::matmul_all_reduce
