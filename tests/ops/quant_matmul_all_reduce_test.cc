// tests/ops/quant_matmul_all_reduce_test.cc — aclnnQuantMatmulAllReduce / V2 / V3 through the
// exported C ABI only, ranks as threads (tests/common/abi_world.h): the vendor's unit-test calls
// (ops.md §2.3, §2.4: the V3 CSV's failures) with their codes, the check order, the V3
// comm-scale shape quirk, and results against a model written here (int8 GEMM, fp19 scale,
// round-to-nearest-even to fp16 / bf16 by integer arithmetic on the bits).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "aclnnop/aclnn_quant_matmul_all_reduce.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v2.h"
#include "aclnnop/aclnn_quant_matmul_all_reduce_v3.h"
#include "tests/common/abi_world.h"

namespace mc2::testing {
namespace {

// A device tensor of any element width over a host copy.
struct Tensor {
    Tensor(aclDataType type, const Shape &shape, std::vector<uint8_t> host, Shape strides = {}) : bytes(host.size()) {
        if (strides.empty()) strides = Contiguous(shape);
        if (bytes > 0) {
            EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclrtMemcpy(dev, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        }
        const int64_t width = std::max<int64_t>(1, static_cast<int64_t>(aclDataTypeSize(type)));
        const Shape storage = {static_cast<int64_t>(bytes) / width};
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

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T> &v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
    return b;
}
std::unique_ptr<Tensor> Make(aclDataType type, const Shape &shape) {
    const int64_t width = std::max<int64_t>(1, static_cast<int64_t>(aclDataTypeSize(type)));
    std::vector<uint8_t> zeros(static_cast<size_t>(Numel(shape) * width), 0);
    return std::make_unique<Tensor>(type, shape, zeros);
}

// Round-to-nearest-even of a double to a binary format with `man` fraction bits and minimum
// normal exponent `emin` (no overflow in these tests), as an integer significand times 2^q.
double RoundBits(double x, int man, int emin) {
    if (x == 0) return x;
    int e = 0;
    (void)std::frexp(x, &e);
    const int q = std::max(e - 1, emin) - man;
    const double scaled = std::ldexp(std::fabs(x), -q);
    double r = std::floor(scaled);
    const double frac = scaled - r;
    if (frac > 0.5 || (frac == 0.5 && std::fmod(r, 2.0) == 1.0)) r += 1;
    return std::copysign(std::ldexp(r, q), x);
}
double Half(double x) { return RoundBits(x, 10, -14); }
double HalfValue(uint16_t h) {
    const int exp = (h >> 10) & 0x1F, man = h & 0x3FF;
    const double mag = exp == 0 ? std::ldexp(man, -24) : std::ldexp(1024 + man, exp - 25);
    return (h & 0x8000) ? -mag : mag;
}

uint64_t Pack(uint32_t fp32_bits) { return (uint64_t{1} << 46) | fp32_bits; }

// One rank's call of V1 with the given tensors (null = absent), its status and message.
aclnnStatus CallV1(World &w, aclTensor *x1, aclTensor *x2, aclTensor *bias, aclTensor *x3, aclTensor *scale,
                   aclTensor *out, const char *reduceOp = "sum", int64_t streamMode = 1, std::string *msg = nullptr) {
    uint64_t ws = 0;
    aclOpExecutor *exec = nullptr;
    const aclnnStatus s = aclnnQuantMatmulAllReduceGetWorkspaceSize(x1, x2, bias, x3, scale, w.groups[0].c_str(),
                                                                    reduceOp, 0, streamMode, out, &ws, &exec);
    if (msg != nullptr) *msg = TakeErrors();
    if (s != ACLNN_SUCCESS) return s;
    void *workspace = nullptr;
    if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
    const aclnnStatus e = aclnnQuantMatmulAllReduce(workspace, ws, exec, w.streams[0]);
    EXPECT_EQ(aclrtSynchronizeStream(w.streams[0]), ACL_SUCCESS) << TakeErrors();
    if (workspace != nullptr) aclrtFree(workspace);
    return e;
}

TEST(QuantMatmulAllReduce, Uint64PerChannelWithBiasAndX3MatchesTheModel) {
    World w(1);
    const int64_t m = 3, k = 5, n = 4;
    std::vector<int8_t> a, b;
    for (int i = 0; i < m * k; ++i) a.push_back(static_cast<int8_t>((i * 37) % 255 - 127));
    for (int i = 0; i < k * n; ++i) b.push_back(static_cast<int8_t>((i * 53) % 251 - 125));
    const std::vector<int32_t> bias = {100, -7, 0, 12345};
    // Scales with low mantissa bits set: the fixpipe truncates them to fp19.
    const std::vector<uint32_t> bits = {0x3C23D70Au, 0xBB83126Fu, 0x3A03126Fu, 0x3D4CCCCDu};
    std::vector<uint64_t> codes;
    for (uint32_t v : bits) codes.push_back(Pack(v));
    std::vector<uint16_t> x3 = {0x3C00, 0xBC00, 0x0000, 0x4000, 0x3800, 0x0001,
                                0x7BFF, 0xFBFF, 0x1234, 0x8000, 0x3555, 0x4248};
    for (uint16_t &h : x3) h &= 0x3FFF;  // moderate values: no overflow in the model
    Tensor x1(ACL_INT8, {m, k}, Bytes(a)), x2(ACL_INT8, {k, n}, Bytes(b)), bt(ACL_INT32, {n}, Bytes(bias)),
        st(ACL_UINT64, {n}, Bytes(codes)), x3t(ACL_FLOAT16, {m, n}, Bytes(x3));
    auto out = Make(ACL_FLOAT16, {m, n});
    w.Run(
        [&](uint32_t) { EXPECT_EQ(CallV1(w, x1.t, x2.t, bt.t, x3t.t, st.t, out->t), ACLNN_SUCCESS) << TakeErrors(); });
    const std::vector<uint8_t> got = out->Read();
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            int64_t acc = bias[static_cast<size_t>(j)];
            for (int64_t t = 0; t < k; ++t)
                acc += a[static_cast<size_t>(i * k + t)] * b[static_cast<size_t>(t * n + j)];
            const double s = static_cast<double>(std::bit_cast<float>(bits[static_cast<size_t>(j)] & 0xFFFFE000u));
            const double y = Half(static_cast<double>(acc) * s);
            const double want = Half(y + HalfValue(x3[static_cast<size_t>(i * n + j)]));
            uint16_t h = 0;
            std::memcpy(&h, got.data() + (i * n + j) * 2, 2);
            EXPECT_EQ(HalfValue(h), want) << i << "," << j << " acc " << acc;
        }
    }
}

TEST(QuantMatmulAllReduce, AllReduceOfTwoRanksWithTransposedX2) {
    World w(2);
    const int64_t m = 2, k = 3, n = 2;
    // x2 (k, n) given as its (n, k) transpose: strides (1, k).
    const std::vector<int8_t> a = {1, 2, 3, -4, 5, -6}, bT = {7, 8, 9, -1, -2, -3};
    std::vector<std::unique_ptr<Tensor>> x1s, x2s, scales, outs;
    for (int r = 0; r < 2; ++r) {
        x1s.push_back(std::make_unique<Tensor>(ACL_INT8, Shape{m, k}, Bytes(a)));
        x2s.push_back(std::make_unique<Tensor>(ACL_INT8, Shape{k, n}, Bytes(bT), Shape{1, k}));
        scales.push_back(
            std::make_unique<Tensor>(ACL_UINT64, Shape{1}, Bytes(std::vector<uint64_t>{Pack(0x3F000000u)})));
        outs.push_back(Make(ACL_FLOAT16, {m, n}));
    }
    w.Run([&](uint32_t r) {
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnQuantMatmulAllReduceGetWorkspaceSize(x1s[r]->t, x2s[r]->t, nullptr, nullptr, scales[r]->t,
                                                            w.groups[r].c_str(), "sum", 0, 1, outs[r]->t, &ws, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *workspace = nullptr;
        ASSERT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        EXPECT_EQ(aclnnQuantMatmulAllReduce(workspace, ws, exec, w.streams[r]), ACLNN_SUCCESS);
        EXPECT_EQ(aclrtSynchronizeStream(w.streams[r]), ACL_SUCCESS) << TakeErrors();
        aclrtFree(workspace);
    });
    // x1 @ x2 = [[1·7+2·8+3·9, 1·-1+2·-2+3·-3], [-4·7+5·8-6·9, 4-10+18]] = [[50, -14], [-42, 12]];
    // · 0.5 on each rank, summed over two ranks: the products themselves.
    const double want[] = {50, -14, -42, 12};
    for (int r = 0; r < 2; ++r) {
        const std::vector<uint8_t> got = outs[static_cast<size_t>(r)]->Read();
        for (int e = 0; e < 4; ++e) {
            uint16_t h = 0;
            std::memcpy(&h, got.data() + e * 2, 2);
            EXPECT_EQ(HalfValue(h), want[e]) << "rank " << r << " element " << e;
        }
    }
}

double Bf16Value(uint16_t b) { return static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(b) << 16)); }
double Bf16(double x) { return RoundBits(x, 7, -126); }

TEST(QuantMatmulAllReduce, V2Bf16ScaleWithPertokenMatchesTheModel) {
    World w(1);
    const int64_t m = 4, k = 7, n = 3;
    std::vector<int8_t> a, b;
    for (int i = 0; i < m * k; ++i) a.push_back(static_cast<int8_t>((i * 29) % 255 - 127));
    for (int i = 0; i < k * n; ++i) b.push_back(static_cast<int8_t>((i * 71) % 253 - 126));
    const std::vector<uint16_t> scale = {0x3C23, 0xBB80, 0x3E4D};  // bf16 codes
    const std::vector<float> pertoken = {0.5f, -1.25f, 3.0e-3f, 7.75f};
    const std::vector<uint16_t> x3 = {0x3F80, 0xC000, 0x0000, 0x4120, 0x3E80, 0xBF00,
                                      0x4300, 0x3C00, 0xC2C8, 0x3F81, 0x4049, 0xBD4D};
    Tensor x1(ACL_INT8, {m, k}, Bytes(a)), x2(ACL_INT8, {k, n}, Bytes(b)), st(ACL_BF16, {1, n}, Bytes(scale)),
        pt(ACL_FLOAT, {m}, Bytes(pertoken)), x3t(ACL_BF16, {m, n}, Bytes(x3));
    auto out = Make(ACL_BF16, {m, n});
    w.Run([&](uint32_t) {
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnQuantMatmulAllReduceV2GetWorkspaceSize(x1.t, x2.t, nullptr, x3t.t, st.t, pt.t,
                                                              w.groups[0].c_str(), "sum", 0, 1, out->t, &ws, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *workspace = nullptr;
        ASSERT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        EXPECT_EQ(aclnnQuantMatmulAllReduceV2(workspace, ws, exec, w.streams[0]), ACLNN_SUCCESS);
        EXPECT_EQ(aclrtSynchronizeStream(w.streams[0]), ACL_SUCCESS) << TakeErrors();
        aclrtFree(workspace);
    });
    const std::vector<uint8_t> got = out->Read();
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            int64_t acc = 0;
            for (int64_t t = 0; t < k; ++t)
                acc += a[static_cast<size_t>(i * k + t)] * b[static_cast<size_t>(t * n + j)];
            // fp32: (acc · scale) · pertoken (the kernel's order), each product rounded; then bf16.
            const double p1 = static_cast<double>(
                static_cast<float>(static_cast<double>(acc) * Bf16Value(scale[static_cast<size_t>(j)])));
            const double p2 =
                static_cast<double>(static_cast<float>(p1 * static_cast<double>(pertoken[static_cast<size_t>(i)])));
            const double y = Bf16(p2);
            const double want =
                Bf16(static_cast<double>(static_cast<float>(y + Bf16Value(x3[static_cast<size_t>(i * n + j)]))));
            uint16_t h = 0;
            std::memcpy(&h, got.data() + (i * n + j) * 2, 2);
            EXPECT_EQ(Bf16Value(h), want) << i << "," << j << " acc " << acc;
        }
    }
}

// V3 with both comm scales: the int8 low-bit communication (ops.md §4.1) on two ranks, m = 3
// (padded to 4 rows, one 2-row block per rank), computed by hand below. `s1Rank1` replaces rank
// 1's commQuantScale1 codes (the documents require identical scales on every rank).
void RunV3Comm(World &w, const std::vector<uint16_t> &s1Rank1, std::vector<std::vector<uint8_t>> *outputs,
               std::vector<aclnnStatus> *statuses) {
    const int64_t m = 3, k = 1, n = 2;
    const std::vector<std::vector<int8_t>> a = {{3, 5, -7}, {1, 2, 9}};
    const std::vector<int8_t> b = {1, 2};
    const std::vector<std::vector<uint16_t>> s1 = {{0x3F00, 0x4000}, s1Rank1};  // bf16 0.5, 2
    const std::vector<uint16_t> s2 = {0x3F80, 0x4080};                          // bf16 1, 4
    std::vector<std::unique_ptr<Tensor>> x1s, x2s, scales, c1s, c2s, outs;
    for (int r = 0; r < 2; ++r) {
        x1s.push_back(std::make_unique<Tensor>(ACL_INT8, Shape{m, k}, Bytes(a[static_cast<size_t>(r)])));
        x2s.push_back(std::make_unique<Tensor>(ACL_INT8, Shape{k, n}, Bytes(b)));
        scales.push_back(std::make_unique<Tensor>(ACL_BF16, Shape{1}, Bytes(std::vector<uint16_t>{0x3F00})));  // 0.5
        // (1, n) both: the op_api requires the two comm scales to have the same rank.
        c1s.push_back(std::make_unique<Tensor>(ACL_BF16, Shape{1, n}, Bytes(s1[static_cast<size_t>(r)])));
        c2s.push_back(std::make_unique<Tensor>(ACL_BF16, Shape{1, n}, Bytes(s2)));
        outs.push_back(Make(ACL_BF16, {m, n}));
    }
    statuses->assign(2, ACLNN_SUCCESS);
    w.Run([&](uint32_t r) {
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnQuantMatmulAllReduceV3GetWorkspaceSize(x1s[r]->t, x2s[r]->t, nullptr, nullptr, scales[r]->t,
                                                              nullptr, c1s[r]->t, c2s[r]->t, w.groups[r].c_str(), "sum",
                                                              0, 1, outs[r]->t, &ws, &exec),
                  ACLNN_SUCCESS)
            << TakeErrors();
        void *workspace = nullptr;
        ASSERT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        aclnnStatus st = aclnnQuantMatmulAllReduceV3(workspace, ws, exec, w.streams[r]);
        const aclError sync = aclrtSynchronizeStream(w.streams[r]);
        if (st == ACLNN_SUCCESS) st = static_cast<aclnnStatus>(sync);
        (*statuses)[r] = st;
        TakeErrors();
        aclrtFree(workspace);
    });
    outputs->clear();
    for (int r = 0; r < 2; ++r) outputs->push_back(outs[static_cast<size_t>(r)]->Read());
}

TEST(QuantMatmulAllReduce, V3Int8CommunicationOfTwoRanksByHand) {
    World w(2);
    std::vector<std::vector<uint8_t>> outs;
    std::vector<aclnnStatus> statuses;
    RunV3Comm(w, {0x3F00, 0x4000}, &outs, &statuses);
    // y = bf16(x1 · x2 · 0.5): rank 0 [[1.5, 3], [2.5, 5], [-3.5, -7]], rank 1 [[0.5, 1], [1, 2], [4.5, 9]].
    // q = rint(y / s1), s1 = (0.5, 2), ties to even: rank 0 [[3, 2], [5, 2], [-7, -4]],
    // rank 1 [[1, 0], [2, 1], [9, 4]]; sums [[4, 2], [7, 3], [2, 0]]; ratio s1/s2 = (0.5, 0.5):
    // q2 = rint(sum · 0.5) = [[2, 1], [4, 2], [1, 0]] (3.5 -> 4, 1.5 -> 2); · s2 = (1, 4).
    // (Ties away from zero would give column 1 = (8, 8, 4); no quantisation (2, 3.5, 1 | 4, 7, 2).)
    const double want[] = {2, 4, 4, 8, 1, 0};
    for (int r = 0; r < 2; ++r) {
        ASSERT_EQ(statuses[static_cast<size_t>(r)], ACLNN_SUCCESS) << "rank " << r;
        for (int e = 0; e < 6; ++e) {
            uint16_t h = 0;
            std::memcpy(&h, outs[static_cast<size_t>(r)].data() + e * 2, 2);
            EXPECT_EQ(Bf16Value(h), want[e]) << "rank " << r << " element " << e;
        }
    }
}

TEST(QuantMatmulAllReduce, V3CommScalesThatDifferBetweenRanksFailEveryRank) {
    World w(2);
    std::vector<std::vector<uint8_t>> outs;
    std::vector<aclnnStatus> statuses;
    RunV3Comm(w, {0x3F00, 0x3F80}, &outs, &statuses);  // rank 1's second s1 is 1, not 2
    for (int r = 0; r < 2; ++r) EXPECT_NE(statuses[static_cast<size_t>(r)], ACLNN_SUCCESS) << "rank " << r;
}

// The V3 unit-test CSV's failures (ops.md §2.4), each from a valid call with one change.
struct V3Call {
    int64_t m = 32, k = 64, n = 128;
    aclDataType x1 = ACL_INT8, x2 = ACL_INT8, bias = ACL_INT32, scale = ACL_FLOAT, out = ACL_FLOAT16;
    aclDataType x3 = ACL_FLOAT16, comm1 = ACL_FLOAT16, comm2 = ACL_FLOAT16;
    Shape x1Shape, x2Shape, biasShape, pertokenShape, comm1Shape, comm2Shape, outShape;
    bool withX3 = false, withComm = false, nullGroup = false, nullX1 = false, nullScale = false, noPertoken = false;
    const char *reduceOp = "sum";
    int64_t streamMode = 1;
    V3Call() { Reset(); }
    void Reset() {
        x1Shape = {m, k};
        x2Shape = {k, n};
        biasShape = {n};
        pertokenShape = {m};
        comm1Shape = comm2Shape = {n};
        outShape = {m, n};
    }
    aclnnStatus Run(World &w, std::string *msg) const {
        auto x1t = Make(x1, x1Shape), x2t = Make(x2, x2Shape), bt = Make(bias, biasShape), st = Make(scale, {n}),
             pt = Make(ACL_FLOAT, pertokenShape), ot = Make(out, outShape), x3t = Make(x3, outShape),
             c1 = Make(comm1, comm1Shape), c2 = Make(comm2, comm2Shape);
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        const aclnnStatus s = aclnnQuantMatmulAllReduceV3GetWorkspaceSize(
            nullX1 ? nullptr : x1t->t, x2t->t, bt->t, withX3 ? x3t->t : nullptr, nullScale ? nullptr : st->t,
            noPertoken ? nullptr : pt->t, withComm ? c1->t : nullptr, withComm ? c2->t : nullptr,
            nullGroup ? nullptr : w.groups[0].c_str(), reduceOp, 0, streamMode, ot->t, &ws, &exec);
        *msg = TakeErrors();
        if (s == ACLNN_SUCCESS) {  // not executed: release the executor through a no-op run
            void *workspace = nullptr;
            if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclnnQuantMatmulAllReduceV3(workspace, ws, exec, w.streams[0]), ACLNN_SUCCESS);
            EXPECT_EQ(aclrtSynchronizeStream(w.streams[0]), ACL_SUCCESS);
            if (workspace != nullptr) aclrtFree(workspace);
        }
        return s;
    }
};

TEST(QuantMatmulAllReduce, V3UnitTestCallsGiveTheirCodes) {
    World w(1);
    std::string msg;
    const V3Call valid;
    EXPECT_EQ(valid.Run(w, &msg), ACLNN_SUCCESS) << msg;

    struct Bad {
        const char *what;
        aclnnStatus code;
        std::function<void(V3Call &)> edit;
    };
    const std::vector<Bad> cases = {
        {"reduceOp max", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.reduceOp = "max"; }},
        {"streamMode 0", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.streamMode = 0; }},
        {"streamMode -1", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.streamMode = -1; }},
        {"x1 4-D", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.x1Shape = {1, 1, c.m, c.k};
         }},
        {"x2 3-D", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.x2Shape = {1, c.k, c.n};
         }},
        {"k mismatch", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.x1Shape = {c.m, c.k + 1};
         }},
        {"output mismatch", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.outShape = {c.m, c.n + 1};
         }},
        {"bias (64) vs n 128", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.biasShape = {64}; }},
        {"pertoken (16) vs m 32", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.pertokenShape = {16}; }},
        {"comm scales (64) vs n 128", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.withComm = true;
             c.comm1Shape = c.comm2Shape = {64};
         }},
        {"x1 int16", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.x1 = ACL_INT16; }},
        {"x2 int16", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.x2 = ACL_INT16; }},
        {"bias int16", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.bias = ACL_INT16; }},
        {"dequant INT64 with fp16 output + pertoken", ACLNN_ERR_PARAM_INVALID, [](V3Call &c) { c.scale = ACL_INT64; }},
        {"comm scale1 bf16 with fp16 output", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.withComm = true;
             c.comm1 = ACL_BF16;
         }},
        {"x3 fp32", ACLNN_ERR_PARAM_INVALID,
         [](V3Call &c) {
             c.withX3 = true;
             c.x3 = ACL_FLOAT;
         }},
        {"group null", ACLNN_ERR_PARAM_NULLPTR, [](V3Call &c) { c.nullGroup = true; }},
        {"x1 null", ACLNN_ERR_PARAM_NULLPTR, [](V3Call &c) { c.nullX1 = true; }},
        {"dequantScale null", ACLNN_ERR_PARAM_NULLPTR, [](V3Call &c) { c.nullScale = true; }},
        // Check order: a null dequantScale (null stage) wins over a dtype error.
        {"null before dtype", ACLNN_ERR_PARAM_NULLPTR,
         [](V3Call &c) {
             c.nullScale = true;
             c.x1 = ACL_INT16;
         }},
        // The vendor reads both compared sizes from commQuantScale2 (ops.md §8.3): a wrong-size
        // commQuantScale1 passes the op_api checks and is a tiling refusal.
        {"comm scale1 (64) with scale2 (128)", ACLNN_ERR_INNER_TILING_ERROR,
         [](V3Call &c) {
             c.withComm = true;
             c.comm1Shape = {64};
         }},
        {"fp32 dequant, fp16 output, no pertoken", ACLNN_ERR_INNER_TILING_ERROR,
         [](V3Call &c) { c.noPertoken = true; }},
    };
    for (const Bad &b : cases) {
        V3Call call;
        b.edit(call);
        EXPECT_EQ(call.Run(w, &msg), b.code) << b.what;
        EXPECT_NE(msg.find("aclnnQuantMatmulAllReduceV3"), std::string::npos) << b.what << ": " << msg;
    }
}

TEST(QuantMatmulAllReduce, V1RefusesBf16ScaleWithFp16OutputAndEmptyOutput) {
    World w(1);
    auto x1 = Make(ACL_INT8, {4, 8}), x2 = Make(ACL_INT8, {8, 4}), out = Make(ACL_FLOAT16, {4, 4});
    auto bf = Make(ACL_BF16, {1});
    std::string msg;
    EXPECT_EQ(CallV1(w, x1->t, x2->t, nullptr, nullptr, bf->t, out->t, "sum", 1, &msg), ACLNN_ERR_PARAM_INVALID) << msg;
    auto e1 = Make(ACL_INT8, {0, 8}), eo = Make(ACL_FLOAT16, {0, 4}), u64 = Make(ACL_UINT64, {1});
    const aclnnStatus s = CallV1(w, e1->t, x2->t, nullptr, nullptr, u64->t, eo->t, "sum", 1, &msg);
    EXPECT_TRUE(s == ACLNN_ERR_PARAM_INVALID || (s >= 561000 && s < 562000)) << s << " " << msg;
}

}  // namespace
}  // namespace mc2::testing
