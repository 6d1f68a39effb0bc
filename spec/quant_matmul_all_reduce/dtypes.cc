// spec/quant_matmul_all_reduce/dtypes.cc — the platform profile tables of the family:
// documented dtype combinations and world sizes.
//
// Sources: aclnnQuantMatmulAllReduce*.md parameter tables; shared/spec-notes/ops.md §1.5 rows 3,
// 6, 9, 10 (int8 × int8, int32 bias; dequant UINT64/INT64 → fp16 output without pertoken,
// FLOAT32 → fp16 output with pertoken, BF16 → bf16 output), §2.3 (op_api dtype order, tiling's
// dequant/pertoken pairing). Ascend 950: the same op_api lists (H's 910_95 branch differs only
// on 310P) and MatmulAllReduce's world sizes — UNVERIFIED (the public rows are stripped, §8.1).
#include "spec/quant_matmul_all_reduce/quant_matmul_all_reduce.h"

namespace mc2::spec::quant_matmul_all_reduce {

std::vector<DtypeRow> DtypeTable(std::string_view op) {
    std::vector<DtypeRow> rows = {
        {ACL_UINT64, ACL_FLOAT16, Pertoken::kNever},  // row 3
        {ACL_INT64, ACL_FLOAT16, Pertoken::kNever},   // row 9
        {ACL_BF16, ACL_BF16, Pertoken::kOptional},    // row 6 (pertoken fp32 allowed, §2.3 Gaps)
    };
    if (op != kV1) rows.push_back({ACL_FLOAT, ACL_FLOAT16, Pertoken::kAlways});  // row 10
    return rows;
}

const std::vector<aclDataType> &DequantDtypes() {
    static const std::vector<aclDataType> list = {ACL_UINT64, ACL_INT64, ACL_BF16, ACL_FLOAT};
    return list;
}

const std::vector<aclDataType> &OutputDtypes() {
    static const std::vector<aclDataType> list = {ACL_FLOAT16, ACL_BF16};
    return list;
}

const std::vector<aclDataType> &ForeignDtypes() {
    // The UT's int16 inputs, the unquantised family's fp16/bf16 on int8 slots, fp32, doubles.
    static const std::vector<aclDataType> list = {ACL_INT16, ACL_UINT8, ACL_DOUBLE, ACL_INT4, ACL_HIFLOAT8};
    return list;
}

const std::vector<int> &WorldSizes(harness::Platform platform) {
    static const std::vector<int> a2 = {1, 2, 4, 8};
    static const std::vector<int> a950 = {1, 2, 4, 8, 16, 32, 64};
    return platform == harness::Platform::kAtlasA2 ? a2 : a950;
}

}  // namespace mc2::spec::quant_matmul_all_reduce
