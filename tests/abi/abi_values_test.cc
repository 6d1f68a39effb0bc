// tests/abi/abi_values_test.cc — the public headers carry CANN's documented values
// (shared/spec-notes/abi.md), every operator header compiles on its own, and op::fp16_t
// converts as IEEE binary16 does (formats.md §11 vectors).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "aclnn/opdev/fp16_t.h"
#include "aclnnop/aclnn_all_gather_matmul.h"
#include "aclnnop/aclnn_inplace_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_inplace_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_inplace_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_matmul_all_reduce.h"
#include "aclnnop/aclnn_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_matmul_all_reduce_v2.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v2.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v3.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v4.h"
#include "aclnnop/aclnn_trans_matmul_weight.h"
#include "aclnnop/aclnn_trans_quant_param_v2.h"
#include "aclnnop/aclnn_trans_quant_param_v3.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "atb/atb_infer.h"

namespace {

// abi.md "aclDataType" table.
static_assert(ACL_DT_UNDEFINED == -1 && ACL_FLOAT == 0 && ACL_FLOAT16 == 1 && ACL_INT8 == 2 && ACL_INT32 == 3);
static_assert(ACL_UINT8 == 4 && ACL_INT16 == 6 && ACL_UINT16 == 7 && ACL_UINT32 == 8 && ACL_INT64 == 9);
static_assert(ACL_UINT64 == 10 && ACL_DOUBLE == 11 && ACL_BOOL == 12 && ACL_STRING == 13);
static_assert(ACL_COMPLEX64 == 16 && ACL_COMPLEX128 == 17 && ACL_BF16 == 27 && ACL_INT4 == 29 && ACL_UINT1 == 30);
static_assert(ACL_COMPLEX32 == 33 && ACL_HIFLOAT8 == 34 && ACL_FLOAT8_E5M2 == 35 && ACL_FLOAT8_E4M3FN == 36);
static_assert(ACL_FLOAT8_E8M0 == 37 && ACL_FLOAT6_E3M2 == 38 && ACL_FLOAT6_E2M3 == 39);
static_assert(ACL_FLOAT4_E2M1 == 40 && ACL_FLOAT4_E1M2 == 41);
// abi.md "aclFormat" table.
static_assert(ACL_FORMAT_UNDEFINED == -1 && ACL_FORMAT_NCHW == 0 && ACL_FORMAT_NHWC == 1 && ACL_FORMAT_ND == 2);
static_assert(ACL_FORMAT_NC1HWC0 == 3 && ACL_FORMAT_FRACTAL_Z == 4 && ACL_FORMAT_NC1HWC0_C04 == 12);
static_assert(ACL_FORMAT_HWCN == 16 && ACL_FORMAT_NDHWC == 27 && ACL_FORMAT_FRACTAL_NZ == 29);
static_assert(ACL_FORMAT_NCDHW == 30 && ACL_FORMAT_NDC1HWC0 == 32 && ACL_FRACTAL_Z_3D == 33);
static_assert(ACL_FORMAT_NC == 35 && ACL_FORMAT_NCL == 47 && ACL_FORMAT_FRACTAL_NZ_C0_16 == 50);
static_assert(ACL_FORMAT_FRACTAL_NZ_C0_32 == 51 && ACL_FORMAT_FRACTAL_NZ_C0_2 == 52);
static_assert(ACL_FORMAT_FRACTAL_NZ_C0_4 == 53 && ACL_FORMAT_FRACTAL_NZ_C0_8 == 54);
// abi.md "aclnnStatus" table.
static_assert(ACLNN_SUCCESS == 0 && ACLNN_ERR_PARAM_NULLPTR == 161001 && ACLNN_ERR_PARAM_INVALID == 161002);
static_assert(ACLNN_ERR_RUNTIME_ERROR == 361001 && ACLNN_ERR_INNER == 561000);
static_assert(ACLNN_ERR_INNER_INFERSHAPE_ERROR == 561001 && ACLNN_ERR_INNER_TILING_ERROR == 561002);
static_assert(ACLNN_ERR_INNER_FIND_KERNEL_ERROR == 561003 && ACLNN_ERR_INNER_CREATE_EXECUTOR == 561101);
static_assert(ACLNN_ERR_INNER_NULLPTR == 561103 && ACLNN_ERR_INNER_ATTR_NUM_OUT_OF_BOUND == 561114);
static_assert(ACLNN_ERR_INNER_STATIC_BLOCK_DIM_INVALID == 561119);
// CANN hccl_types.h.
static_assert(HCCL_SUCCESS == 0 && HCCL_E_PARA == 1 && HCCL_E_PTR == 2 && HCCL_E_TIMEOUT == 9 && HCCL_E_REMOTE == 21);
static_assert(HCCL_DATA_TYPE_INT8 == 0 && HCCL_DATA_TYPE_FP16 == 3 && HCCL_DATA_TYPE_FP32 == 4);
static_assert(HCCL_DATA_TYPE_BFP16 == 11 && HCCL_DATA_TYPE_INT128 == 12);
static_assert(HCCL_REDUCE_SUM == 0 && HCCL_REDUCE_MIN == 3 && sizeof(HcclRootInfo) == 4108);
// ATB ErrorType by position (spec-notes/ops.md §7).
static_assert(atb::ERROR_INVALID_PARAM == 1 && atb::ERROR_INVALID_IN_TENSOR_NUM == 5);
static_assert(atb::ERROR_INVALID_TENSOR_DIM == 8 && atb::ERROR_INVALID_TENSOR_SIZE == 9);
static_assert(atb::ERROR_CANN_ERROR == 12 && atb::ERROR_INVALID_TENSOR_INI_MATCH == 13);
// Runtime codes (CANN rt_error_codes.h).
static_assert(ACL_ERROR_RT_PARAM_INVALID == 107000 && ACL_ERROR_RT_STREAM_SYNC_TIMEOUT == 507046);

uint32_t Bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
float FromBits(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

TEST(Fp16T, EncodesDocumentedVectors) {
    // formats.md §11 FP16 table: f32 bits -> fp16 code.
    const std::pair<uint32_t, uint16_t> vectors[] = {
        {0x3F800000, 0x3C00}, {0xC0200000, 0xC100}, {0x477FE000, 0x7BFF}, {0x477FEFFF, 0x7BFF},
        {0x477FF000, 0x7C00}, {0x33800000, 0x0001}, {0x33000000, 0x0000}, {0x33000001, 0x0001},
        {0x3F801000, 0x3C00}, {0x3F803000, 0x3C02}, {0x3DCCCCCD, 0x2E66}, {0x387FE000, 0x0400},
        {0x80000000, 0x8000}, {0x7FC00000, 0x7E00}, {0xFFC00000, 0xFE00}, {0x7F800001, 0x7E00},
    };
    for (const auto &[in, code] : vectors) {
        EXPECT_EQ(op::fp16_t(FromBits(in)).val, code) << std::hex << "input 0x" << in;
    }
}

TEST(Fp16T, DecodesEveryCodeAndRoundTrips) {
    for (uint32_t c = 0; c < 0x10000; ++c) {
        const float f = op::fp16_t::FromBits(static_cast<uint16_t>(c));
        const uint32_t exp = (c >> 10) & 0x1F;
        const uint32_t mant = c & 0x3FF;
        if (exp == 0x1F && mant != 0) {
            EXPECT_NE(f, f) << c;  // NaN stays NaN
            continue;
        }
        // Value from the definition: (-1)^s * 2^(e-15) * (1 + m/1024), subnormal 2^-14 * m/1024.
        double expect = exp == 0x1F ? std::numeric_limits<double>::infinity()
                        : exp == 0  ? std::ldexp(static_cast<double>(mant), -24)
                                    : std::ldexp(1.0 + mant / 1024.0, static_cast<int>(exp) - 15);
        if (c & 0x8000) expect = -expect;
        EXPECT_EQ(static_cast<double>(f), expect) << c;
        EXPECT_EQ(op::fp16_t(f).val, c) << c;  // every code round-trips, including -0 and Inf
    }
}

TEST(Fp16T, VectorOfOnesAsTheExamplesUse) {
    std::vector<op::fp16_t> v(4, 1);
    for (const auto &h : v) EXPECT_EQ(h.val, 0x3C00);
    EXPECT_EQ(Bits(static_cast<float>(v[0])), 0x3F800000u);
}

}  // namespace
