// tests/broken/quant_matmul_all_reduce_v4_strided_test.cc — the vendor-faithful build of
// aclnnQuantMatmulAllReduceV4 (faults.h: no layout checks, as the vendor's op_api) through the C
// ABI: views with padded rows, a column stride, storage offsets (FP4: in nibbles) and a strided
// output are read and written through their strides (the results match a model written here,
// the bytes between the output's elements keep theirs), and a view past its storage is stopped
// by the execution-time guard before anything is touched.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "aclnnop/aclnn_quant_matmul_all_reduce_v4.h"
#include "tests/common/abi_world.h"

namespace mc2::testing {
namespace {

// A device buffer of `bytes` bytes viewed as `shape` / `strides` / `offset` over `storage` elements.
struct View {
    View(aclDataType type, std::vector<uint8_t> host, const Shape &shape, const Shape &strides, int64_t offset,
         int64_t storage)
        : bytes(host.size()) {
        EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        EXPECT_EQ(aclrtMemcpy(dev, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        const Shape st = {storage};
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), offset, ACL_FORMAT_ND, st.data(), 1, dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~View() {
        aclDestroyTensor(t);
        aclrtFree(dev);
    }
    View(const View &) = delete;
    View &operator=(const View &) = delete;
    std::vector<uint8_t> Read() const {
        std::vector<uint8_t> h(bytes);
        EXPECT_EQ(aclrtMemcpy(h.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        return h;
    }
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

std::vector<uint8_t> FloatBytes(const std::vector<float> &v) {
    std::vector<uint8_t> r(v.size() * 4);
    std::memcpy(r.data(), v.data(), r.size());
    return r;
}

float FloatAt(const std::vector<uint8_t> &bytes, int64_t element) {
    float v = 0;
    std::memcpy(&v, bytes.data() + element * 4, 4);
    return v;
}

// FLOAT8_E4M3FN codes of -3..3 (bias 7) and FLOAT4_E2M1 codes of -3..3 (bias 1), by hand.
uint8_t E4m3(int v) {
    static const uint8_t mag[] = {0x00, 0x38, 0x40, 0x44};
    return static_cast<uint8_t>((v < 0 ? 0x80 : 0) | mag[v < 0 ? -v : v]);
}
uint8_t E2m1(int v) {
    static const uint8_t mag[] = {0x0, 0x2, 0x4, 0x5};
    return static_cast<uint8_t>((v < 0 ? 0x8 : 0) | mag[v < 0 ? -v : v]);
}
void PutNibble(std::vector<uint8_t> &bytes, int64_t index, uint8_t code) {
    uint8_t &b = bytes[static_cast<size_t>(index / 2)];
    b = index % 2 == 0 ? static_cast<uint8_t>((b & 0xF0) | code) : static_cast<uint8_t>((b & 0x0F) | (code << 4));
}

struct Call {
    aclTensor *x1, *x2, *bias, *x1Scale, *x2Scale, *out;
    int64_t groupSize = 0;
};

// GetWorkspaceSize and the execute phase on rank 0 of `w`; returns the stream's status and the
// messages.
aclError RunV4(World &w, const Call &c, std::string *msg) {
    uint64_t ws = 0;
    aclOpExecutor *exec = nullptr;
    EXPECT_EQ(aclnnQuantMatmulAllReduceV4GetWorkspaceSize(c.x1, c.x2, c.bias, nullptr, c.x1Scale, c.x2Scale, nullptr,
                                                          nullptr, w.groups[0].c_str(), "sum", 0, 1, c.groupSize, 0,
                                                          c.out, &ws, &exec),
              ACLNN_SUCCESS)
        << TakeErrors();
    void *workspace = nullptr;
    if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    EXPECT_EQ(aclnnQuantMatmulAllReduceV4(workspace, ws, exec, w.streams[0]), ACLNN_SUCCESS) << TakeErrors();
    const aclError s = aclrtSynchronizeStream(w.streams[0]);
    *msg = TakeErrors();
    if (workspace != nullptr) aclrtFree(workspace);
    return s;
}

class QuantMatmulAllReduceV4Strided : public ::testing::Test {
   protected:
    void SetUp() override { setenv("MC2_PLATFORM", "ascend_950", 1); }
    void TearDown() override { unsetenv("MC2_PLATFORM"); }
};

// FP8 formula 6 over x1 (offset 3, rows 11 apart, columns 2 apart), x2 (offset 1, strides (9, 2))
// and an output with padded rows (offset 2, rows n + 2 apart).
TEST_F(QuantMatmulAllReduceV4Strided, Fp8ReadsAndWritesThroughStrides) {
    World w(1);
    const int64_t m = 3, k = 5, n = 4;
    const int64_t o1 = 3, r1 = 11, c1 = 2, o2 = 1, r2 = 9, c2 = 2, oo = 2, ro = n + 2;
    const auto a = [](int64_t i, int64_t t) { return static_cast<int>((i * 5 + t * 3) % 7) - 3; };
    const auto b = [](int64_t t, int64_t j) { return static_cast<int>((t * 2 + j * 5) % 7) - 3; };
    const int64_t s1 = o1 + (m - 1) * r1 + (k - 1) * c1 + 1, s2 = o2 + (k - 1) * r2 + (n - 1) * c2 + 1;
    const int64_t so = oo + (m - 1) * ro + n;
    std::vector<uint8_t> h1(static_cast<size_t>(s1), E4m3(3)), h2(static_cast<size_t>(s2), E4m3(-3));  // gaps: noise
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t) h1[static_cast<size_t>(o1 + i * r1 + t * c1)] = E4m3(a(i, t));
    for (int64_t t = 0; t < k; ++t)
        for (int64_t j = 0; j < n; ++j) h2[static_cast<size_t>(o2 + t * r2 + j * c2)] = E4m3(b(t, j));
    const std::vector<float> bias = {0.5f, -1.0f, 2.0f, 0.0f}, pt = {0.25f, 2.0f, -1.0f},
                             ch = {1.0f, 0.5f, -4.0f, 8.0f};
    const std::vector<float> sentinel(static_cast<size_t>(so), 1234.5f);
    View x1(ACL_FLOAT8_E4M3FN, h1, {m, k}, {r1, c1}, o1, s1), x2(ACL_FLOAT8_E4M3FN, h2, {k, n}, {r2, c2}, o2, s2);
    View bt(ACL_FLOAT, FloatBytes(bias), {n}, {1}, 0, n), sc1(ACL_FLOAT, FloatBytes(pt), {m}, {1}, 0, m),
        sc2(ACL_FLOAT, FloatBytes(ch), {n}, {1}, 0, n), out(ACL_FLOAT, FloatBytes(sentinel), {m, n}, {ro, 1}, oo, so);
    std::string msg;
    w.Run([&](uint32_t) { EXPECT_EQ(RunV4(w, {x1.t, x2.t, bt.t, sc1.t, sc2.t, out.t}, &msg), ACL_SUCCESS) << msg; });
    const std::vector<uint8_t> got = out.Read();
    std::vector<bool> written(static_cast<size_t>(so), false);
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double acc = static_cast<double>(bias[static_cast<size_t>(j)]);
            for (int64_t t = 0; t < k; ++t) acc += a(i, t) * b(t, j);
            const double want = acc * static_cast<double>(ch[static_cast<size_t>(j)]) *
                                static_cast<double>(pt[static_cast<size_t>(i)]);  // exact here
            const int64_t at = oo + i * ro + j;
            written[static_cast<size_t>(at)] = true;
            EXPECT_EQ(static_cast<double>(FloatAt(got, at)), want) << i << "," << j;
        }
    }
    for (int64_t e = 0; e < so; ++e) {
        if (!written[static_cast<size_t>(e)]) EXPECT_EQ(FloatAt(got, e), 1234.5f) << "gap element " << e;
    }
}

// MXFP4 formula 4: x1 E2M1 with padded rows and a nibble offset, x2 the transpose the documents
// require (strides (1, k)) at an odd nibble offset, E8M0 scales 2^-2..2^2, a transposed output.
TEST_F(QuantMatmulAllReduceV4Strided, MxFp4ReadsNibblesThroughStrides) {
    World w(1);
    const int64_t m = 2, k = 64, n = 3;
    const int64_t o1 = 3, r1 = 2 * k, o2 = 5, c2 = k;
    const auto a = [](int64_t i, int64_t t) { return static_cast<int>((i * 3 + t * 5) % 7) - 3; };
    const auto b = [](int64_t t, int64_t j) { return static_cast<int>((t * 4 + j * 3) % 7) - 3; };
    const int64_t s1 = o1 + (m - 1) * r1 + k, s2 = o2 + (n - 1) * c2 + k;  // nibbles
    std::vector<uint8_t> h1(static_cast<size_t>((s1 + 1) / 2), 0x77), h2(static_cast<size_t>((s2 + 1) / 2), 0x77);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t) PutNibble(h1, o1 + i * r1 + t, E2m1(a(i, t)));
    for (int64_t t = 0; t < k; ++t)
        for (int64_t j = 0; j < n; ++j) PutNibble(h2, o2 + t + j * c2, E2m1(b(t, j)));
    const auto e1 = [](int64_t i, int64_t g) { return static_cast<int>((i + 2 * g) % 5) - 2; };  // exponents
    const auto e2 = [](int64_t j, int64_t g) { return static_cast<int>((2 * j + g) % 5) - 2; };
    std::vector<uint8_t> hs1, hs2;
    for (int64_t i = 0; i < m; ++i)
        for (int64_t g = 0; g < 2; ++g) hs1.push_back(static_cast<uint8_t>(127 + e1(i, g)));
    for (int64_t j = 0; j < n; ++j)
        for (int64_t g = 0; g < 2; ++g) hs2.push_back(static_cast<uint8_t>(127 + e2(j, g)));
    View x1(ACL_FLOAT4_E2M1, h1, {m, k}, {r1, 1}, o1, static_cast<int64_t>(h1.size()) * 2),
        x2(ACL_FLOAT4_E2M1, h2, {k, n}, {1, c2}, o2, static_cast<int64_t>(h2.size()) * 2),
        sc1(ACL_FLOAT8_E8M0, hs1, {m, 1, 2}, {2, 2, 1}, 0, m * 2),
        sc2(ACL_FLOAT8_E8M0, hs2, {n, 1, 2}, {2, 2, 1}, 0, n * 2),
        out(ACL_FLOAT, FloatBytes(std::vector<float>(m * n, 0.0f)), {m, n}, {1, m}, 0, m * n);
    std::string msg;
    const int64_t groupSize = 32 + (int64_t{1} << 16) + (int64_t{1} << 32);
    w.Run([&](uint32_t) {
        EXPECT_EQ(RunV4(w, {x1.t, x2.t, nullptr, sc1.t, sc2.t, out.t, groupSize}, &msg), ACL_SUCCESS) << msg;
    });
    const std::vector<uint8_t> got = out.Read();
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double want = 0;
            for (int64_t t = 0; t < k; ++t) {
                want += std::ldexp(a(i, t), e1(i, t / 32)) * std::ldexp(b(t, j), e2(j, t / 32));  // exact
            }
            EXPECT_EQ(static_cast<double>(FloatAt(got, i + j * m)), want) << i << "," << j;
        }
    }
}

// The int8 scenario (formula 2, run by QuantMatmulAllReduce's execution): x1 with padded rows, a
// column stride and an offset, a per-channel bf16 x2Scale and a pertoken fp32 x1Scale, bf16-exact.
TEST_F(QuantMatmulAllReduceV4Strided, Int8ReadsThroughStrides) {
    World w(1);
    const int64_t m = 3, k = 6, n = 2;
    const int64_t o1 = 4, r1 = 15, c1 = 2;
    const auto a = [](int64_t i, int64_t t) { return static_cast<int>((i * 7 + t * 3) % 11) - 5; };
    const auto b = [](int64_t t, int64_t j) { return static_cast<int>((t * 5 + j * 9) % 13) - 6; };
    const int64_t s1 = o1 + (m - 1) * r1 + (k - 1) * c1 + 1;
    std::vector<uint8_t> h1(static_cast<size_t>(s1), 0x7F), h2;
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t) h1[static_cast<size_t>(o1 + i * r1 + t * c1)] = static_cast<uint8_t>(a(i, t));
    for (int64_t t = 0; t < k; ++t)
        for (int64_t j = 0; j < n; ++j) h2.push_back(static_cast<uint8_t>(b(t, j)));
    const std::vector<float> pt = {1.0f, 0.5f, 2.0f}, ch = {0.25f, -1.0f};
    View x1(ACL_INT8, h1, {m, k}, {r1, c1}, o1, s1), x2(ACL_INT8, h2, {k, n}, {n, 1}, 0, k * n),
        sc1(ACL_FLOAT, FloatBytes(pt), {m}, {1}, 0, m),
        sc2(ACL_BF16, {0x80, 0x3E, 0x80, 0xBF}, {n}, {1}, 0, n),  // bf16 0.25, -1
        out(ACL_BF16, std::vector<uint8_t>(static_cast<size_t>(m * n * 2), 0), {m, n}, {n, 1}, 0, m * n);
    std::string msg;
    w.Run([&](uint32_t) { EXPECT_EQ(RunV4(w, {x1.t, x2.t, nullptr, sc1.t, sc2.t, out.t}, &msg), ACL_SUCCESS) << msg; });
    const std::vector<uint8_t> got = out.Read();
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            int acc = 0;
            for (int64_t t = 0; t < k; ++t) acc += a(i, t) * b(t, j);
            // |acc| <= 6·30 and the scales are powers of two: exact in bf16's 8 significant bits
            // only when |acc| < 256, which holds.
            const float want = static_cast<float>(acc) * ch[static_cast<size_t>(j)] * pt[static_cast<size_t>(i)];
            uint16_t code = 0;
            std::memcpy(&code, got.data() + (i * n + j) * 2, 2);
            const uint32_t bits = static_cast<uint32_t>(code) << 16;
            float v = 0;
            std::memcpy(&v, &bits, 4);
            EXPECT_EQ(v, want) << i << "," << j;
        }
    }
}

// A view two elements past its storage: GetWorkspaceSize lets it through (as the vendor's op_api),
// the execute phase's guard fails the task naming the tensor, and the output keeps its bytes.
TEST_F(QuantMatmulAllReduceV4Strided, ViewPastStorageStoppedAtExecution) {
    World w(1);
    const int64_t m = 4, k = 8, n = 4;
    View x1(ACL_FLOAT8_E4M3FN, std::vector<uint8_t>(m * k - 2, E4m3(1)), {m, k}, {k, 1}, 0, m * k - 2),
        x2(ACL_FLOAT8_E4M3FN, std::vector<uint8_t>(k * n, E4m3(1)), {k, n}, {n, 1}, 0, k * n),
        sc1(ACL_FLOAT, FloatBytes(std::vector<float>(m, 1.0f)), {m}, {1}, 0, m),
        sc2(ACL_FLOAT, FloatBytes({1.0f}), {1}, {1}, 0, 1),
        out(ACL_FLOAT, FloatBytes(std::vector<float>(m * n, 7.0f)), {m, n}, {n, 1}, 0, m * n);
    std::string msg;
    w.Run([&](uint32_t) { EXPECT_NE(RunV4(w, {x1.t, x2.t, nullptr, sc1.t, sc2.t, out.t}, &msg), ACL_SUCCESS); });
    EXPECT_NE(msg.find("x1's view reaches 32 storage elements but its storage holds 30"), std::string::npos) << msg;
    const std::vector<uint8_t> got = out.Read();
    for (int64_t e = 0; e < m * n; ++e) EXPECT_EQ(FloatAt(got, e), 7.0f) << e;
}

}  // namespace
}  // namespace mc2::testing
