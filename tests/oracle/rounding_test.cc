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
#include "oracle/internal/accumulator.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/reduce_cast.h"
#include "tests/common/sanitized_build.h"

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

// Every positive float32 with a biased exponent in [e_lo, e_hi] (and its negation). Under
// sanitizers every 61st (an odd step reaches every residue of the low mantissa bits), ~10^5
// instead of ~10^7 floats a binade: the rounding is the same code, and every decision boundary
// is checked exactly in MatchesCodebookAroundEveryDecisionBoundary.
int SweepFloats(const DtypeMath &d, uint32_t e_lo, uint32_t e_hi, int &printed) {
    const uint32_t step = static_cast<uint32_t>(tests::ScaledForSanitizers(1, 61));
    int bad = 0;
    for (uint32_t bits = e_lo << 23; bits < ((e_hi + 1) << 23); bits += step)
        bad += Check(d, static_cast<double>(FloatOf(bits)), printed);
    return bad;
}

TEST(OracleRounding, Fp16MatchesCodebookOnEveryFloatNearTheEdges) {
    const DtypeMath &d = MathOf(ACL_FLOAT16);
    int printed = 0, bad = 0;
    // fp16's subnormals start at 2^-24 and its normals at 2^-14: float binades 2^-26..2^-23
    // (biased 101..103) hold the flush-to-zero tie and the smallest subnormals, 2^-16..2^-13
    // (112..114) the largest subnormals and the first normals. (Every subnormal's rounding
    // boundaries are also checked below.)
    bad += SweepFloats(d, 101, 103, printed);
    bad += SweepFloats(d, 112, 114, printed);
    // The overflow edge: 2^15..2^16 (biased 142..143).
    bad += SweepFloats(d, 142, 143, printed);
    EXPECT_EQ(bad, 0);
}

TEST(OracleRounding, Bf16MatchesCodebookOnEveryFloatNearTheEdges) {
    const DtypeMath &d = MathOf(ACL_BF16);
    int printed = 0, bad = 0;
    // bf16's subnormals are float32's: every subnormal float and the first normal binade
    // (biased 0..1), the overflow edge (254) and [1, 2).
    bad += SweepFloats(d, 0, 1, printed);
    bad += SweepFloats(d, 254, 254, printed);
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

TEST(OracleInterval, DirectedAdditionsAndProductsMatchTheirDefinition) {
    // The branch-free AddUp / AddDown / MulUp against their definition written the slow way:
    // the round-to-nearest result, one nextafter step outward when the exact error (TwoSum,
    // fma) says the real result lies beyond it.
    auto add_ref = [](double a, double b, bool up) {
        const double s = a + b;
        if (std::isnan(s)) return up ? kInfD : -kInfD;
        if (!std::isfinite(s)) return s;
        const double bb = s - a, err = (a - (s - bb)) + (b - bb);
        if (up) return err > 0.0 ? std::nextafter(s, kInfD) : s;
        return err < 0.0 ? std::nextafter(s, -kInfD) : s;
    };
    auto mul_ref = [](double a, double b) {
        if (a == 0.0 || b == 0.0) return 0.0;
        const double p = a * b;
        if (!std::isfinite(p)) return p;
        if (p < 0x1p-960 || std::fma(a, b, -p) > 0.0) return std::nextafter(p, kInfD);
        return p;
    };
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<int> exp(-1074, 1023), small(-60, 60);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    auto draw = [&] {
        switch (rng() % 4) {
            case 0: return std::ldexp(unit(rng), small(rng));
            case 1: return std::ldexp(unit(rng), exp(rng));
            case 2: return static_cast<double>(static_cast<int>(rng() % 64) - 32);
            default: return std::ldexp(unit(rng), 1020 + static_cast<int>(rng() % 4));  // near overflow
        }
    };
    for (int q = 0; q < 300000; ++q) {
        const double a = draw(), b = rng() % 8 == 0 ? -a : draw();
        ASSERT_TRUE(Same(AddUp(a, b), add_ref(a, b, true))) << std::hexfloat << a << " + " << b;
        ASSERT_TRUE(Same(AddDown(a, b), add_ref(a, b, false))) << std::hexfloat << a << " + " << b;
        ASSERT_TRUE(Same(MulUp(std::fabs(a), std::fabs(b)), mul_ref(std::fabs(a), std::fabs(b))))
            << std::hexfloat << a << " * " << b;
    }
    EXPECT_EQ(AddUp(kInfD, -kInfD), kInfD);
    EXPECT_EQ(AddDown(kInfD, -kInfD), -kInfD);
    EXPECT_EQ(MulUp(0.0, kInfD), 0.0);
}

TEST(OracleRounding, CastOfMayBeRoundedIsOneRoundingAtWorld1UnderTheVendorContract) {
    // oracle/matmul_all_reduce.cc casts a world-1 vendor-contract element without x3 as
    // [RL(lo + 0.0), RU(hi) + 0.0] instead of CastWorld1(RoundInterval(a, T, kEither)); the
    // two must agree bit for bit (signs of zero included) on every endpoint, for each dtype.
    const Contract c{};
    std::mt19937_64 rng(5);
    int failures = 0;
    for (const DtypeMath *t : {&kFp16Math, &kBf16Math, &kFp32Math}) {
        std::vector<double> pool = {0.0, -0.0, kInfD, -kInfD, t->max_finite, t->min_normal, 0x1p-24, 0x1p-25,
                                    0x1p-26, 0x1p-149, 0x1p-150, 65520.0, 0x1p128, 0x1.FFFFFFp127, 4.9e-324};
        for (size_t q = 0, size = pool.size(); q < size; ++q) pool.push_back(-pool[q]);
        const int draws = tests::ScaledForSanitizers(400000, 40000);
        for (int q = 0; q < draws; ++q) {
            double x;
            switch (rng() % 4) {
                case 0: x = pool[rng() % pool.size()]; break;
                case 1: {
                    const uint64_t bits = rng();
                    std::memcpy(&x, &bits, sizeof x);
                    if (std::isnan(x)) x = 1.0;  // no interval endpoint is NaN
                    break;
                }
                case 2:
                    x = std::ldexp(static_cast<double>(static_cast<int64_t>(rng() % 4096) - 2048),
                                   static_cast<int>(rng() % 300) - 160);
                    break;
                default: {
                    const double y = pool[rng() % pool.size()];
                    x = (rng() & 1) ? Up(y) : Down(y);
                }
            }
            for (const Interval a : {Interval{x, kInfD, false}, Interval{-kInfD, x, true}, Interval{x, x, false}}) {
                const Interval r = RankReduction::CastWorld1(RoundInterval(a, *t, Allowance::kEither, c), *t, c);
                const double lo = RoundLowerEndpoint(a.lo + 0.0, *t, true), hi = RoundUpperEndpoint(a.hi, *t, true) + 0.0;
                if ((!Same(lo, r.lo) || !Same(hi, r.hi) || r.nan != a.nan) && failures++ < 5)
                    ADD_FAILURE() << "dtype " << t->dtype << std::hexfloat << " [" << a.lo << ", " << a.hi << "]: " << lo
                                  << ", " << hi << " vs " << r.lo << ", " << r.hi;
            }
        }
    }
    EXPECT_EQ(failures, 0);
}

TEST(OracleAccumulator, OverflowTestIsTheRoundedProductsComparison) {
    // Enclose's fp32 overflow test compares abs_up with a limit found once per bound; its
    // definition is MulUp(abs_up, Up(1 + γ)) < 2^128 − 2^103. Both must decide alike on every
    // abs_up, above all the doubles next to the threshold / (1 + γ), for small and huge γ.
    const double threshold = 0x1p128 - 0x1p103;
    int cases = 0;
    for (const int64_t k : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{7}, int64_t{2732}, int64_t{1} << 20, int64_t{1} << 40})
        for (const double u : {0x1p-24, 0x1p-11, 0x1p-4, 0.5})
            for (const bool bias : {false, true}) {
                Contract c;
                c.acc_unit_roundoff = u;
                const AccumulatorBound bound(k, bias, c);
                const double one_plus_g = Up(1.0 + bound.gamma());
                const double edge = threshold / one_plus_g;
                std::vector<double> xs{0.0, -0.0, -1.0, kInfD, -kInfD, std::nan(""), 0x1p-1074, 1.0, 0x1p127};
                for (double x = edge, y = edge; xs.size() < 600; x = std::nextafter(x, kInfD),
                            y = std::nextafter(y, 0.0))
                    xs.push_back(x), xs.push_back(y);
                for (const double x : xs) {
                    const bool everything = bound.Enclose(KSumElement{0.0, 0.0, 0.0, x}).nan;
                    ASSERT_EQ(everything, !(MulUp(x, one_plus_g) < threshold))
                        << std::hexfloat << "abs_up " << x << " gamma " << bound.gamma();
                    ++cases;
                }
            }
    EXPECT_GT(cases, 30000);
}

}  // namespace
}  // namespace mc2::oracle::internal
