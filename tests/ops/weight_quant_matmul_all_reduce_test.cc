// tests/ops/weight_quant_matmul_all_reduce_test.cc — aclnnWeightQuantMatmulAllReduce through the
// exported C ABI only, ranks as threads: each check's code and order (the vendor's op_api unit-test
// calls, ops.md §2.2), and results against a model written here on data chosen so that every
// intermediate is exact (small integers, power-of-two scales): per tensor, per channel, per group
// with offsets, INT8 and INT4 (element 0 in the low nibble), plain and transposed x2, k == 0.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "aclnnop/aclnn_weight_quant_matmul_all_reduce.h"
#include "hccl/hccl.h"
#include "tests/common/abi_world.h"

namespace {

using mc2::testing::Contiguous;
using mc2::testing::Numel;
using mc2::testing::Shape;
using mc2::testing::TakeErrors;
using mc2::testing::World;

// The fp16 / bf16 code of a value both formats hold exactly (the test data are chosen so).
uint16_t Code(aclDataType t, double v) {
    const float f = static_cast<float>(v);
    uint32_t bits = 0;
    std::memcpy(&bits, &f, 4);
    if (t == ACL_BF16) return static_cast<uint16_t>(bits >> 16);
    if (v == 0) return static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t sign = (bits >> 16) & 0x8000u;
    const int exp = static_cast<int>((bits >> 23) & 0xFF) - 127 + 15;
    return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exp) << 10) | ((bits & 0x7FFFFFu) >> 13));
}
double Value(aclDataType t, uint16_t c) {
    if (t == ACL_BF16) {
        const uint32_t bits = static_cast<uint32_t>(c) << 16;
        float f = 0;
        std::memcpy(&f, &bits, 4);
        return static_cast<double>(f);
    }
    const int exp = (c >> 10) & 0x1F;
    const double mant = exp == 0 ? (c & 0x3FF) / 1024.0 : 1 + (c & 0x3FF) / 1024.0;
    return ((c & 0x8000) ? -1 : 1) * std::ldexp(mant, (exp == 0 ? 1 : exp) - 15);
}

// A device tensor of any dtype over the given storage bytes.
struct Tensor {
    Tensor(aclDataType type, const Shape &shape, std::vector<uint8_t> storage, Shape strides = {},
           Shape storageShape = {}) {
        if (strides.empty()) strides = Contiguous(shape);
        bytes = storage.size();
        if (bytes > 0) {
            EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclrtMemcpy(dev, bytes, storage.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        }
        if (storageShape.empty()) storageShape = {std::max<int64_t>(Numel(shape), 0)};
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), 0, ACL_FORMAT_ND, storageShape.data(),
                            storageShape.size(), dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~Tensor() {
        if (t != nullptr) aclDestroyTensor(t);
        if (dev != nullptr) aclrtFree(dev);
    }
    std::vector<uint8_t> Read() const {
        std::vector<uint8_t> host(bytes);
        if (bytes > 0) EXPECT_EQ(aclrtMemcpy(host.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        return host;
    }
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

std::vector<uint8_t> Halves(aclDataType t, const std::vector<double> &v) {
    std::vector<uint8_t> out(v.size() * 2);
    for (size_t i = 0; i < v.size(); ++i) {
        const uint16_t c = Code(t, v[i]);
        std::memcpy(&out[2 * i], &c, 2);
    }
    return out;
}
std::unique_ptr<Tensor> Half(aclDataType t, const Shape &shape, const std::vector<double> &v, Shape strides = {}) {
    return std::make_unique<Tensor>(t, shape, Halves(t, v), strides);
}
std::unique_ptr<Tensor> Zeros(aclDataType t, const Shape &shape) {
    return Half(t, shape, std::vector<double>(static_cast<size_t>(std::max<int64_t>(Numel(shape), 0)), 0.0));
}
// INT4 storage: element i in the low nibble of byte i / 2 when i is even (formats.md §9).
std::vector<uint8_t> PackInt4(const std::vector<int> &v) {
    std::vector<uint8_t> out((v.size() + 1) / 2, 0);
    for (size_t i = 0; i < v.size(); ++i) {
        const uint8_t nibble = static_cast<uint8_t>(v[i] & 0xF);
        out[i / 2] |= (i % 2 == 0) ? nibble : static_cast<uint8_t>(nibble << 4);
    }
    return out;
}
std::vector<uint8_t> Int8(const std::vector<int> &v) {
    std::vector<uint8_t> out(v.size());
    for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<uint8_t>(static_cast<int8_t>(v[i]));
    return out;
}

// One call's arguments; the default is a valid fp16 × INT8 per-channel case (m 4, k 8, n 6).
struct Call {
    aclDataType t = ACL_FLOAT16;
    aclDataType w = ACL_INT8;
    Shape x1 = {4, 8}, x2 = {8, 6}, out = {4, 6};
    std::optional<Shape> bias, x3, offset;
    Shape scale = {6};
    aclDataType scaleType = ACL_FLOAT16, outType = ACL_FLOAT16, x1Type = ACL_FLOAT16;
    std::optional<aclDataType> offsetType;
    const char *reduceOp = "sum";
    int64_t streamMode = 1, groupSize = 0, commTurn = 0;
    bool nullX1 = false, nullX2 = false, nullScale = false, nullOut = false, nullGroup = false;
};

// GetWorkspaceSize on rank 0 of a one-rank world; returns the status and keeps the message.
aclnnStatus Prepare(const Call &c, std::string *msg = nullptr) {
    World world(1);
    aclnnStatus status = 0;
    world.Run([&](uint32_t) {
        auto x1 = Zeros(c.x1Type, c.x1);
        const int64_t n2 = std::max<int64_t>(Numel(c.x2), 0);
        auto x2 = std::make_unique<Tensor>(c.w, c.x2,
                                           c.w == ACL_INT4 ? std::vector<uint8_t>((n2 + 1) / 2, 0)
                                                           : std::vector<uint8_t>(static_cast<size_t>(n2) * (c.w == ACL_INT8 ? 1 : 4), 0));
        auto scale = Zeros(c.scaleType, c.scale);
        auto out = Zeros(c.outType, c.out);
        std::unique_ptr<Tensor> bias, x3, offset;
        if (c.bias) bias = Zeros(c.t, *c.bias);
        if (c.x3) x3 = Zeros(c.t, *c.x3);
        if (c.offset) offset = Zeros(c.offsetType.value_or(c.scaleType), *c.offset);
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        status = aclnnWeightQuantMatmulAllReduceGetWorkspaceSize(
            c.nullX1 ? nullptr : x1->t, c.nullX2 ? nullptr : x2->t, bias ? bias->t : nullptr,
            c.nullScale ? nullptr : scale->t, offset ? offset->t : nullptr, x3 ? x3->t : nullptr,
            c.nullGroup ? nullptr : world.groups[0].c_str(), c.reduceOp, c.commTurn, c.streamMode, c.groupSize,
            c.nullOut ? nullptr : out->t, &ws, &exec);
        const std::string m = TakeErrors();
        if (msg) *msg = m;
        if (status != 0) EXPECT_FALSE(m.empty()) << "a refusal must say why";
        // A successful executor is consumed by running it (nothing may leak).
        if (status == 0) {
            void *w = nullptr;
            if (ws > 0) EXPECT_EQ(aclrtMalloc(&w, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclnnWeightQuantMatmulAllReduce(w, ws, exec, world.streams[0]), 0) << TakeErrors();
            EXPECT_EQ(aclrtSynchronizeStream(world.streams[0]), ACL_SUCCESS) << TakeErrors();
            if (w) aclrtFree(w);
        }
    });
    return status;
}

// ---- the vendor's op_api unit-test calls (Y test_aclnn_weight_quant_matmul_all_reduce.csv) ----

TEST(WeightQuantChecks, DocumentedSuccesses) {
    Call kZero;
    kZero.x1 = {32, 0};
    kZero.x2 = {0, 6};
    kZero.out = {32, 6};
    EXPECT_EQ(Prepare(kZero), 0);
    Call group;
    group.x1 = {4, 64};
    group.x2 = {64, 128};
    group.out = {4, 128};
    group.scale = {2, 128};
    group.groupSize = 32;
    EXPECT_EQ(Prepare(group), 0);
    Call tensor;
    tensor.scale = {1};
    EXPECT_EQ(Prepare(tensor), 0);
    Call channel2d;
    channel2d.scale = {1, 6};
    channel2d.offset = Shape{1, 6};
    EXPECT_EQ(Prepare(channel2d), 0);
}

TEST(WeightQuantChecks, DocumentedRefusals) {
    std::vector<std::pair<const char *, Call>> cases;
    auto add = [&](const char *what, auto edit) {
        Call c;
        edit(c);
        cases.emplace_back(what, c);
    };
    add("M = 0", [](Call &c) { c.x1 = {0, 8}; c.out = {0, 6}; });
    add("x1 4-D", [](Call &c) { c.x1 = {1, 1, 4, 8}; c.out = {1, 1, 4, 6}; });
    add("x2 3-D", [](Call &c) { c.x2 = {1, 8, 6}; });
    add("reduceOp max", [](Call &c) { c.reduceOp = "max"; });
    add("reduceOp sumX", [](Call &c) { c.reduceOp = "sumX"; });
    add("streamMode 0", [](Call &c) { c.streamMode = 0; });
    add("streamMode -1", [](Call &c) { c.streamMode = -1; });
    add("k mismatch", [](Call &c) { c.x2 = {7, 6}; });
    add("output shape", [](Call &c) { c.out = {4, 7}; });
    add("bias length", [](Call &c) { c.bias = Shape{7}; });
    add("scale length", [](Call &c) { c.scale = {5}; });
    add("G = 16", [](Call &c) { c.groupSize = 16; c.scale = {1, 6}; });
    add("G = k", [](Call &c) { c.x1 = {4, 64}; c.x2 = {64, 6}; c.groupSize = 64; c.scale = {1, 6}; });
    add("G = 48", [](Call &c) { c.x1 = {4, 64}; c.x2 = {64, 6}; c.groupSize = 48; c.scale = {2, 6}; });
    add("per-group rows", [](Call &c) { c.x1 = {4, 64}; c.x2 = {64, 6}; c.groupSize = 32; c.scale = {3, 6}; });
    add("x1 fp32", [](Call &c) { c.x1Type = ACL_FLOAT; });
    add("x2 fp16", [](Call &c) { c.w = ACL_FLOAT16; });
    add("scale bf16 vs x1 fp16", [](Call &c) { c.scaleType = ACL_BF16; });
    add("output bf16 vs x1 fp16", [](Call &c) { c.outType = ACL_BF16; });
    add("offset bf16 vs scale fp16", [](Call &c) { c.offset = Shape{6}; c.offsetType = ACL_BF16; });
    add("offset shape", [](Call &c) { c.offset = Shape{1, 6}; });
    add("x3 shape", [](Call &c) { c.x3 = Shape{4, 5}; });
    add("commTurn < 0", [](Call &c) { c.commTurn = -1; });
    for (const auto &[what, c] : cases) {
        std::string msg;
        EXPECT_EQ(Prepare(c, &msg), 161002) << what;
        EXPECT_NE(msg.find("aclnnWeightQuantMatmulAllReduce"), std::string::npos) << what << ": " << msg;
    }
}

TEST(WeightQuantChecks, NullsComeFirst) {
    for (int which = 0; which < 4; ++which) {
        Call c;
        c.x1Type = ACL_FLOAT;  // a dtype error too: the null check comes first
        (which == 0 ? c.nullX1 : which == 1 ? c.nullX2 : which == 2 ? c.nullScale : c.nullOut) = true;
        EXPECT_EQ(Prepare(c), 161001) << which;
    }
    Call group;
    group.nullGroup = true;
    EXPECT_EQ(Prepare(group), 161001);
    group.reduceOp = "max";  // the op_api's attribute check comes before the inner layer's null group
    EXPECT_EQ(Prepare(group), 161002);
}

TEST(WeightQuantChecks, TilingLimits) {
    Call odd;
    odd.w = ACL_INT4;
    odd.x2 = {8, 5};
    odd.out = {4, 5};
    odd.scale = {5};
    const aclnnStatus s = Prepare(odd);
    EXPECT_GE(s, 561000);
    EXPECT_LT(s, 562000);
    Call bigK;
    bigK.x1 = {1, 65536};
    bigK.x2 = {65536, 2};
    bigK.out = {1, 2};
    bigK.scale = {1};
    const aclnnStatus b = Prepare(bigK);
    EXPECT_GE(b, 561000);
    EXPECT_LT(b, 562000);
}

// ---- numerics ----

struct RankData {
    std::vector<double> x1;      // m × k
    std::vector<int> x2;         // k × n, logical
    std::vector<double> scale;   // as laid out for the shape below
    std::vector<double> offset;  // same, or empty
    std::vector<double> bias;    // n or empty
    std::vector<double> x3;      // m × n or empty
};

// Σ_r x1_r @ ((x2_r + offset_r) · scale_r) + bias_r + x3_r, every step exact for the data used.
std::vector<double> Model(const std::vector<RankData> &ranks, int64_t m, int64_t k, int64_t n, int64_t group,
                          int scaleMode /*0 tensor, 1 channel, 2 group*/) {
    std::vector<double> out(static_cast<size_t>(m * n), 0.0);
    for (const RankData &d : ranks) {
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
                double acc = d.bias.empty() ? 0.0 : d.bias[static_cast<size_t>(j)];
                for (int64_t t = 0; t < k; ++t) {
                    const size_t s = scaleMode == 0 ? 0 : scaleMode == 1 ? static_cast<size_t>(j)
                                                                        : static_cast<size_t>((t / group) * n + j);
                    const double o = d.offset.empty() ? 0.0 : d.offset[s];
                    acc += d.x1[static_cast<size_t>(i * k + t)] * ((d.x2[static_cast<size_t>(t * n + j)] + o) * d.scale[s]);
                }
                if (!d.x3.empty()) acc += d.x3[static_cast<size_t>(i * n + j)];
                out[static_cast<size_t>(i * n + j)] += acc;
            }
    }
    return out;
}

void RunNumeric(aclDataType t, aclDataType w, bool transposed, int scaleMode, bool withOffset, uint32_t worldSize) {
    const int64_t m = 3, k = scaleMode == 2 ? 64 : 6, n = 4, group = 32;
    const int64_t rows = scaleMode == 2 ? 2 : 1;
    std::vector<RankData> data(worldSize);
    for (uint32_t r = 0; r < worldSize; ++r) {
        RankData &d = data[r];
        for (int64_t e = 0; e < m * k; ++e) d.x1.push_back(static_cast<double>((e * 7 + r * 3) % 5) - 2);
        for (int64_t e = 0; e < k * n; ++e) d.x2.push_back(static_cast<int>((e * 5 + r) % 16) - 8);
        const int64_t ns = scaleMode == 0 ? 1 : rows * n;
        for (int64_t e = 0; e < ns; ++e) d.scale.push_back(std::ldexp(1.0, static_cast<int>((e + r) % 3) - 2));
        if (withOffset)
            for (int64_t e = 0; e < ns; ++e) d.offset.push_back(static_cast<double>(e % 3) - 1);
        if (r == 0) d.bias = {1, -2, 0.5, 4};
        if (r + 1 == worldSize)
            for (int64_t e = 0; e < m * n; ++e) d.x3.push_back(static_cast<double>(e % 4) * 0.25);
    }
    const std::vector<double> want = Model(data, m, k, n, group, scaleMode);
    // The data keep every value representable in T, so no rounding anywhere is possible.
    for (double v : want) ASSERT_EQ(Value(t, Code(t, v)), v) << "test data not exact in T";

    World world(worldSize);
    std::vector<std::vector<uint8_t>> got(worldSize);
    world.Run([&](uint32_t r) {
        const RankData &d = data[r];
        auto x1 = Half(t, {m, k}, d.x1);
        // The (k, n) weight, stored as (n, k) when transposed.
        std::vector<int> stored;
        if (transposed) {
            for (int64_t j = 0; j < n; ++j)
                for (int64_t q = 0; q < k; ++q) stored.push_back(d.x2[static_cast<size_t>(q * n + j)]);
        } else {
            stored = d.x2;
        }
        auto x2 = std::make_unique<Tensor>(w, Shape{k, n}, w == ACL_INT4 ? PackInt4(stored) : Int8(stored),
                                           transposed ? Shape{1, k} : Shape{});
        const Shape sShape = scaleMode == 0 ? Shape{1} : scaleMode == 1 ? Shape{n} : Shape{rows, n};
        // A per-group scale follows x2's transposition (the newer op_api requires it).
        std::vector<double> sv = d.scale, ov = d.offset;
        Shape sStrides;
        if (scaleMode == 2 && transposed) {
            sStrides = {1, rows};
            std::vector<double> ts, to;
            for (int64_t j = 0; j < n; ++j)
                for (int64_t q = 0; q < rows; ++q) {
                    ts.push_back(d.scale[static_cast<size_t>(q * n + j)]);
                    if (!ov.empty()) to.push_back(d.offset[static_cast<size_t>(q * n + j)]);
                }
            sv = ts;
            if (!ov.empty()) ov = to;
        }
        auto scale = Half(t, sShape, sv, sStrides);
        std::unique_ptr<Tensor> offset, bias, x3;
        if (!ov.empty()) offset = Half(t, sShape, ov, sStrides);
        if (!d.bias.empty()) bias = Half(t, {n}, d.bias);
        if (!d.x3.empty()) x3 = Half(t, {m, n}, d.x3);
        auto out = Zeros(t, {m, n});
        uint64_t ws = 0;
        aclOpExecutor *exec = nullptr;
        ASSERT_EQ(aclnnWeightQuantMatmulAllReduceGetWorkspaceSize(
                      x1->t, x2->t, bias ? bias->t : nullptr, scale->t, offset ? offset->t : nullptr,
                      x3 ? x3->t : nullptr, world.groups[r].c_str(), "sum", 0, 1, scaleMode == 2 ? group : 0, out->t,
                      &ws, &exec),
                  0)
            << TakeErrors();
        void *wsp = nullptr;
        if (ws > 0) ASSERT_EQ(aclrtMalloc(&wsp, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        ASSERT_EQ(aclnnWeightQuantMatmulAllReduce(wsp, ws, exec, world.streams[r]), 0) << TakeErrors();
        ASSERT_EQ(aclrtSynchronizeStream(world.streams[r]), ACL_SUCCESS) << TakeErrors();
        if (wsp) aclrtFree(wsp);
        got[r] = out->Read();
    });
    for (uint32_t r = 0; r < worldSize; ++r) {
        ASSERT_EQ(got[r].size(), want.size() * 2);
        for (size_t e = 0; e < want.size(); ++e) {
            uint16_t c = 0;
            std::memcpy(&c, &got[r][2 * e], 2);
            EXPECT_EQ(Value(t, c), want[e]) << "rank " << r << " element " << e;
        }
    }
}

TEST(WeightQuantNumerics, Int8PerChannelPlain) { RunNumeric(ACL_FLOAT16, ACL_INT8, false, 1, false, 2); }
TEST(WeightQuantNumerics, Int8PerTensorOffsetBf16) { RunNumeric(ACL_BF16, ACL_INT8, false, 0, true, 1); }
TEST(WeightQuantNumerics, Int8PerGroupTransposedOffset) { RunNumeric(ACL_FLOAT16, ACL_INT8, true, 2, true, 2); }
TEST(WeightQuantNumerics, Int4PerChannelLowNibbleFirst) { RunNumeric(ACL_FLOAT16, ACL_INT4, false, 1, true, 2); }
TEST(WeightQuantNumerics, Int4PerGroupTransposedBf16) { RunNumeric(ACL_BF16, ACL_INT4, true, 2, false, 4); }

}  // namespace
