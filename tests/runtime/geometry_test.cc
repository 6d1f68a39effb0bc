// tests/runtime/geometry_test.cc — the tensor helpers operators rely on: element widths,
// contiguity, element counts and the storage span a view touches.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "runtime/dtype.h"
#include "runtime/tensor.h"

namespace {

using mc2::impl::DataTypeBits;
using mc2::impl::IsContiguous;
using mc2::impl::StorageSpanBytes;
using mc2::impl::ViewElementCount;

aclTensor Make(std::vector<int64_t> shape, std::vector<int64_t> strides, int64_t offset = 0,
               aclDataType dtype = ACL_FLOAT16) {
    aclTensor t;
    t.viewShape = std::move(shape);
    t.strides = std::move(strides);
    t.offset = offset;
    t.storageShape = t.viewShape;
    t.dataType = dtype;
    t.format = ACL_FORMAT_ND;
    return t;
}

TEST(RuntimeGeometry, DataTypeBits) {
    EXPECT_EQ(DataTypeBits(ACL_FLOAT), 32u);
    EXPECT_EQ(DataTypeBits(ACL_BF16), 16u);
    EXPECT_EQ(DataTypeBits(ACL_INT4), 4u);
    EXPECT_EQ(DataTypeBits(ACL_FLOAT4_E2M1), 4u);
    EXPECT_EQ(DataTypeBits(ACL_FLOAT4_E1M2), 4u);
    EXPECT_EQ(DataTypeBits(ACL_FLOAT6_E3M2), 6u);
    EXPECT_EQ(DataTypeBits(ACL_UINT1), 1u);
    EXPECT_EQ(DataTypeBits(ACL_FLOAT8_E8M0), 8u);
    EXPECT_EQ(DataTypeBits(ACL_HIFLOAT8), 8u);
    EXPECT_EQ(DataTypeBits(ACL_COMPLEX128), 128u);
    EXPECT_EQ(DataTypeBits(ACL_STRING), 0u);
    EXPECT_EQ(DataTypeBits(42), 0u);
}

TEST(RuntimeGeometry, Contiguity) {
    EXPECT_TRUE(IsContiguous(Make({2, 3, 4}, {12, 4, 1})));
    EXPECT_FALSE(IsContiguous(Make({2, 3, 4}, {12, 1, 3})));  // transposed inner pair
    EXPECT_FALSE(IsContiguous(Make({2, 3}, {4, 1})));         // padded rows
    EXPECT_TRUE(IsContiguous(Make({2, 1, 4}, {4, 99, 1})));   // size-1 dims: any stride
    EXPECT_TRUE(IsContiguous(Make({0, 5}, {7, 3})));          // empty
    EXPECT_TRUE(IsContiguous(Make({}, {})));                  // scalar
    EXPECT_FALSE(IsContiguous(Make({3}, {2})));
}

TEST(RuntimeGeometry, ElementCount) {
    int64_t n = 0;
    ASSERT_TRUE(ViewElementCount(Make({2, 3, 4}, {12, 4, 1}), &n));
    EXPECT_EQ(n, 24);
    ASSERT_TRUE(ViewElementCount(Make({}, {}), &n));
    EXPECT_EQ(n, 1);
    int64_t big = int64_t{1} << 40;
    EXPECT_FALSE(ViewElementCount(Make({big, big}, {big, 1}), &n));
}

TEST(RuntimeGeometry, StorageSpan) {
    uint64_t bytes = 0;
    ASSERT_TRUE(StorageSpanBytes(Make({2, 3}, {3, 1}), &bytes));
    EXPECT_EQ(bytes, 12u);  // 6 fp16
    ASSERT_TRUE(StorageSpanBytes(Make({2, 3}, {3, 1}, 10), &bytes));
    EXPECT_EQ(bytes, 32u);  // offset counts
    ASSERT_TRUE(StorageSpanBytes(Make({3, 2}, {1, 3}), &bytes));
    EXPECT_EQ(bytes, 12u);  // transposed view of the same storage
    ASSERT_TRUE(StorageSpanBytes(Make({2, 3}, {8, 1}), &bytes));
    EXPECT_EQ(bytes, 22u);  // last element at index 10
    ASSERT_TRUE(StorageSpanBytes(Make({3}, {1}, 0, ACL_INT4), &bytes));
    EXPECT_EQ(bytes, 2u);  // 12 bits round up
    ASSERT_TRUE(StorageSpanBytes(Make({4, 0}, {1, 1}), &bytes));
    EXPECT_EQ(bytes, 0u);
    ASSERT_TRUE(StorageSpanBytes(Make({}, {}, 0, ACL_FLOAT), &bytes));
    EXPECT_EQ(bytes, 4u);
    EXPECT_FALSE(StorageSpanBytes(Make({2}, {-1}), &bytes));
    EXPECT_FALSE(StorageSpanBytes(Make({2}, {1}, 0, ACL_STRING), &bytes));
    int64_t huge = std::numeric_limits<int64_t>::max();
    EXPECT_FALSE(StorageSpanBytes(Make({3}, {huge}), &bytes));
}

}  // namespace
