// tests/oracle/exact_sum_test.cc — the oracle's long accumulator (oracle/internal/exact_sum.h)
// on sums whose exact value is known by construction.
#include "oracle/internal/exact_sum.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace mc2::oracle::internal {
namespace {

TEST(ExactSum, EmptyIsZero) {
    ExactSum s;
    const auto r = s.Get();
    EXPECT_EQ(r.value, 0.0);
    EXPECT_TRUE(r.exact);
}

TEST(ExactSum, CancellationAcrossTheWholeRange) {
    // 2^1000 + 1 + 2^-1074 − 2^1000 = 1 + 2^-1074: no double holds it; binary64 summation
    // in this order gives 0.
    ExactSum s;
    s.Add(0x1p1000);
    s.Add(1.0);
    s.Add(std::numeric_limits<double>::denorm_min());
    s.Add(-0x1p1000);
    const auto r = s.Get();
    EXPECT_EQ(r.value, 1.0);
    EXPECT_FALSE(r.exact);
    EXPECT_LE(r.lo, 1.0);
    EXPECT_GT(r.hi, 1.0);
    s.Add(-std::numeric_limits<double>::denorm_min());
    EXPECT_TRUE(s.Get().exact);
    EXPECT_EQ(s.Get().value, 1.0);
}

TEST(ExactSum, NegativeResultsAndProducts) {
    ExactSum s;
    // (1 + 2^-30)·(1 − 2^-30) = 1 − 2^-60, whose binary64 product rounds to 1; the fma residual
    // keeps the exact value.
    s.AddProduct(1.0 + 0x1p-30, 1.0 - 0x1p-30);
    s.Add(-2.0);
    const auto r = s.Get();  // −1 − 2^-60
    EXPECT_EQ(r.value, -1.0);
    EXPECT_FALSE(r.exact);
    EXPECT_LT(r.lo, -1.0);
    EXPECT_GE(r.hi, -1.0);
    s.Add(0x1p-60);
    s.Add(1.0);
    EXPECT_EQ(s.Get().value, 0.0);
    EXPECT_TRUE(s.Get().exact);
}

TEST(ExactSum, ManyTermsSurviveNormalization) {
    // 3·2^30 additions of 1.0 and 3·2^30 of −0.5: carries are propagated more than once.
    ExactSum s;
    const int64_t n = int64_t{3} << 20;  // 3·2^20 pairs keep the test fast; the limb bound is
    for (int64_t i = 0; i < n; ++i) {    // exercised by AddSum below.
        s.Add(1.0);
        s.Add(-0.5);
    }
    EXPECT_EQ(s.Get().value, static_cast<double>(n) * 0.5);
    ExactSum t;
    t.Add(-static_cast<double>(n) * 0.5);
    t.AddSum(s);
    EXPECT_EQ(t.Get().value, 0.0);
    EXPECT_TRUE(t.Get().exact);
}

}  // namespace
}  // namespace mc2::oracle::internal
