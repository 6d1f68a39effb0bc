// spec/weight_quant_matmul_all_reduce/dtypes.cc — the platform profile tables of the family.
//
// Sources: aclnnWeightQuantMatmulAllReduce.md parameter table (x1, antiquantScale/Offset, bias,
// x3, output FLOAT16/BFLOAT16; x2 INT8/INT4 on Atlas A2); spec-notes/ops.md §1.5 (registered
// rows 4, 5, 7, 8), §2.2 step 2 (the Ascend 950 op_api adds 8-bit float weights), §2.1 (world
// sizes per platform, shared with MatmulAllReduce).
#include "spec/weight_quant_matmul_all_reduce/weight_quant_matmul_all_reduce.h"

namespace mc2::spec::weight_quant_matmul_all_reduce {

const std::vector<aclDataType> &ActivationDtypes() {
    static const std::vector<aclDataType> list = {ACL_FLOAT16, ACL_BF16};
    return list;
}

const std::vector<aclDataType> &WeightDtypes() {
    static const std::vector<aclDataType> list = {ACL_INT8, ACL_INT4};
    return list;
}

const std::vector<aclDataType> &Fp8WeightDtypes() {
    static const std::vector<aclDataType> list = {ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2, ACL_HIFLOAT8};
    return list;
}

const std::vector<aclDataType> &ForeignDtypes() {
    // What a caller plausibly passes by mistake: fp32 (the unit tests' "x1 fp32"), the integer
    // types of the neighbouring operators, fp64.
    static const std::vector<aclDataType> list = {ACL_FLOAT, ACL_INT32, ACL_DOUBLE, ACL_INT16};
    return list;
}

aclDataType OtherHalf(aclDataType dtype) { return dtype == ACL_BF16 ? ACL_FLOAT16 : ACL_BF16; }

const std::vector<int> &WorldSizes(harness::Platform platform) {
    static const std::vector<int> a2 = {1, 2, 4, 8};
    static const std::vector<int> a950 = {1, 2, 4, 8, 16, 32, 64};
    return platform == harness::Platform::kAtlasA2 ? a2 : a950;
}

}  // namespace mc2::spec::weight_quant_matmul_all_reduce
