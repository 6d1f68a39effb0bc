// tests/ops/nz_weight_matmul_test.cc — a weight converted by aclnnTransMatmulWeight, passed as
// x2 to aclnnWeightQuantMatmulAllReduce and aclnnQuantMatmulAllReduce / V3, through the exported
// C ABI only (ranks as threads, tests/common/abi_world.h). The documents' flow (ops.md §1.4,
// §2.2, §2.3): CalculateMatmulWeightSizeV2 elements are allocated, the ND weight is converted in
// place (the same tensor then describes FRACTAL_NZ with a 4-D storage) and handed to the matmul.
// Each result must equal, bit for bit, the same call with the ND weight; then the refusals the
// op_api leaves to tiling (ACLNN_ERR_INNER_TILING_ERROR here): a k mismatch, INT4 + NZ, per-tensor
// antiquant with an NZ weight, a storage that is not the NZ storage of the view.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "aclnnop/aclnn_quant_matmul_all_reduce.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v3.h"
#include "aclnnop/aclnn_trans_matmul_weight.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce.h"
#include "tests/common/abi_world.h"

namespace mc2::testing {
namespace {

// Device memory of `bytes` holding `host` at its start (the rest zero), described as `shape` of
// `type` with contiguous strides over `storage` (default: the whole allocation, 1-D).
struct Buffer {
    Buffer(aclDataType type, const Shape &shape, const std::vector<uint8_t> &host, size_t bytes_ = 0,
           aclFormat format = ACL_FORMAT_ND, Shape storage = {})
        : bytes(bytes_ == 0 ? host.size() : bytes_) {
        std::vector<uint8_t> all(bytes, 0);
        std::memcpy(all.data(), host.data(), std::min(host.size(), bytes));
        EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        EXPECT_EQ(aclrtMemcpy(dev, bytes, all.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        const int64_t width = std::max<int64_t>(1, static_cast<int64_t>(aclDataTypeSize(type)));
        if (storage.empty()) storage = {static_cast<int64_t>(bytes) / width};
        const Shape strides = Contiguous(shape);
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), 0, format, storage.data(),
                            storage.size(), dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~Buffer() {
        if (t != nullptr) aclDestroyTensor(t);
        aclrtFree(dev);
    }
    Buffer(const Buffer &) = delete;
    Buffer &operator=(const Buffer &) = delete;
    std::vector<uint8_t> Read() const {
        std::vector<uint8_t> h(bytes);
        EXPECT_EQ(aclrtMemcpy(h.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        return h;
    }
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T> &v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

// 40 x 40 INT8: 3 row tiles (the last half padding) x 2 column tiles of 32, so both the tile
// order and the padding matter.
constexpr int64_t kM = 5, kK = 40, kN = 40;

std::vector<int8_t> WeightValues() {
    std::vector<int8_t> w;
    for (int64_t i = 0; i < kK * kN; ++i) w.push_back(static_cast<int8_t>((i * 53 + 11) % 255 - 127));
    return w;
}

// fp16 codes of small multiples of 1/8 (all sums stay well inside fp16's range).
std::vector<uint16_t> HalfValues(int64_t count, int salt) {
    std::vector<uint16_t> h;
    for (int64_t i = 0; i < count; ++i) {
        const int v = static_cast<int>((i * 7 + salt) % 17) - 8;  // -8 .. 8
        uint16_t code = 0;
        if (v != 0) {
            const int mag = v < 0 ? -v : v;  // mag/8 in fp16: normalise mag in [1, 8]
            int e = 0;
            while ((mag >> e) > 1) ++e;
            const int mantissa = (mag << (10 - e)) & 0x3FF;
            code = static_cast<uint16_t>(((15 - 3 + e) << 10) | mantissa);
            if (v < 0) code |= 0x8000;
        }
        h.push_back(code);
    }
    return h;
}

uint64_t WeightElements(aclDataType type) {
    const Shape shape = {kK, kN};
    aclIntArray *a = aclCreateIntArray(shape.data(), shape.size());
    uint64_t size = 0;
    EXPECT_EQ(aclnnCalculateMatmulWeightSizeV2(a, type, &size), ACLNN_SUCCESS) << TakeErrors();
    aclDestroyIntArray(a);
    return size;
}

// The INT8 weight converted in place by aclnnTransMatmulWeight on `w`'s rank-0 stream.
std::unique_ptr<Buffer> ConvertedWeight(World &w) {
    auto x2 = std::make_unique<Buffer>(ACL_INT8, Shape{kK, kN}, Bytes(WeightValues()), WeightElements(ACL_INT8));
    uint64_t ws = 0;
    aclOpExecutor *ex = nullptr;
    EXPECT_EQ(aclnnTransMatmulWeightGetWorkspaceSize(x2->t, &ws, &ex), ACLNN_SUCCESS) << TakeErrors();
    void *workspace = nullptr;
    if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    EXPECT_EQ(aclnnTransMatmulWeight(workspace, ws, ex, w.streams[0]), ACLNN_SUCCESS) << TakeErrors();
    EXPECT_EQ(aclrtSynchronizeStream(w.streams[0]), ACL_SUCCESS) << TakeErrors();
    if (workspace != nullptr) aclrtFree(workspace);
    return x2;
}

// Runs an executor on rank 0's stream; the execute status.
aclnnStatus Execute(World &w, uint64_t ws, aclOpExecutor *exec,
                    aclnnStatus (*run)(void *, uint64_t, aclOpExecutor *, aclrtStream)) {
    void *workspace = nullptr;
    if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    const aclnnStatus s = run(workspace, ws, exec, w.streams[0]);
    EXPECT_EQ(aclrtSynchronizeStream(w.streams[0]), ACL_SUCCESS) << TakeErrors();
    if (workspace != nullptr) aclrtFree(workspace);
    return s;
}

// WeightQuantMatmulAllReduce with per-channel scale and offset (or one scale element when
// `perTensor`); its GetWorkspaceSize status, and the output bytes on success.
aclnnStatus CallWq(World &w, aclTensor *x2, std::vector<uint8_t> *out, bool perTensor = false, int64_t k = kK) {
    Buffer x1(ACL_FLOAT16, {kM, k}, Bytes(HalfValues(kM * k, 3)));
    const int64_t scales = perTensor ? 1 : kN;
    Buffer scale(ACL_FLOAT16, {scales}, Bytes(HalfValues(scales, 5)));
    Buffer offset(ACL_FLOAT16, {scales}, Bytes(HalfValues(scales, 9)));
    Buffer y(ACL_FLOAT16, {kM, kN}, std::vector<uint8_t>(kM * kN * 2, 0xFF));
    uint64_t ws = 0;
    aclOpExecutor *exec = nullptr;
    const aclnnStatus s = aclnnWeightQuantMatmulAllReduceGetWorkspaceSize(
        x1.t, x2, nullptr, scale.t, offset.t, nullptr, w.groups[0].c_str(), "sum", 0, 1, 0, y.t, &ws, &exec);
    const std::string msg = TakeErrors();
    if (s != ACLNN_SUCCESS) {
        EXPECT_FALSE(msg.empty()) << "a refusal must say why";
        return s;
    }
    EXPECT_EQ(Execute(w, ws, exec, aclnnWeightQuantMatmulAllReduce), ACLNN_SUCCESS) << TakeErrors();
    *out = y.Read();
    return s;
}

// QuantMatmulAllReduce V1 (UINT64 per-channel scale, fp16 output) or V3 (BF16 scale and output,
// no comm scales).
aclnnStatus CallQmar(World &w, bool v3, aclTensor *x2, std::vector<uint8_t> *out, int64_t k = kK) {
    std::vector<int8_t> a;
    for (int64_t i = 0; i < kM * k; ++i) a.push_back(static_cast<int8_t>((i * 37) % 255 - 127));
    Buffer x1(ACL_INT8, {kM, k}, Bytes(a));
    std::vector<int32_t> bias;
    for (int64_t j = 0; j < kN; ++j) bias.push_back(static_cast<int32_t>(j * 101 - 2000));
    Buffer b(ACL_INT32, {kN}, Bytes(bias));
    std::vector<uint64_t> codes;
    std::vector<uint16_t> bf16;
    for (int64_t j = 0; j < kN; ++j) {
        codes.push_back((uint64_t{1} << 46) | (0x39800000u + static_cast<uint32_t>(j) * 0x2000u));  // ~2^-12
        bf16.push_back(static_cast<uint16_t>(0x3980 + j));
    }
    Buffer scale(v3 ? ACL_BF16 : ACL_UINT64, {kN}, v3 ? Bytes(bf16) : Bytes(codes));
    const aclDataType outType = v3 ? ACL_BF16 : ACL_FLOAT16;
    Buffer y(outType, {kM, kN}, std::vector<uint8_t>(kM * kN * 2, 0xFF));
    uint64_t ws = 0;
    aclOpExecutor *exec = nullptr;
    const char *group = w.groups[0].c_str();
    const aclnnStatus s =
        v3 ? aclnnQuantMatmulAllReduceV3GetWorkspaceSize(x1.t, x2, b.t, nullptr, scale.t, nullptr, nullptr, nullptr,
                                                         group, "sum", 0, 1, y.t, &ws, &exec)
           : aclnnQuantMatmulAllReduceGetWorkspaceSize(x1.t, x2, b.t, nullptr, scale.t, group, "sum", 0, 1, y.t, &ws,
                                                       &exec);
    const std::string msg = TakeErrors();
    if (s != ACLNN_SUCCESS) {
        EXPECT_FALSE(msg.empty()) << "a refusal must say why";
        return s;
    }
    EXPECT_EQ(Execute(w, ws, exec, v3 ? aclnnQuantMatmulAllReduceV3 : aclnnQuantMatmulAllReduce), ACLNN_SUCCESS)
        << TakeErrors();
    *out = y.Read();
    return s;
}

TEST(NzWeight, TransMatmulWeightWritesTheNzLayoutInPlace) {
    World w(1);
    const auto x2 = ConvertedWeight(w);
    // The documented flow leaves a 4-D NZ description; the bytes moved (tile order, padding).
    const std::vector<uint8_t> nz = x2->Read();
    const std::vector<uint8_t> nd = Bytes(WeightValues());
    EXPECT_NE(std::vector<uint8_t>(nz.begin(), nz.begin() + static_cast<std::ptrdiff_t>(nd.size())), nd);
}

TEST(NzWeight, WeightQuantResultEqualsTheNdWeights) {
    World w(1);
    Buffer nd(ACL_INT8, {kK, kN}, Bytes(WeightValues()));
    std::vector<uint8_t> want, got;
    ASSERT_EQ(CallWq(w, nd.t, &want), ACLNN_SUCCESS);
    const auto nz = ConvertedWeight(w);
    ASSERT_EQ(CallWq(w, nz->t, &got), ACLNN_SUCCESS);
    EXPECT_EQ(got, want);
    EXPECT_NE(got, std::vector<uint8_t>(got.size(), 0xFF));  // the output was written
}

TEST(NzWeight, QuantV1AndV3ResultsEqualTheNdWeights) {
    for (const bool v3 : {false, true}) {
        SCOPED_TRACE(v3 ? "V3 (bf16)" : "V1 (uint64 scale)");
        World w(1);
        Buffer nd(ACL_INT8, {kK, kN}, Bytes(WeightValues()));
        std::vector<uint8_t> want, got;
        ASSERT_EQ(CallQmar(w, v3, nd.t, &want), ACLNN_SUCCESS);
        const auto nz = ConvertedWeight(w);
        ASSERT_EQ(CallQmar(w, v3, nz->t, &got), ACLNN_SUCCESS);
        EXPECT_EQ(got, want);
        EXPECT_NE(got, std::vector<uint8_t>(got.size(), 0xFF));  // the output was written
    }
}

// With an NZ x2 the op_api skips its shape checks (ops.md §1.4, §8.3): a k mismatch is an inner
// error, where the same mismatch with an ND x2 is 161002.
TEST(NzWeight, KMismatchIsATilingErrorWithNzAndInvalidWithNd) {
    World w(1);
    std::vector<uint8_t> out;
    Buffer nd(ACL_INT8, {kK, kN}, Bytes(WeightValues()));
    EXPECT_EQ(CallWq(w, nd.t, &out, false, kK + 8), ACLNN_ERR_PARAM_INVALID);
    EXPECT_EQ(CallQmar(w, false, nd.t, &out, kK + 8), ACLNN_ERR_PARAM_INVALID);
    const auto nz = ConvertedWeight(w);
    EXPECT_EQ(CallWq(w, nz->t, &out, false, kK + 8), ACLNN_ERR_INNER_TILING_ERROR);
    EXPECT_EQ(CallQmar(w, false, nz->t, &out, kK + 8), ACLNN_ERR_INNER_TILING_ERROR);
    EXPECT_EQ(CallQmar(w, true, nz->t, &out, kK + 8), ACLNN_ERR_INNER_TILING_ERROR);
}

TEST(NzWeight, WeightQuantRefusesPerTensorAntiquantAndInt4WithNz) {
    World w(1);
    std::vector<uint8_t> out;
    const auto nz = ConvertedWeight(w);
    EXPECT_EQ(CallWq(w, nz->t, &out, /*perTensor=*/true), ACLNN_ERR_INNER_TILING_ERROR);
    // INT4 has no NZ form (ops.md §1.5 rows 11-16): the INT8 NZ storage shape, INT4 elements.
    const Shape storage = {2, 3, 16, 32};
    Buffer int4(ACL_INT4, {kK, kN}, std::vector<uint8_t>(2 * 3 * 16 * 32, 0x11), 0, ACL_FORMAT_FRACTAL_NZ, storage);
    EXPECT_EQ(CallWq(w, int4.t, &out), ACLNN_ERR_INNER_TILING_ERROR);
}

// A 4-D FRACTAL_NZ storage that is not the NZ storage of the (k, n) view (tiles swapped: the
// same element count) is refused rather than read.
TEST(NzWeight, AStorageOtherThanTheNzStorageIsRefused) {
    World w(1);
    std::vector<uint8_t> out;
    const Shape swapped = {3, 2, 16, 32};
    Buffer x2(ACL_INT8, {kK, kN}, std::vector<uint8_t>(3 * 2 * 16 * 32, 1), 0, ACL_FORMAT_FRACTAL_NZ, swapped);
    EXPECT_EQ(CallWq(w, x2.t, &out), ACLNN_ERR_INNER_TILING_ERROR);
    EXPECT_EQ(CallQmar(w, false, x2.t, &out), ACLNN_ERR_INNER_TILING_ERROR);
}

}  // namespace
}  // namespace mc2::testing
