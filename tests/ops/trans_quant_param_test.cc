// tests/ops/trans_quant_param_test.cc — aclnnTransQuantParamV2 / V3 through the exported C ABI
// only: every check's code, message and order (ops.md §3: null → dtype → format → shape →
// roundMode, then this suite's hardening), the document's example call, and the words against a
// model of the documented formula written here (aclnnTransQuantParamV3.md 计算公式): truncation
// is `bits & 0xFFFFE000`; rounding picks the nearer fp19 neighbour, the even one on a tie, with
// exponent 0 flushed and exponent 255 passed; the offset is nearbyint, clamped to [-256, 255].
// The sweep sends every exponent × sign × the mantissas around bit 12, and 2^20 random codes,
// through one call per round mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "aclnnop/aclnn_trans_quant_param_v2.h"
#include "aclnnop/aclnn_trans_quant_param_v3.h"
#include "tests/common/abi_world.h"

namespace mc2::testing {
namespace {

constexpr uint64_t kFlag = uint64_t{1} << 46;

// A device tensor of T over `storage`, viewed with shape / strides (contiguous when empty).
template <typename T>
struct Dev {
    Dev(const std::vector<T> &storage, const Shape &shape, aclDataType type, Shape strides = {},
        aclFormat format = ACL_FORMAT_ND, Shape storageShape = {}, int64_t offset = 0) {
        bytes = storage.size() * sizeof(T);
        if (bytes > 0) {
            EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
            EXPECT_EQ(aclrtMemcpy(dev, bytes, storage.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        }
        if (strides.empty()) strides = Contiguous(shape);
        if (storageShape.empty()) storageShape = {static_cast<int64_t>(storage.size())};
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), offset, format, storageShape.data(),
                            storageShape.size(), dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~Dev() {
        if (t != nullptr) aclDestroyTensor(t);
        if (dev != nullptr) aclrtFree(dev);
    }
    Dev(const Dev &) = delete;
    Dev &operator=(const Dev &) = delete;
    std::vector<T> Read() const {
        std::vector<T> host(bytes / sizeof(T));
        if (bytes > 0) {
            EXPECT_EQ(aclrtMemcpy(host.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        }
        return host;
    }
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

uint32_t Bits(float x) { return std::bit_cast<uint32_t>(x); }
float Float(uint32_t c) { return std::bit_cast<float>(c); }

// ---- the documented formula, written for this test ----
uint32_t ModelScale(uint32_t c, int64_t mode) {
    const uint32_t lo = c & 0xFFFFE000u;
    if (mode == 0) return lo;
    const uint32_t e = (c >> 23) & 0xFFu;
    if (e == 0) return c & 0x80000000u;
    if (e == 255) return lo;
    const uint32_t hi = lo + 0x2000u;  // one fp19 ulp further from zero (Inf past the largest)
    const double x = std::fabs(static_cast<double>(Float(c)));
    const double a = std::fabs(static_cast<double>(Float(lo)));
    const double b = (hi & 0x7F800000u) == 0x7F800000u ? std::ldexp(1.0, 128) : std::fabs(static_cast<double>(Float(hi)));
    // hi of the largest finite fp19 is the Inf code of the same sign.
    return (x - a < b - x || (x - a == b - x && (lo & 0x2000u) == 0)) ? lo : hi;
}
uint64_t ModelWord(uint32_t scale, const float *offset, int64_t mode) {
    uint64_t w = kFlag | ModelScale(scale, mode);
    if (offset != nullptr) {
        const double r = std::fmax(std::fmin(std::nearbyint(static_cast<double>(*offset)), 255.0), -256.0);
        w |= (static_cast<uint64_t>(static_cast<int64_t>(r)) & 0x1FFu) << 37;
    }
    return w;
}

class TransQuantParamTest : public ::testing::Test {
protected:
    void SetUp() override { unsetenv("MC2_PLATFORM"); }
    void TearDown() override { unsetenv("MC2_PLATFORM"); }

    // GetWorkspaceSize of V3 (roundMode given) or V2 (roundMode < 0), and the message it left.
    aclnnStatus Prepare(const aclTensor *scale, const aclTensor *offset, int64_t roundMode, const aclTensor *out,
                        std::string *message = nullptr) {
        TakeErrors();
        executor_ = nullptr;
        uint64_t ws = 0;
        const aclnnStatus st = roundMode < 0
                                   ? aclnnTransQuantParamV2GetWorkspaceSize(scale, offset, out, &ws, &executor_)
                                   : aclnnTransQuantParamV3GetWorkspaceSize(scale, offset, roundMode, out, &ws, &executor_);
        if (message) *message = TakeErrors();
        if (st == ACLNN_SUCCESS) {
            EXPECT_EQ(ws, 0u);
        }
        v3_ = roundMode >= 0;
        return st;
    }
    // Prepare + execute + synchronise; returns the first non-zero status.
    aclnnStatus Run(const aclTensor *scale, const aclTensor *offset, int64_t roundMode, const aclTensor *out) {
        if (aclnnStatus st = Prepare(scale, offset, roundMode, out); st != ACLNN_SUCCESS) return st;
        const aclnnStatus st = v3_ ? aclnnTransQuantParamV3(nullptr, 0, executor_, world_.streams[0])
                                   : aclnnTransQuantParamV2(nullptr, 0, executor_, world_.streams[0]);
        if (st != ACLNN_SUCCESS) return st;
        return aclrtSynchronizeStream(world_.streams[0]);
    }

    World world_{1};
    aclOpExecutor *executor_ = nullptr;
    bool v3_ = false;
};

using F = Dev<float>;
using U = Dev<uint64_t>;

TEST_F(TransQuantParamTest, DocumentExampleCall) {
    // aclnnTransQuantParamV3.md 调用示例: scale {1, 1, 1}, offset {1, 1, 1}, roundMode 1, UINT64 out (3).
    F scale({1, 1, 1}, {3}, ACL_FLOAT);
    F offset({1, 1, 1}, {3}, ACL_FLOAT);
    U out({0, 0, 0}, {3}, ACL_UINT64);
    ASSERT_EQ(Run(scale.t, offset.t, 1, out.t), ACLNN_SUCCESS) << TakeErrors();
    // 1.0f = 0x3F800000, bit 46, offset 1 at bit 37.
    EXPECT_EQ(out.Read(), (std::vector<uint64_t>(3, 0x000040203F800000ull)));
}

TEST_F(TransQuantParamTest, NullsAreCheckedFirst) {
    F scale({1}, {1}, ACL_FLOAT);
    F badOffset({1}, {1}, ACL_FLOAT16);
    U out({0}, {1}, ACL_UINT64);
    std::string m;
    EXPECT_EQ(Prepare(nullptr, nullptr, -1, out.t, &m), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_NE(m.find("scale"), std::string::npos) << m;
    EXPECT_EQ(Prepare(scale.t, nullptr, 0, nullptr, &m), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_NE(m.find("out"), std::string::npos) << m;
    // Null before dtype: a null out with a bad offset dtype is 161001.
    EXPECT_EQ(Prepare(scale.t, badOffset.t, 0, nullptr, &m), ACLNN_ERR_PARAM_NULLPTR);
    // The optional offset may be null.
    EXPECT_EQ(Prepare(scale.t, nullptr, 0, out.t), ACLNN_SUCCESS) << TakeErrors();
}

TEST_F(TransQuantParamTest, DtypesThenFormatsThenShapesThenRoundMode) {
    std::string m;
    {
        Dev<uint16_t> scale({0x3C00}, {1}, ACL_FLOAT16);
        U out({0}, {1}, ACL_UINT64);
        EXPECT_EQ(Prepare(scale.t, nullptr, 0, out.t, &m), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(m.find("scale"), std::string::npos) << m;
        EXPECT_NE(m.find("FLOAT16"), std::string::npos) << m;
    }
    {
        F scale({1}, {1}, ACL_FLOAT);
        Dev<int32_t> offset({1}, {1}, ACL_INT32);
        U out({0}, {1}, ACL_UINT64);
        EXPECT_EQ(Prepare(scale.t, offset.t, -1, out.t, &m), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(m.find("offset"), std::string::npos) << m;
    }
    for (aclDataType bad : {ACL_FLOAT, ACL_INT32, ACL_UINT32, ACL_DOUBLE}) {
        F scale({1}, {1}, ACL_FLOAT);
        U out({0}, {1}, bad);
        EXPECT_EQ(Prepare(scale.t, nullptr, 1, out.t, &m), ACLNN_ERR_PARAM_INVALID) << bad;
        EXPECT_NE(m.find("out"), std::string::npos) << m;
    }
    {
        // A wrong format and a wrong shape: the format is reported (dtype → format → shape).
        F scale({1, 1}, {2, 1}, ACL_FLOAT, {}, ACL_FORMAT_NCHW);
        U out({0}, {1}, ACL_UINT64);
        EXPECT_EQ(Prepare(scale.t, nullptr, 0, out.t, &m), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(m.find("format"), std::string::npos) << m;
    }
    {
        F scale({1}, {1}, ACL_FLOAT);
        F offset({1}, {1}, ACL_FLOAT, {}, ACL_FORMAT_NHWC);
        U out({0}, {1}, ACL_UINT64);
        EXPECT_EQ(Prepare(scale.t, offset.t, 0, out.t, &m), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(m.find("offset format"), std::string::npos) << m;
    }
    {
        // A bad scale shape and a bad roundMode: the shape is reported (roundMode is checked last).
        F scale({1, 1}, {2, 1}, ACL_FLOAT);
        U out({0, 0}, {2, 1}, ACL_UINT64);
        EXPECT_EQ(Prepare(scale.t, nullptr, 7, out.t, &m), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(m.find("scale shape"), std::string::npos) << m;
    }
    for (int64_t mode : {int64_t{2}, int64_t{-1}, int64_t{3}, INT64_MIN}) {
        F scale({1}, {1}, ACL_FLOAT);
        U out({0}, {1}, ACL_UINT64);
        // V3 only (Prepare's roundMode < 0 means V2, so -1 and INT64_MIN go through V3 by hand).
        TakeErrors();
        uint64_t ws = 0;
        aclOpExecutor *ex = nullptr;
        EXPECT_EQ(aclnnTransQuantParamV3GetWorkspaceSize(scale.t, nullptr, mode, out.t, &ws, &ex),
                  ACLNN_ERR_PARAM_INVALID)
            << mode;
        EXPECT_NE(TakeErrors().find("roundMode"), std::string::npos);
    }
}

TEST_F(TransQuantParamTest, ShapesOnBothSidesOfEachBoundary) {
    struct C {
        Shape scale;
        Shape offset;  // empty: no offset
        Shape out;
        bool ok_a2;
        bool ok_950;
    };
    const C cases[] = {
        {{1}, {}, {1}, true, true},
        {{5}, {}, {5}, true, true},
        {{1, 5}, {}, {1, 5}, true, true},
        {{1, 1}, {}, {1, 1}, true, true},
        {{2, 5}, {}, {2, 5}, false, true},   // (g, n): Ascend 950 only
        {{0}, {}, {0}, false, false},        // empty scale
        {{1, 0}, {}, {1, 0}, false, false},
        {{0, 5}, {}, {0, 5}, false, false},
        {{1, 1, 5}, {}, {1, 1, 5}, false, false},
        {{5}, {5}, {5}, true, true},
        {{5}, {1}, {5}, true, true},
        {{1}, {5}, {5}, true, true},
        {{5}, {1, 5}, {5}, true, true},
        {{1, 5}, {5}, {1, 5}, true, true},
        {{1, 5}, {1, 5}, {1, 5}, true, true},
        {{5}, {4}, {5}, false, false},       // both 1-D longer than 1, unequal (op_api)
        {{5}, {0}, {5}, false, false},       // empty offset
        {{5}, {2, 5}, {5}, false, false},    // offset (g, n) is refused on 950 too
        {{5}, {1, 4}, {5}, false, false},    // hardening: (1, m) offset vs (n) scale
        {{1, 5}, {4}, {1, 5}, false, false}, // hardening: offset vs a 2-D scale's n
        {{2, 5}, {5}, {2, 5}, false, false}, // hardening: an offset with (g, n)
        {{5}, {}, {6}, false, false},        // hardening: out shape
        {{5}, {}, {1, 5}, false, false},
        {{1, 5}, {}, {5}, false, false},
        {{1}, {5}, {1}, false, false},       // out must be max(scale, offset)
    };
    for (const char *platform : {"atlas_a2", "ascend_950"}) {
        setenv("MC2_PLATFORM", platform, 1);
        const bool a2 = std::string(platform) == "atlas_a2";
        for (const C &c : cases) {
            F scale(std::vector<float>(static_cast<size_t>(std::max<int64_t>(Numel(c.scale), 1)), 0.5f), c.scale,
                    ACL_FLOAT);
            std::unique_ptr<F> offset;
            if (!c.offset.empty()) {
                offset = std::make_unique<F>(std::vector<float>(static_cast<size_t>(std::max<int64_t>(Numel(c.offset), 1)), 3.0f),
                                             c.offset, ACL_FLOAT);
            }
            U out(std::vector<uint64_t>(static_cast<size_t>(std::max<int64_t>(Numel(c.out), 1)), 0), c.out, ACL_UINT64);
            const bool ok = a2 ? c.ok_a2 : c.ok_950;
            std::string m;
            const aclnnStatus st = Prepare(scale.t, offset ? offset->t : nullptr, 0, out.t, &m);
            EXPECT_EQ(st, ok ? ACLNN_SUCCESS : ACLNN_ERR_PARAM_INVALID)
                << platform << " scale " << ::testing::PrintToString(c.scale) << " offset "
                << ::testing::PrintToString(c.offset) << " out " << ::testing::PrintToString(c.out) << ": " << m;
            if (!ok) {
                EXPECT_FALSE(m.empty());
            }
            if (ok) {
                ASSERT_EQ(aclnnTransQuantParamV3(nullptr, 0, executor_, world_.streams[0]), ACLNN_SUCCESS);
                ASSERT_EQ(aclrtSynchronizeStream(world_.streams[0]), ACL_SUCCESS);
                const float three = 3.0f;
                const uint64_t want = ModelWord(Bits(0.5f), offset ? &three : nullptr, 0);
                for (uint64_t w : out.Read()) EXPECT_EQ(w, want);
            }
        }
    }
}

TEST_F(TransQuantParamTest, LayoutHardening) {
    std::string m;
    {
        F scale({1, 9, 2, 9, 3, 9}, {3}, ACL_FLOAT, {2});  // strided scale
        U out({0, 0, 0}, {3}, ACL_UINT64);
        EXPECT_EQ(Prepare(scale.t, nullptr, 0, out.t, &m), ACLNN_ERR_PARAM_INVALID);
        EXPECT_NE(m.find("contiguous"), std::string::npos) << m;
    }
    {
        F scale({1, 2, 3}, {3}, ACL_FLOAT);
        U out({0}, {3}, ACL_UINT64, {0});  // every element at one address
        EXPECT_EQ(Prepare(scale.t, nullptr, 0, out.t, &m), ACLNN_ERR_PARAM_INVALID);
    }
    {
        F scale({1, 2, 3}, {3}, ACL_FLOAT);
        U out({0, 0}, {3}, ACL_UINT64, {}, ACL_FORMAT_ND, {2});  // storage of 2 for a view of 3
        EXPECT_EQ(Prepare(scale.t, nullptr, 0, out.t, &m), ACLNN_ERR_PARAM_INVALID);
    }
}

TEST_F(TransQuantParamTest, StridedOutKeepsItsGaps) {
    F scale({1.0f, 0.6f, -2.5f}, {3}, ACL_FLOAT);
    F offset({-0.5f}, {1}, ACL_FLOAT);
    const uint64_t poison = 0xDEADBEEFCAFEF00Dull;
    U out(std::vector<uint64_t>(6, poison), {3}, ACL_INT64, {2});
    ASSERT_EQ(Run(scale.t, offset.t, 1, out.t), ACLNN_SUCCESS) << TakeErrors();
    const float off = -0.5f;
    const std::vector<uint64_t> got = out.Read();
    const float s[] = {1.0f, 0.6f, -2.5f};
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(got[static_cast<size_t>(2 * i)], ModelWord(Bits(s[i]), &off, 1)) << i;
        EXPECT_EQ(got[static_cast<size_t>(2 * i + 1)], poison) << i;
    }
    EXPECT_EQ(got[2], 0x000040003F19A000ull);  // 0.6 rounds up at bit 13; offset -0.5 -> 0
}

TEST_F(TransQuantParamTest, Int64AndUint64OutHoldTheSameWords) {
    F scale({0.1f, -3.0f, 1e-40f, 65504.0f}, {4}, ACL_FLOAT);
    F offset({127.5f, -300.0f, 0.5f, 2.5f}, {4}, ACL_FLOAT);
    U a({0, 0, 0, 0}, {4}, ACL_UINT64);
    U b({0, 0, 0, 0}, {4}, ACL_INT64);
    ASSERT_EQ(Run(scale.t, offset.t, -1, a.t), ACLNN_SUCCESS) << TakeErrors();
    ASSERT_EQ(Run(scale.t, offset.t, -1, b.t), ACLNN_SUCCESS) << TakeErrors();
    EXPECT_EQ(a.Read(), b.Read());
    EXPECT_EQ(a.Read()[1], 0x00006000C0400000ull);  // -3.0, offset clamped to -256 (field 0x100)
}

TEST_F(TransQuantParamTest, SweepAgainstTheDocumentedFormula) {
    std::vector<uint32_t> codes;
    const uint32_t mantissas[] = {0,        1,        0xFFF,    0x1000,   0x1001,   0x1FFF,   0x2000,
                                  0x2FFF,   0x3000,   0x3001,   0x7FDFFF, 0x7FE000, 0x7FEFFF, 0x7FF000,
                                  0x7FF001, 0x7FFFFF, 0x400000, 0x401000, 0x403000, 0x123456};
    for (uint32_t sign = 0; sign < 2; ++sign) {
        for (uint32_t e = 0; e < 256; ++e) {
            for (uint32_t m : mantissas) codes.push_back(sign << 31 | e << 23 | m);
        }
    }
    std::mt19937 rng(8);
    while (codes.size() < (size_t{1} << 20)) codes.push_back(static_cast<uint32_t>(rng()));
    const Shape shape = {static_cast<int64_t>(codes.size())};
    // Offsets: every quarter in [-300, 300] and its fp32 neighbours, repeated along the sweep.
    std::vector<float> offsets(codes.size());
    for (size_t i = 0; i < offsets.size(); ++i) {
        const float q = static_cast<float>(static_cast<int>(i % 2401) - 1200) / 4.0f;
        offsets[i] = i % 3 == 0 ? q : std::nextafter(q, i % 3 == 1 ? -1e9f : 1e9f);
    }
    std::vector<float> scales(codes.size());
    for (size_t i = 0; i < codes.size(); ++i) scales[i] = Float(codes[i]);
    F scale(scales, shape, ACL_FLOAT);
    F offset(offsets, shape, ACL_FLOAT);
    for (int64_t mode : {int64_t{-1}, int64_t{0}, int64_t{1}}) {
        for (bool withOffset : {false, true}) {
            U out(std::vector<uint64_t>(codes.size(), 0), shape, ACL_UINT64);
            ASSERT_EQ(Run(scale.t, withOffset ? offset.t : nullptr, mode, out.t), ACLNN_SUCCESS) << TakeErrors();
            const std::vector<uint64_t> got = out.Read();
            size_t bad = 0;
            for (size_t i = 0; i < codes.size(); ++i) {
                const uint64_t want = ModelWord(codes[i], withOffset ? &offsets[i] : nullptr, mode < 0 ? 0 : mode);
                if (got[i] != want && ++bad <= 5) {
                    ADD_FAILURE() << "mode " << mode << " scale 0x" << std::hex << codes[i] << " offset "
                                  << offsets[i] << ": got 0x" << got[i] << ", want 0x" << want;
                }
            }
            EXPECT_EQ(bad, 0u) << "mode " << mode << (withOffset ? " with" : " without") << " offset";
        }
    }
}

TEST_F(TransQuantParamTest, ExecutorIsSingleUseAndBoundToItsApi) {
    F scale({1.0f}, {1}, ACL_FLOAT);
    U out({0}, {1}, ACL_UINT64);
    ASSERT_EQ(Prepare(scale.t, nullptr, -1, out.t), ACLNN_SUCCESS);
    // An executor of V2 run by V3 is refused; then it is consumed.
    EXPECT_EQ(aclnnTransQuantParamV3(nullptr, 0, executor_, world_.streams[0]), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(TakeErrors().find("aclnnTransQuantParamV3"), std::string::npos);
    EXPECT_EQ(aclnnTransQuantParamV2(nullptr, 0, nullptr, world_.streams[0]), ACLNN_ERR_PARAM_NULLPTR);
}

}  // namespace
}  // namespace mc2::testing
