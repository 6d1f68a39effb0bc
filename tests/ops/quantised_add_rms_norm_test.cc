// tests/ops/quantised_add_rms_norm_test.cc — the implementation's own tests of
// aclnn[Inplace]QuantMatmulAllReduceAddRmsNorm and aclnn[Inplace]WeightQuantMatmulAllReduceAddRmsNorm
// through the exported ABI only, ranks as threads: each check's code in the family's order
// (ops.md §6.1: the scale's null check with the op_api's, the empty short-cut before streamMode,
// the embedded matmul's dtype / scale-shape / antiquantGroupSize rules as tiling refusals 561002,
// this suite's per-group layout demand as 161002), and the in-place quant call writing
// y = s·(x1 @ x2) + residual into residual (all ones, s a power of two: exact, computed here).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "aclnnop/aclnn_inplace_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_add_rms_norm.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce_add_rms_norm.h"
#include "hccl/hccl.h"
#include "tests/common/abi_world.h"

namespace {

using mc2::testing::DevTensor;
using mc2::testing::Numel;
using mc2::testing::Shape;
using mc2::testing::TakeErrors;
using mc2::testing::World;

size_t ElementBytes(aclDataType t) {
    switch (t) {
        case ACL_INT8: return 1;
        case ACL_INT32: case ACL_FLOAT: return 4;
        case ACL_UINT64: case ACL_INT64: return 8;
        default: return 2;
    }
}

// A contiguous tensor of `t` whose elements are `element` (its bytes, little-endian) repeated.
std::unique_ptr<DevTensor> Filled(aclDataType t, const Shape &shape, uint64_t element = 0) {
    const int64_t n = std::max<int64_t>(Numel(shape), 0);
    const size_t size = ElementBytes(t);
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * size);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(element >> (8 * (i % size)));
    std::vector<uint16_t> storage((bytes.size() + 1) / 2, 0);
    if (!bytes.empty()) std::memcpy(storage.data(), bytes.data(), bytes.size());
    return std::make_unique<DevTensor>(storage, shape, mc2::testing::Contiguous(shape), t, ACL_FORMAT_ND, Shape{n});
}

// TransQuantParamV2's packing of an fp32 scale (ops.md §3): bit 46 set, the scale's bits below.
uint64_t ScaleCode(float s) { return (uint64_t{1} << 46) | std::bit_cast<uint32_t>(s); }

// One call of either API; the default is valid: k = 64, n = 6, residual (2, 2, 6), fp16.
struct Call {
    bool weightQuant = false;
    aclDataType t = ACL_FLOAT16;
    Shape x1 = {4, 64}, x2 = {64, 6}, residual = {2, 2, 6}, gamma = {6};
    aclDataType x1Type = ACL_INT8, x2Type = ACL_INT8;
    std::optional<aclDataType> biasType;
    Shape scale = {1};
    aclDataType scaleType = ACL_UINT64;
    std::optional<Shape> offset;
    int64_t groupSize = 0;
    bool transposedX2 = false, nullScale = false;
    int64_t streamMode = 1;
};

Call WeightQuant() {
    Call c;
    c.weightQuant = true;
    c.x1Type = ACL_FLOAT16;
    c.scaleType = ACL_FLOAT16;
    c.scale = {2, 6};
    c.groupSize = 32;
    return c;
}

aclnnStatus Prepare(const Call &c) {
    World world(1);
    aclnnStatus status = 0;
    world.Run([&](uint32_t) {
        auto x1 = Filled(c.x1Type, c.x1);
        std::unique_ptr<DevTensor> x2;
        if (c.transposedX2) {
            const Shape strides = {1, c.x2[0]};
            const int64_t n = Numel(c.x2);
            x2 = std::make_unique<DevTensor>(std::vector<uint16_t>(static_cast<size_t>(n), 0), c.x2, strides, c.x2Type,
                                             ACL_FORMAT_ND, Shape{n});
        } else {
            x2 = Filled(c.x2Type, c.x2);
        }
        auto scale = Filled(c.scaleType, c.scale, c.scaleType == ACL_UINT64 ? ScaleCode(0.125f) : 0);
        auto offset = c.offset ? Filled(c.scaleType, *c.offset) : nullptr;
        auto bias = c.biasType ? Filled(*c.biasType, {c.x2[1]}) : nullptr;
        auto res = Filled(c.t, c.residual);
        auto gamma = Filled(c.t, c.gamma);
        auto y = Filled(c.t, c.residual);
        auto out = Filled(c.t, c.residual);
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        const aclTensor *s = c.nullScale ? nullptr : scale->t;
        status = c.weightQuant ? aclnnWeightQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
                                     x1->t, x2->t, bias ? bias->t : nullptr, s, offset ? offset->t : nullptr, res->t,
                                     gamma->t, 1e-6, world.groups[0].c_str(), "sum", 0, c.streamMode, c.groupSize,
                                     y->t, out->t, &ws, &exec)
                               : aclnnQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
                                     x1->t, x2->t, bias ? bias->t : nullptr, s, res->t, gamma->t, 1e-6,
                                     world.groups[0].c_str(), "sum", 0, c.streamMode, y->t, out->t, &ws, &exec);
        const std::string m = TakeErrors();
        if (status != 0) EXPECT_FALSE(m.empty()) << "a refusal must say why";
        if (status == 0 && exec != nullptr) {
            void *w = nullptr;
            if (ws > 0) EXPECT_EQ(aclrtMalloc(&w, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            const aclnnStatus run = c.weightQuant
                                        ? aclnnWeightQuantMatmulAllReduceAddRmsNorm(w, ws, exec, world.streams[0])
                                        : aclnnQuantMatmulAllReduceAddRmsNorm(w, ws, exec, world.streams[0]);
            EXPECT_EQ(run, 0) << TakeErrors();
            EXPECT_EQ(aclrtSynchronizeStream(world.streams[0]), ACL_SUCCESS) << TakeErrors();
            if (w) aclrtFree(w);
        }
    });
    return status;
}

constexpr aclnnStatus kNull = 161001, kInvalid = 161002, kTiling = 561002;

TEST(QuantArnChecks, CodesInTheFamilysOrder) {
    EXPECT_EQ(Prepare(Call{}), 0);
    Call c;
    c.biasType = ACL_INT32;
    c.scale = {6};
    EXPECT_EQ(Prepare(c), 0) << "per-channel dequantScale and an INT32 bias";
    c = Call{};
    c.nullScale = true;
    EXPECT_EQ(Prepare(c), kNull);
    c = Call{};
    c.x1 = {0, 64};
    c.residual = {0, 2, 6};
    c.streamMode = 0;
    EXPECT_EQ(Prepare(c), 0) << "an empty b*s takes the short-cut before streamMode";
    c = Call{};
    c.streamMode = 0;
    EXPECT_EQ(Prepare(c), kInvalid);
    c = Call{};
    c.scaleType = ACL_BF16;
    EXPECT_EQ(Prepare(c), kTiling) << "BF16 dequantScale with an FLOAT16 residual";
    c = Call{};
    c.scale = {7};
    EXPECT_EQ(Prepare(c), kTiling);
    c = Call{};
    c.x1Type = ACL_FLOAT16;
    EXPECT_EQ(Prepare(c), kTiling);
    c = Call{};
    c.biasType = ACL_FLOAT16;
    EXPECT_EQ(Prepare(c), kTiling);
}

TEST(WeightQuantArnChecks, CodesInTheFamilysOrder) {
    EXPECT_EQ(Prepare(WeightQuant()), 0) << "per-group scale, G = 32, k = 64";
    Call c = WeightQuant();
    c.offset = Shape{2, 6};
    EXPECT_EQ(Prepare(c), 0);
    c = WeightQuant();
    c.nullScale = true;
    EXPECT_EQ(Prepare(c), kNull);
    c = WeightQuant();
    c.x2Type = ACL_FLOAT16;
    EXPECT_EQ(Prepare(c), kTiling);
    c = WeightQuant();
    c.scaleType = ACL_BF16;
    EXPECT_EQ(Prepare(c), kTiling) << "antiquantScale must have x1's dtype";
    c = WeightQuant();
    c.groupSize = 16;
    EXPECT_EQ(Prepare(c), kTiling);
    c = WeightQuant();
    c.groupSize = 64;  // > k - 1
    c.scale = {1, 6};
    EXPECT_EQ(Prepare(c), kTiling);
    c = WeightQuant();
    c.scale = {3, 6};
    EXPECT_EQ(Prepare(c), kTiling) << "per group: exactly (ceil(k / G), n)";
    c = WeightQuant();
    c.offset = Shape{6};
    EXPECT_EQ(Prepare(c), kTiling) << "antiquantOffset must have the scale's shape";
    c = WeightQuant();
    c.transposedX2 = true;
    EXPECT_EQ(Prepare(c), kInvalid) << "a per-group scale beside a transposed x2";
    c.groupSize = 0;
    c.scale = {1, 6};
    EXPECT_EQ(Prepare(c), 0) << "a per-channel scale beside a transposed x2";
}

// x1, x2 all ones (int8), s = 2^-3 per tensor, residual all r: y = k·s + r exactly, written into
// residual by the in-place call; normOut = y / sqrt(y² + ε) ≈ 1 with γ = 1.
TEST(QuantArnNumerics, InPlaceWritesYIntoResidual) {
    const int64_t k = 64, n = 6;
    const Shape resShape = {2, 2, n};
    const uint16_t r = 0x3C00;    // fp16 1.0
    const uint16_t one = 0x3C00;  // γ = 1
    World world(1);
    world.Run([&](uint32_t) {
        auto x1 = Filled(ACL_INT8, {4, k}, 1);
        auto x2 = Filled(ACL_INT8, {k, n}, 1);
        auto scale = Filled(ACL_UINT64, {1}, ScaleCode(0.125f));
        auto res = Filled(ACL_FLOAT16, resShape, r);
        auto gamma = Filled(ACL_FLOAT16, {n}, one);
        auto out = Filled(ACL_FLOAT16, resShape);
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnInplaceQuantMatmulAllReduceAddRmsNormGetWorkspaceSize(
                      x1->t, x2->t, nullptr, scale->t, res->t, gamma->t, 1e-6, world.groups[0].c_str(), "sum", 0, 1,
                      out->t, &ws, &exec),
                  0)
            << TakeErrors();
        void *w = nullptr;
        if (ws > 0) ASSERT_EQ(aclrtMalloc(&w, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnInplaceQuantMatmulAllReduceAddRmsNorm(w, ws, exec, world.streams[0]), 0) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStream(world.streams[0]), ACL_SUCCESS) << TakeErrors();
        if (w) aclrtFree(w);
        const size_t count = static_cast<size_t>(Numel(resShape));
        std::vector<uint16_t> y(count), norm(count);
        ASSERT_EQ(aclrtMemcpy(y.data(), count * 2, res->dev, count * 2, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        ASSERT_EQ(aclrtMemcpy(norm.data(), count * 2, out->dev, count * 2, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        for (size_t i = 0; i < count; ++i) {
            EXPECT_EQ(y[i], 0x4880) << "y = 64 * 0.125 + 1 = 9 (fp16 0x4880) at " << i;
            // 9 / sqrt(81 + 1e-6) rounds to fp16 1.0 (0x3C00) or the value just below it (0x3BFF).
            EXPECT_TRUE(norm[i] == 0x3C00 || norm[i] == 0x3BFF) << std::hex << norm[i] << " at " << i;
        }
    });
}

}  // namespace
