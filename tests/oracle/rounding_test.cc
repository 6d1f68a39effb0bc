// tests/oracle/rounding_test.cc — the oracle's fast rounding to fp16 / bf16 (power-of-two
// scaling in double, oracle/internal/rounding.cc) against the codebook codecs (oracle/codecs,
// the definition), and the bit-stepping Up / Down of internal/interval.h against
// std::nextafter. Exhaustive where it matters: every float32 value in the binades around the
// subnormal/normal edge and the overflow edge, and both sides of every decision boundary of
// every code.
#include "oracle/internal/rounding.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/codebook.h"
#include "oracle/internal/interval.h"

namespace mc2::oracle::internal {
namespace {

constexpr double kInfD = std::numeric_limits<double>::infinity();

// Same value and same sign of zero (NaN matches NaN).
bool Same(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

// Counts disagreements between the fast and the codebook rounding at x and −x, printing the first few.
int Check(const DtypeMath &d, double x, int &printed) {
    int bad = 0;
    for (const double v : {x, -x}) {
        const double fast = RoundNearestEven(d, v), book = RoundNearestEvenByCodebook(d, v);
        if (!Same(fast, book)) {
            ++bad;
            if (printed++ < 5) ADD_FAILURE() << "dtype " << d.dtype << " x=" << std::hexfloat << v << " fast=" << fast
                                             << " codebook=" << book;
        }
    }
    return bad;
}

float FloatOf(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// Every positive float32 with a biased exponent in [e_lo, e_hi] (and its negation).
int SweepFloats(const DtypeMath &d, uint32_t e_lo, uint32_t e_hi, int &printed) {
    int bad = 0;
    for (uint32_t bits = e_lo << 23; bits < ((e_hi + 1) << 23); ++bits)
        bad += Check(d, static_cast<double>(FloatOf(bits)), printed);
    return bad;
}

TEST(OracleRounding, Fp16MatchesCodebookOnEveryFloatNearTheEdges) {
    const DtypeMath &d = MathOf(ACL_FLOAT16);
    int printed = 0, bad = 0;
    // fp16's subnormals start at 2^-24 and its normals at 2^-14: float exponents 2^-26..2^-13
    // (biased 101..114) cover the flush-to-zero tie, every subnormal and the first normals.
    bad += SweepFloats(d, 101, 114, printed);
    // The overflow edge: 2^14..2^16 (biased 141..143).
    bad += SweepFloats(d, 141, 143, printed);
    // An ordinary binade, [1, 2).
    bad += SweepFloats(d, 127, 127, printed);
    EXPECT_EQ(bad, 0);
}

TEST(OracleRounding, Bf16MatchesCodebookOnEveryFloatNearTheEdges) {
    const DtypeMath &d = MathOf(ACL_BF16);
    int printed = 0, bad = 0;
    // bf16's subnormals are float32's: every subnormal float and the first normal binades
    // (biased 0..2), the overflow edge (253..254) and [1, 2).
    bad += SweepFloats(d, 0, 2, printed);
    bad += SweepFloats(d, 253, 254, printed);
    bad += SweepFloats(d, 127, 127, printed);
    EXPECT_EQ(bad, 0);
}

TEST(OracleRounding, MatchesCodebookAroundEveryDecisionBoundary) {
    for (const auto &[dt, f] : {std::pair{ACL_FLOAT16, &kFloat16}, std::pair{ACL_BF16, &kBf16}}) {
        const DtypeMath &d = MathOf(dt);
        const std::span<const double> mags = SortedMagnitudes(*f);
        int printed = 0, bad = 0;
        auto around = [&](double x) {
            bad += Check(d, x, printed);
            bad += Check(d, std::nextafter(x, 0.0), printed);
            bad += Check(d, std::nextafter(x, kInfD), printed);
        };
        for (size_t q = 0; q + 1 < mags.size(); ++q) {
            around(mags[q]);
            around((mags[q] + mags[q + 1]) / 2);  // exact: both are multiples of a common power of two
        }
        around(mags.back());
        around(OverflowThreshold(*f));
        EXPECT_EQ(bad, 0) << d.dtype;
    }
}

TEST(OracleRounding, MatchesCodebookOnSpecialAndExtremeDoubles) {
    const double extremes[] = {0.0,
                               std::numeric_limits<double>::denorm_min(),
                               std::numeric_limits<double>::min(),
                               std::numeric_limits<double>::max(),
                               kInfD,
                               std::numeric_limits<double>::quiet_NaN(),
                               0x1p-1000,
                               0x1p1000,
                               0x1.FFFFFFFFFFFFFp127,
                               0x1p128};
    for (aclDataType t : {ACL_FLOAT16, ACL_BF16}) {
        int printed = 0, bad = 0;
        for (const double x : extremes) bad += Check(MathOf(t), x, printed);
        EXPECT_EQ(bad, 0) << t;
    }
}

TEST(OracleRounding, MatchesCodebookOnRandomDoubles) {
    // Doubles with random bit patterns in the exponent window the formats care about (the
    // double's low mantissa bits decide the sticky part of the rounding).
    std::mt19937_64 rng(20240601);
    for (aclDataType t : {ACL_FLOAT16, ACL_BF16}) {
        int printed = 0, bad = 0;
        const int lo = t == ACL_FLOAT16 ? 1023 - 28 : 1023 - 136, hi = t == ACL_FLOAT16 ? 1023 + 17 : 1023 + 129;
        std::uniform_int_distribution<int> exp(lo, hi);
        for (int q = 0; q < 200000; ++q) {
            const uint64_t bits = (static_cast<uint64_t>(exp(rng)) << 52) | (rng() >> 12);
            double x;
            std::memcpy(&x, &bits, sizeof x);
            bad += Check(MathOf(t), x, printed);
        }
        EXPECT_EQ(bad, 0) << t;
    }
}

TEST(OracleInterval, UpAndDownAreNextafter) {
    std::vector<double> xs = {0.0,
                              -0.0,
                              std::numeric_limits<double>::denorm_min(),
                              -std::numeric_limits<double>::denorm_min(),
                              std::numeric_limits<double>::min(),
                              std::numeric_limits<double>::max(),
                              -std::numeric_limits<double>::max(),
                              1.0,
                              -1.0,
                              0x1p-1022 - 0x1p-1074};
    std::mt19937_64 rng(7);
    for (int q = 0; q < 100000; ++q) {
        const uint64_t bits = rng();
        double x;
        std::memcpy(&x, &bits, sizeof x);
        if (std::isfinite(x)) xs.push_back(x);
    }
    for (const double x : xs) {
        ASSERT_TRUE(Same(Up(x), std::nextafter(x, kInfD))) << std::hexfloat << x;
        ASSERT_TRUE(Same(Down(x), std::nextafter(x, -kInfD))) << std::hexfloat << x;
    }
    // Infinite endpoints and NaN stay.
    EXPECT_EQ(Up(kInfD), kInfD);
    EXPECT_EQ(Down(-kInfD), -kInfD);
    EXPECT_EQ(Up(-kInfD), -kInfD);
    EXPECT_TRUE(std::isnan(Up(std::numeric_limits<double>::quiet_NaN())));
}

}  // namespace
}  // namespace mc2::oracle::internal
