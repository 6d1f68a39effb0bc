// spec/quant_matmul_all_reduce_v4/dtypes.cc — the platform profile tables of V4 (dtype lists,
// world sizes) and the tiling layer's scenario classification.
//
// Sources: seed 004 (aclnnQuantMatmulAllReduceV4.md: 参数说明, 约束说明, the two dtype tables per
// product), shared/spec-notes/ops.md §2.5 (op_api lists; Y's tiling classification), §8.1 (H vs
// Y: FLOAT4_E1M2 accepted by H, refused by Y and absent from seed 004 — refused here).
#include "spec/quant_matmul_all_reduce_v4/quant_matmul_all_reduce_v4.h"

namespace mc2::spec::quant_matmul_all_reduce_v4 {

const char *ScenarioName(Scenario s) {
    switch (s) {
        case Scenario::kInt8:
            return "int8";
        case Scenario::kFp8:
            return "fp8 pertoken";
        case Scenario::kFp8Uint64:
            return "fp8 uint64";
        case Scenario::kPerBlock:
            return "per-block";
        case Scenario::kMx:
            return "mx";
        default:
            return "none";
    }
}

bool IsFp8(aclDataType d) { return d == ACL_FLOAT8_E4M3FN || d == ACL_FLOAT8_E5M2 || d == ACL_HIFLOAT8; }
bool IsFp4(aclDataType d) { return d == ACL_FLOAT4_E2M1 || d == ACL_FLOAT4_E1M2; }
bool IsLowFloat(aclDataType d) { return IsFp8(d) || IsFp4(d); }

Scenario Classify(aclDataType x1, aclDataType x2, std::optional<aclDataType> x1_scale, aclDataType x2_scale,
                  size_t x1_scale_rank, size_t x2_scale_rank) {
    const bool both_e8m0 = x1_scale == ACL_FLOAT8_E8M0 && x2_scale == ACL_FLOAT8_E8M0;
    if (x1 == ACL_INT8) return Scenario::kInt8;
    if (IsFp4(x1)) return IsFp4(x2) && both_e8m0 ? Scenario::kMx : Scenario::kNone;
    if (!IsFp8(x1) || !IsFp8(x2)) return Scenario::kNone;
    // MX: E4M3FN / E5M2 (seed 004's MXFP table; Y's tiling also takes HiF8 there, UNVERIFIED).
    if (both_e8m0) return x1 != ACL_HIFLOAT8 && x2 != ACL_HIFLOAT8 ? Scenario::kMx : Scenario::kNone;
    if (x2_scale == ACL_FLOAT) {
        if (x1_scale == ACL_FLOAT && x1_scale_rank >= 2 && x2_scale_rank == 2) return Scenario::kPerBlock;
        return Scenario::kFp8;
    }
    if (x2_scale == ACL_UINT64 || x2_scale == ACL_INT64) return Scenario::kFp8Uint64;
    return Scenario::kNone;
}

const std::vector<aclDataType> &InputDtypes() {
    static const std::vector<aclDataType> list = {ACL_INT8, ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2, ACL_HIFLOAT8,
                                                  ACL_FLOAT4_E2M1};
    return list;
}

const std::vector<aclDataType> &X2ScaleDtypes() {
    static const std::vector<aclDataType> list = {ACL_UINT64, ACL_INT64, ACL_BF16, ACL_FLOAT, ACL_FLOAT8_E8M0};
    return list;
}

const std::vector<aclDataType> &X1ScaleDtypes() {
    static const std::vector<aclDataType> list = {ACL_FLOAT, ACL_FLOAT8_E8M0};
    return list;
}

const std::vector<aclDataType> &ForeignDtypes() {
    // The unit test's int16, FLOAT4_E1M2 (H only, ops.md §8.1), 64-bit floats, unsigned bytes.
    static const std::vector<aclDataType> list = {ACL_INT16, ACL_UINT8, ACL_DOUBLE, ACL_INT4, ACL_FLOAT4_E1M2};
    return list;
}

const std::vector<int> &WorldSizes(harness::Platform platform) {
    static const std::vector<int> a2 = {1, 2, 4, 8};
    static const std::vector<int> a950 = {1, 2, 4, 8, 16, 32, 64};
    return platform == harness::Platform::kAtlasA2 ? a2 : a950;
}

}  // namespace mc2::spec::quant_matmul_all_reduce_v4
