// tests/ops/trans_matmul_weight_test.cc — aclnnTransMatmulWeight and aclnnCalculateMatmulWeightSize
// / V2 through the exported ABI only: the NZ bytes of a hand-derived example and of every tile
// boundary against the oracle's independent layout (oracle/internal/nz_layout.h), the descriptor
// afterwards (FRACTAL_NZ, 4-D storage), the documents' size examples, and every check's code.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "aclnnop/aclnn_trans_matmul_weight.h"
#include "oracle/internal/nz_layout.h"
#include "tests/common/abi_world.h"

namespace mc2::testing {
namespace {

using oracle::internal::NzFromLogical;

int Bytes(aclDataType t) { return t == ACL_INT8 ? 1 : t == ACL_FLOAT ? 4 : 2; }

std::string ShapeText(const Shape &shape) {
    std::string s;
    for (int64_t d : shape) s += (s.empty() ? "" : ",") + std::to_string(d);
    return "[" + s + "]";
}

// A weight in device memory of `alloc` elements; `logical` codes written through the view.
struct Weight {
    Weight(aclDataType type, const Shape &shape, const std::vector<uint64_t> &logical, int64_t alloc,
           Shape strides = {}, Shape storage = {}, aclFormat format = ACL_FORMAT_ND, int64_t offset = 0)
        : type(type), eb(Bytes(type)) {
        if (strides.empty()) strides = Contiguous(shape);
        if (storage.empty()) storage = {alloc};  // the declared storage is the whole allocation
        std::vector<uint8_t> host(static_cast<size_t>(alloc * eb), 0xEE);  // not zero: padding must be written
        // Row-major logical index → storage element through the strides.
        for (size_t e = 0; e < logical.size(); ++e) {
            int64_t rest = static_cast<int64_t>(e), at = offset;
            for (size_t d = shape.size(); d-- > 0;) {
                at += (rest % shape[d]) * strides[d];
                rest /= shape[d];
            }
            std::memcpy(host.data() + at * eb, &logical[e], static_cast<size_t>(eb));  // little-endian low bytes
        }
        bytes = host.size();
        EXPECT_EQ(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        EXPECT_EQ(aclrtMemcpy(dev, bytes, host.data(), bytes, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
        t = aclCreateTensor(shape.data(), shape.size(), type, strides.data(), offset, format, storage.data(),
                            storage.size(), dev);
        EXPECT_NE(t, nullptr) << TakeErrors();
    }
    ~Weight() {
        if (t != nullptr) aclDestroyTensor(t);
        aclrtFree(dev);
    }
    std::vector<uint64_t> Codes() const {
        std::vector<uint8_t> host(bytes);
        EXPECT_EQ(aclrtMemcpy(host.data(), bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
        std::vector<uint64_t> codes(bytes / static_cast<size_t>(eb), 0);
        for (size_t i = 0; i < codes.size(); ++i) std::memcpy(&codes[i], host.data() + i * eb, static_cast<size_t>(eb));
        return codes;
    }
    aclDataType type;
    int eb;
    void *dev = nullptr;
    size_t bytes = 0;
    aclTensor *t = nullptr;
};

uint64_t SizeV2(const Shape &shape, aclDataType type, aclnnStatus *status = nullptr) {
    aclIntArray *a = aclCreateIntArray(shape.data(), shape.size());
    uint64_t size = 0;
    const aclnnStatus s = aclnnCalculateMatmulWeightSizeV2(a, type, &size);
    aclDestroyIntArray(a);
    if (status != nullptr) *status = s;
    return s == ACLNN_SUCCESS ? size : 0;
}

uint64_t SizeV1(const Shape &shape, aclnnStatus *status = nullptr) {
    aclIntArray *a = aclCreateIntArray(shape.data(), shape.size());
    uint64_t size = 0;
    const aclnnStatus s = aclnnCalculateMatmulWeightSize(a, &size);
    aclDestroyIntArray(a);
    if (status != nullptr) *status = s;
    return s == ACLNN_SUCCESS ? size : 0;
}

class TransMatmulWeightTest : public ::testing::Test {
protected:
    void TearDown() override { unsetenv("MC2_PLATFORM"); }

    // Both phases on the rank's stream; the first phase's status, or the execute/sync failure.
    aclnnStatus Trans(aclTensor *t) {
        uint64_t ws = 0;
        aclOpExecutor *ex = nullptr;
        const aclnnStatus s = aclnnTransMatmulWeightGetWorkspaceSize(t, &ws, &ex);
        if (s != ACLNN_SUCCESS) return s;
        void *workspace = nullptr;
        if (ws > 0) EXPECT_EQ(aclrtMalloc(&workspace, ws, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
        const aclnnStatus e = aclnnTransMatmulWeight(workspace, ws, ex, world_.streams[0]);
        EXPECT_EQ(e, ACLNN_SUCCESS) << TakeErrors();
        EXPECT_EQ(aclrtSynchronizeStream(world_.streams[0]), ACL_SUCCESS) << TakeErrors();
        if (workspace != nullptr) aclrtFree(workspace);
        return e;
    }
    aclnnStatus Refused(aclTensor *t) {
        uint64_t ws = 0;
        aclOpExecutor *ex = nullptr;
        const aclnnStatus s = aclnnTransMatmulWeightGetWorkspaceSize(t, &ws, &ex);
        last_error_ = TakeErrors();
        return s;
    }

    World world_{1};
    std::string last_error_;
};

std::vector<uint64_t> Iota(int64_t n, uint64_t mask) {
    std::vector<uint64_t> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = ((static_cast<uint64_t>(i) * 37 + 1) & mask) | 1;
    return v;
}

TEST_F(TransMatmulWeightTest, Int8TwoByThreeBytesByHand) {
    // One 16×32 tile: row 0 at bytes 0..2, row 1 at 32..34, zeros elsewhere (the 0xEE the buffer
    // started with must be gone).
    Weight w(ACL_INT8, {2, 3}, {1, 2, 3, 4, 5, 6}, 512);
    ASSERT_EQ(Trans(w.t), ACLNN_SUCCESS);
    std::vector<uint64_t> expected(512, 0);
    expected[0] = 1, expected[1] = 2, expected[2] = 3, expected[32] = 4, expected[33] = 5, expected[34] = 6;
    EXPECT_EQ(w.Codes(), expected);
    aclFormat format = ACL_FORMAT_ND;
    ASSERT_EQ(aclGetFormat(w.t, &format), ACLNN_SUCCESS);
    EXPECT_EQ(format, ACL_FORMAT_FRACTAL_NZ);
    int64_t *dims = nullptr;
    uint64_t n = 0;
    ASSERT_EQ(aclGetStorageShape(w.t, &dims, &n), ACLNN_SUCCESS);
    EXPECT_EQ(Shape(dims, dims + n), (Shape{1, 1, 16, 32}));
    delete[] dims;
    ASSERT_EQ(aclGetViewShape(w.t, &dims, &n), ACLNN_SUCCESS);
    EXPECT_EQ(Shape(dims, dims + n), (Shape{2, 3}));  // the logical view is unchanged
    delete[] dims;
}

TEST_F(TransMatmulWeightTest, EveryBoundaryMatchesTheOracleLayout) {
    const int64_t dims[] = {1, 15, 16, 17, 31, 32, 33};
    for (aclDataType type : {ACL_FLOAT16, ACL_BF16, ACL_INT8}) {
        const uint64_t mask = type == ACL_INT8 ? 0x7F : 0x3BFF;
        for (int64_t k : dims) {
            for (int64_t n : dims) {
                SCOPED_TRACE(::testing::Message() << "dtype " << type << " " << k << "x" << n);
                const Shape shape{k, n};
                const std::vector<uint64_t> logical = Iota(k * n, mask);
                Weight w(type, shape, logical, static_cast<int64_t>(SizeV2(shape, type)));
                ASSERT_EQ(Trans(w.t), ACLNN_SUCCESS) << TakeErrors();
                EXPECT_EQ(w.Codes(), NzFromLogical(logical, shape, type));
            }
        }
    }
}

TEST_F(TransMatmulWeightTest, BatchAndTransposedViews) {
    const Shape batch{2, 17, 20};
    const std::vector<uint64_t> a = Iota(Numel(batch), 0x3BFF);
    Weight w(ACL_FLOAT16, batch, a, static_cast<int64_t>(SizeV2(batch, ACL_FLOAT16)));
    ASSERT_EQ(Trans(w.t), ACLNN_SUCCESS) << TakeErrors();
    EXPECT_EQ(w.Codes(), NzFromLogical(a, batch, ACL_FLOAT16));
    // A transposed view (k, n) over (n, k) storage: the NZ layout is of the matrix the view shows.
    const Shape view{20, 33};
    const std::vector<uint64_t> b = Iota(Numel(view), 0x7F);
    Weight t(ACL_INT8, view, b, static_cast<int64_t>(SizeV2(view, ACL_INT8)), {1, 20});
    ASSERT_EQ(Trans(t.t), ACLNN_SUCCESS) << TakeErrors();
    EXPECT_EQ(t.Codes(), NzFromLogical(b, view, ACL_INT8));
}

TEST_F(TransMatmulWeightTest, SizesAtEveryBoundaryAndTheDocumentExamples) {
    // aclnnCalculateMatmulWeightSizeV2.md: [510, 510] fp16/bf16 → 262144, [510, 270] int8 → 147456;
    // aclnnCalculateMatmulWeightSize.md: [510, 510] → 262144.
    EXPECT_EQ(SizeV2({510, 510}, ACL_FLOAT16), 262144u);
    EXPECT_EQ(SizeV2({510, 510}, ACL_BF16), 262144u);
    EXPECT_EQ(SizeV2({510, 270}, ACL_INT8), 147456u);
    EXPECT_EQ(SizeV1({510, 510}), 262144u);
    struct Pad {
        int64_t d, to16, to32;
    };
    const Pad pads[] = {{1, 16, 32}, {15, 16, 32}, {16, 16, 32}, {17, 32, 32}, {31, 32, 32}, {32, 32, 32}, {33, 48, 64}};
    for (const Pad &r : pads) {
        for (const Pad &c : pads) {
            EXPECT_EQ(SizeV2({r.d, c.d}, ACL_FLOAT16), static_cast<uint64_t>(r.to16 * c.to16));
            EXPECT_EQ(SizeV2({r.d, c.d}, ACL_INT8), static_cast<uint64_t>(r.to16 * c.to32));
            EXPECT_EQ(SizeV1({r.d, c.d}), static_cast<uint64_t>(r.to16 * c.to16));  // V1: the fp16 size
        }
    }
    EXPECT_EQ(SizeV2({3, 5, 17, 33}, ACL_INT8), 15u * 32 * 64);  // batch dims not padded
    EXPECT_EQ(SizeV1({2, 1, 1, 1, 1, 1}), 2u * 256);
}

TEST_F(TransMatmulWeightTest, SizeChecks) {
    aclnnStatus s = ACLNN_SUCCESS;
    uint64_t size = 0;
    EXPECT_EQ(aclnnCalculateMatmulWeightSizeV2(nullptr, ACL_FLOAT16, &size), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_EQ(aclnnCalculateMatmulWeightSize(nullptr, &size), ACLNN_ERR_PARAM_NULLPTR);
    const Shape ok{16, 16};
    aclIntArray *a = aclCreateIntArray(ok.data(), ok.size());
    EXPECT_EQ(aclnnCalculateMatmulWeightSizeV2(a, ACL_FLOAT16, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_EQ(aclnnCalculateMatmulWeightSize(a, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    aclDestroyIntArray(a);
    for (const Shape &bad : {Shape{16}, Shape{1, 1, 1, 1, 1, 1, 16}, Shape{16, 0}, Shape{-16, 16}}) {
        SizeV2(bad, ACL_FLOAT16, &s);
        EXPECT_EQ(s, ACLNN_ERR_PARAM_INVALID) << ShapeText(bad);
        SizeV1(bad, &s);
        EXPECT_EQ(s, ACLNN_ERR_PARAM_INVALID) << ShapeText(bad);
    }
    for (aclDataType type : {ACL_FLOAT, ACL_INT4, ACL_INT32, ACL_UINT8}) {
        SizeV2(ok, type, &s);
        EXPECT_EQ(s, ACLNN_ERR_PARAM_INVALID) << type;
        EXPECT_NE(TakeErrors().find("dataType"), std::string::npos);
    }
    SizeV2({int64_t{1} << 40, int64_t{1} << 40}, ACL_INT8, &s);
    EXPECT_EQ(s, ACLNN_ERR_PARAM_INVALID);
    // Ascend 950: V1 takes 2-D only (op_api CheckShapeDim), V2 2–6 everywhere.
    setenv("MC2_PLATFORM", "ascend_950", 1);
    SizeV1({2, 16, 16}, &s);
    EXPECT_EQ(s, ACLNN_ERR_PARAM_INVALID);
    EXPECT_EQ(SizeV2({2, 16, 16}, ACL_FLOAT16), 512u);
}

TEST_F(TransMatmulWeightTest, ChecksInTheVendorOrder) {
    uint64_t ws = 0;
    aclOpExecutor *ex = nullptr;
    EXPECT_EQ(aclnnTransMatmulWeightGetWorkspaceSize(nullptr, &ws, &ex), ACLNN_ERR_PARAM_NULLPTR);
    Weight good(ACL_FLOAT16, {16, 16}, Iota(256, 0x3BFF), 256);
    EXPECT_EQ(aclnnTransMatmulWeightGetWorkspaceSize(good.t, nullptr, &ex), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_EQ(aclnnTransMatmulWeightGetWorkspaceSize(good.t, &ws, nullptr), ACLNN_ERR_PARAM_NULLPTR);
    EXPECT_EQ(aclnnTransMatmulWeight(nullptr, 0, nullptr, world_.streams[0]), ACLNN_ERR_PARAM_NULLPTR);

    Weight fp32(ACL_FLOAT, {16, 16}, {}, 256);  // dtype before format: an NZ fp32 is a dtype error
    EXPECT_EQ(Refused(fp32.t), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(last_error_.find("FLOAT16, BFLOAT16 or INT8"), std::string::npos) << last_error_;
    Weight nz(ACL_INT8, {16, 32}, {}, 512, {}, {}, ACL_FORMAT_FRACTAL_NZ);  // vendor UT ascend910B2_invalid_format
    EXPECT_EQ(Refused(nz.t), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(last_error_.find("expected ND"), std::string::npos) << last_error_;
    Weight rank7(ACL_FLOAT16, {1, 1, 1, 1, 1, 16, 32}, {}, 512);  // vendor UT ascend910B2_dim_larger_than_6
    EXPECT_EQ(Refused(rank7.t), ACLNN_ERR_PARAM_INVALID);
    Weight rank1(ACL_FLOAT16, {16}, {}, 256);
    EXPECT_EQ(Refused(rank1.t), ACLNN_ERR_PARAM_INVALID);
    Weight empty(ACL_FLOAT16, {16, 0}, {}, 16, {}, {16});  // doc: 161002 (vendor op_api: success)
    EXPECT_EQ(Refused(empty.t), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(last_error_.find("empty"), std::string::npos) << last_error_;

    // Hardening: memory that cannot hold the padded weight, a view offset.
    Weight small(ACL_FLOAT16, {17, 17}, Iota(289, 0x3BFF), 289);  // NZ needs 1024 elements
    EXPECT_EQ(Refused(small.t), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(last_error_.find("needs 1024"), std::string::npos) << last_error_;
    // A storage shape that claims more than the allocation holds.
    Weight lying(ACL_FLOAT16, {17, 17}, Iota(289, 0x3BFF), 289, {}, {1024});
    EXPECT_EQ(Refused(lying.t), ACLNN_ERR_PARAM_INVALID);
    EXPECT_NE(last_error_.find("cannot hold the NZ weight"), std::string::npos) << last_error_;
    aclFormat format = ACL_FORMAT_UNDEFINED;
    ASSERT_EQ(aclGetFormat(small.t, &format), ACLNN_SUCCESS);
    EXPECT_EQ(format, ACL_FORMAT_ND);  // a refused call leaves the descriptor alone
    Weight offset(ACL_FLOAT16, {16, 16}, Iota(256, 0x3BFF), 512, {}, {}, ACL_FORMAT_ND, 16);
    EXPECT_EQ(Refused(offset.t), ACLNN_ERR_PARAM_INVALID);

    // Ascend 950: FLOAT16/BFLOAT16 weights 2-D only, INT8 2–6 (vendor UT ascend950_dim_larger_than_2).
    setenv("MC2_PLATFORM", "ascend_950", 1);
    Weight fp16_3d(ACL_FLOAT16, {16, 16, 32}, {}, 16 * 16 * 32);
    EXPECT_EQ(Refused(fp16_3d.t), ACLNN_ERR_PARAM_INVALID);
    Weight int8_3d(ACL_INT8, {2, 16, 32}, Iota(1024, 0x7F), 1024);
    EXPECT_EQ(Trans(int8_3d.t), ACLNN_SUCCESS);
}

TEST_F(TransMatmulWeightTest, VendorUnitTestCallsSucceed) {
    // ascend910B2_test_normal_dim2_input / dim3_input: FLOAT16 (16, 32) and (16, 16, 32), ND.
    Weight a(ACL_FLOAT16, {16, 32}, Iota(512, 0x3BFF), 512);
    EXPECT_EQ(Trans(a.t), ACLNN_SUCCESS);
    Weight b(ACL_FLOAT16, {16, 16, 32}, Iota(8192, 0x3BFF), 8192);
    EXPECT_EQ(Trans(b.t), ACLNN_SUCCESS);
}

}  // namespace
}  // namespace mc2::testing
