// tests/ops/layout_predicates_test.cc — the op_api layout predicates of impl/ops/common/checks.h
// on descriptors built directly: the transposed-x2 test of ops.md §1.4 and, for fuzzed shapes
// whose products pass INT64_MAX, no overflow (UBSan in the sanitize preset) and no false match.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "ops/common/checks.h"

namespace {

using mc2::impl::ops::IsTransposeLastTwoDims;

aclTensor View(std::vector<int64_t> shape, std::vector<int64_t> strides) {
    aclTensor t;
    t.viewShape = std::move(shape);
    t.strides = std::move(strides);
    t.dataType = ACL_FLOAT16;
    t.format = ACL_FORMAT_ND;
    return t;
}

TEST(LayoutPredicates, TransposedLastTwoDims) {
    EXPECT_TRUE(IsTransposeLastTwoDims(View({3, 4}, {1, 3})));
    EXPECT_FALSE(IsTransposeLastTwoDims(View({3, 4}, {4, 1})));       // row-major
    EXPECT_FALSE(IsTransposeLastTwoDims(View({1, 1}, {1, 1})));       // both last dims 1
    EXPECT_TRUE(IsTransposeLastTwoDims(View({2, 3, 4}, {12, 1, 3})));  // a packed batch
    EXPECT_FALSE(IsTransposeLastTwoDims(View({2, 3, 4}, {13, 1, 3})));
    EXPECT_FALSE(IsTransposeLastTwoDims(View({5}, {1})));
}

TEST(LayoutPredicates, ProductsPastInt64MaxAreNoStride) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    // The api_fuzzer finding (session 19): a batch dim of INT64_MAX after 256 elements per matrix.
    EXPECT_FALSE(IsTransposeLastTwoDims(View({2, kMax, 16, 16}, {0, 256, 1, 16})));
    // The matrix itself past INT64_MAX, with a batch stride that its wrapped product would match.
    const int64_t rows = int64_t{1} << 32, cols = int64_t{1} << 32;
    EXPECT_FALSE(IsTransposeLastTwoDims(View({2, rows, cols}, {0, 1, rows})));
    // Two dims: nothing past the matrix to compare, so the product is not needed.
    EXPECT_TRUE(IsTransposeLastTwoDims(View({rows, cols}, {1, rows})));
}

}  // namespace
