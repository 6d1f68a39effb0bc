// tests/ops/quant_matmul_all_reduce_v4_test.cc — aclnnQuantMatmulAllReduceV4 through the exported
// C ABI only (tests/common/abi_world.h), on the Ascend 950 profile: the V4-only answers (a null
// reduceOp is 161001, FLOAT4_E1M2 is refused, the documented "sum" only), tiling refusals of the
// scenario checks (561002), and an FP8 pertoken result against a model written here.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "aclnnop/aclnn_quant_matmul_all_reduce_v4.h"
#include "tests/common/abi_world.h"

namespace mc2::testing {
namespace {

// A device tensor of any element width over a host copy (`storage` elements for sub-byte types).
struct Tensor {
    Tensor(aclDataType type, const Shape &shape, std::vector<uint8_t> host, Shape strides = {}) : bytes(host.size()) {
        if (strides.empty()) strides = Contiguous(shape);
        if (bytes > 0) {
            EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclrtMemcpy(dev, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        }
        const Shape storage = {Numel(shape)};
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), 0, ACL_FORMAT_ND, storage.data(), 1, dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~Tensor() {
        if (t != nullptr) aclDestroyTensor(t);
        if (dev != nullptr) aclrtFree(dev);
    }
    Tensor(const Tensor &) = delete;
    Tensor &operator=(const Tensor &) = delete;
    std::vector<uint8_t> Read() const {
        std::vector<uint8_t> h(bytes);
        if (bytes > 0) EXPECT_EQ(aclrtMemcpy(h.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        return h;
    }
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

std::unique_ptr<Tensor> Filled(aclDataType type, const Shape &shape, size_t width, uint8_t byte, Shape strides = {}) {
    return std::make_unique<Tensor>(type, shape, std::vector<uint8_t>(static_cast<size_t>(Numel(shape)) * width, byte),
                                    strides);
}

struct Args {
    aclTensor *x1 = nullptr, *x2 = nullptr, *bias = nullptr, *x3 = nullptr, *x1Scale = nullptr, *x2Scale = nullptr;
    const char *reduceOp = "sum";
    int64_t groupSize = 0, commQuantMode = 0;
    aclTensor *out = nullptr;
};

aclnnStatus Call(World &w, const Args &a, bool execute, std::string *msg = nullptr) {
    uint64_t ws = 0;
    aclOpExecutor *exec = nullptr;
    const aclnnStatus s = aclnnQuantMatmulAllReduceV4GetWorkspaceSize(
        a.x1, a.x2, a.bias, a.x3, a.x1Scale, a.x2Scale, nullptr, nullptr, w.groups[0].c_str(), a.reduceOp, 0, 1,
        a.groupSize, a.commQuantMode, a.out, &ws, &exec);
    if (msg != nullptr) *msg = TakeErrors();
    if (s != ACLNN_SUCCESS || !execute) return s;
    void *workspace = nullptr;
    if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    const aclnnStatus e = aclnnQuantMatmulAllReduceV4(workspace, ws, exec, w.streams[0]);
    EXPECT_EQ(aclrtSynchronizeStream(w.streams[0]), ACL_SUCCESS) << TakeErrors();
    if (workspace != nullptr) aclrtFree(workspace);
    return e;
}

// FLOAT8_E4M3FN codes of small integers (sign, 4 exponent bits with bias 7, 3 mantissa bits).
uint8_t E4m3(int v) {
    switch (v < 0 ? -v : v) {
        case 1:
            return static_cast<uint8_t>((v < 0 ? 0x80 : 0) | 0x38);
        case 2:
            return static_cast<uint8_t>((v < 0 ? 0x80 : 0) | 0x40);
        case 3:
            return static_cast<uint8_t>((v < 0 ? 0x80 : 0) | 0x44);
        default:
            return 0;
    }
}

class QuantMatmulAllReduceV4 : public ::testing::Test {
   protected:
    void SetUp() override { setenv("MC2_PLATFORM", "ascend_950", 1); }
    void TearDown() override { unsetenv("MC2_PLATFORM"); }
};

TEST_F(QuantMatmulAllReduceV4, V4OnlyAnswersAndTilingRefusals) {
    World w(1);
    const int64_t m = 4, k = 64, n = 8;
    auto x1 = Filled(ACL_FLOAT8_E4M3FN, {m, k}, 1, 0x38), x2 = Filled(ACL_FLOAT8_E4M3FN, {k, n}, 1, 0x38);
    auto s1 = Filled(ACL_FLOAT, {m}, 4, 0), s2 = Filled(ACL_FLOAT, {1}, 4, 0);
    auto out = Filled(ACL_FLOAT, {m, n}, 4, 0);
    Args a{x1->t, x2->t, nullptr, nullptr, s1->t, s2->t, "sum", 0, 0, out->t};
    std::string msg;
    EXPECT_EQ(Call(w, a, false), ACLNN_SUCCESS) << TakeErrors();
    Args nul = a;
    nul.reduceOp = nullptr;  // V4 checks it (V1-V3 dereference it)
    EXPECT_EQ(Call(w, nul, false, &msg), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_NE(msg.find("reduceOp"), std::string::npos) << msg;
    Args prefix = a;
    prefix.reduceOp = "sumX";  // the vendor's strncmp accepts it; the documents do not
    EXPECT_EQ(Call(w, prefix, false), ACLNN_ERR_PARAM_INVALID);
    auto e1m2 = Filled(ACL_FLOAT4_E1M2, {m, k}, 1, 0);
    Args fp4 = a;
    fp4.x1 = e1m2->t;
    EXPECT_EQ(Call(w, fp4, false, &msg), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(msg.find("x1"), std::string::npos) << msg;
    // MX with a plain (not transposed) x2: a tiling refusal.
    auto e1 = Filled(ACL_FLOAT8_E8M0, {m, 1, 2}, 1, 127), e2 = Filled(ACL_FLOAT8_E8M0, {n, 1, 2}, 1, 127);
    Args mx = a;
    mx.x1Scale = e1->t;
    mx.x2Scale = e2->t;
    mx.groupSize = 32 + (int64_t{1} << 16) + (int64_t{1} << 32);
    EXPECT_EQ(Call(w, mx, false, &msg), ACLNN_ERR_INNER_TILING_ERROR);
    EXPECT_NE(msg.find("transposed"), std::string::npos) << msg;
    // commQuantMode 1 on HiF8: refused; on E4M3FN: accepted (the pertile exchange, not judged yet).
    auto h1 = Filled(ACL_HIFLOAT8, {m, k}, 1, 0), h2 = Filled(ACL_HIFLOAT8, {k, n}, 1, 0);
    Args hif8 = a;
    hif8.x1 = h1->t;
    hif8.x2 = h2->t;
    hif8.commQuantMode = 1;
    EXPECT_EQ(Call(w, hif8, false), ACLNN_ERR_INNER_TILING_ERROR);
    Args pertile = a;
    pertile.commQuantMode = 1;
    EXPECT_EQ(Call(w, pertile, false), ACLNN_SUCCESS) << TakeErrors();
}

TEST_F(QuantMatmulAllReduceV4, Fp8PertokenPerChannelMatchesTheModel) {
    World w(1);
    const int64_t m = 3, k = 5, n = 4;
    std::vector<int> a, b;
    std::vector<uint8_t> ca, cb;
    for (int i = 0; i < m * k; ++i) a.push_back((i * 5) % 7 - 3);
    for (int i = 0; i < k * n; ++i) b.push_back((i * 3) % 7 - 3);
    for (int v : a) ca.push_back(E4m3(v));
    for (int v : b) cb.push_back(E4m3(v));
    const std::vector<float> bias = {0.5f, -1.0f, 2.0f, 0.0f}, pt = {0.25f, 2.0f, -1.0f},
                             ch = {1.0f, 0.5f, -4.0f, 8.0f};
    auto bytes = [](const std::vector<float> &v) {
        std::vector<uint8_t> r(v.size() * 4);
        std::memcpy(r.data(), v.data(), r.size());
        return r;
    };
    Tensor x1(ACL_FLOAT8_E4M3FN, {m, k}, ca), x2(ACL_FLOAT8_E4M3FN, {k, n}, cb), bt(ACL_FLOAT, {n}, bytes(bias)),
        s1(ACL_FLOAT, {m}, bytes(pt)), s2(ACL_FLOAT, {n}, bytes(ch));
    auto out = Filled(ACL_FLOAT, {m, n}, 4, 0);
    Args args{x1.t, x2.t, bt.t, nullptr, s1.t, s2.t, "sum", 0, 0, out->t};
    w.Run([&](uint32_t) { EXPECT_EQ(Call(w, args, true), ACLNN_SUCCESS) << TakeErrors(); });
    const std::vector<uint8_t> got = out->Read();
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double acc = static_cast<double>(bias[static_cast<size_t>(j)]);  // formula 6: the bias inside the scales
            for (int64_t t = 0; t < k; ++t)
                acc += a[static_cast<size_t>(i * k + t)] * b[static_cast<size_t>(t * n + j)];
            const double want = acc * static_cast<double>(ch[static_cast<size_t>(j)]) *
                                static_cast<double>(pt[static_cast<size_t>(i)]);  // exact here
            float v = 0;
            std::memcpy(&v, got.data() + (i * n + j) * 4, 4);
            EXPECT_EQ(static_cast<double>(v), want) << i << "," << j;
        }
    }
}

}  // namespace
}  // namespace mc2::testing
