// tests/oracle/quant_comm_int8_test.cc — QuantMatmulAllReduceV3's int8 low-bit communication
// model (oracle/quant_comm_int8.cc, ops.md §4.1) against values computed by hand here: ties to
// even, the bf16 path's double rounding through fp16, saturation, the fp16 Mul readings; and the
// bounds: bit-exact (width 0) for bf16 at every world size, rank-different scales refused, and
// the share of exactly determined elements per output dtype and world size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <vector>

#include "oracle/quant_matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

const CommInt8Reading kAssumed{};  // round to nearest even everywhere

TEST(QuantCommInt8Oracle, HandComputedSumOfTwoRanks) {
    // 10.25 / 0.5 = 20.5 -> 20 (tie to even); -3 / 0.5 = -6; S = 14; 14 · (0.5 / 1) = 7; 7 · 1.
    for (aclDataType out : {ACL_BF16, ACL_FLOAT16}) {
        for (const CommInt8Reading &r : CommInt8Readings(out)) {
            EXPECT_EQ(CommInt8Element({10.25, -3.0}, 0.5, 1.0, out, r), 7.0);
        }
    }
}

TEST(QuantCommInt8Oracle, TiesGoToEvenNotAway) {
    // 1.25 / 0.5 = 2.5 -> 2 (half away from zero would give 3); ratio 1; 2 · 0.5 = 1.
    EXPECT_EQ(CommInt8Element({1.25}, 0.5, 0.5, ACL_BF16, kAssumed), 1.0);
    EXPECT_EQ(CommInt8Element({-1.25}, 0.5, 0.5, ACL_FLOAT16, kAssumed), -1.0);
    // 3.5 / 1 = 3.5 -> 4 (even), twice: S = 8.
    EXPECT_EQ(CommInt8Element({3.5, 3.5}, 1.0, 1.0, ACL_BF16, kAssumed), 8.0);
}

TEST(QuantCommInt8Oracle, Bf16QuotientIsRoundedToFp16BeforeInt8) {
    // 33.75 / 1.0078125 = 33.4883… in fp32; fp16 (spacing 1/32) makes it 33.5, RINT 34 (a direct
    // rounding would give 33). Ratio 1; 34 · 1.0078125 = 34.265625 -> bf16 34.25.
    EXPECT_EQ(CommInt8Element({33.75}, 1.0078125, 1.0078125, ACL_BF16, kAssumed), 34.25);
}

TEST(QuantCommInt8Oracle, SaturatesAtBothStages) {
    // 1000 -> 127 on each rank; S = 254; · 0.5 = 127; · 2 = 254.
    EXPECT_EQ(CommInt8Element({1000.0, 1000.0}, 1.0, 2.0, ACL_FLOAT16, kAssumed), 254.0);
    // -1000 -> -128 twice; S = -256; · 1 -> -128 (second saturation); · 1.
    EXPECT_EQ(CommInt8Element({-1000.0, -1000.0}, 1.0, 1.0, ACL_BF16, kAssumed), -128.0);
    // A quotient beyond fp16's range saturates too (bf16 path: fp32 -> fp16 cast).
    EXPECT_EQ(CommInt8Element({1e30}, 1.0, 1.0, ACL_BF16, kAssumed), 127.0);
}

TEST(QuantCommInt8Oracle, Fp16MulReadingsDiffer) {
    // s2 = 1 + 2^-10: ratio 1 / s2 in fp32, 3 · ratio = 2.99707… -> fp16 2.998046875 -> 3; then
    // 3 · s2 = 3 + 1.5·2^-9: to nearest even 3 + 2^-8, truncated 3 + 2^-9.
    const double s2 = 1 + 0x1p-10;
    EXPECT_EQ(CommInt8Element({3.0}, 1.0, s2, ACL_FLOAT16, kAssumed), 3 + 0x1p-8);
    EXPECT_EQ(CommInt8Element({3.0}, 1.0, s2, ACL_FLOAT16, {Fp16DivReading::kRoundNearest, Fp16MulReading::kTruncate}),
              3 + 0x1p-9);
    EXPECT_EQ(CommInt8Readings(ACL_FLOAT16).size(), 4u);
    EXPECT_EQ(CommInt8Readings(ACL_BF16).size(), 1u);
}

TEST(QuantCommInt8Oracle, NanQuotientIsUndefined) {
    EXPECT_TRUE(std::isnan(CommInt8Element({0.0}, 0.0, 1.0, ACL_BF16, kAssumed)));
}

// Ranks with random int8 data, a BF16 (per-channel) dequant scale and comm scales sized so that
// the quantised values spread over the int8 range.
std::vector<QuantMatmulAllReduceRank> RandomRanks(int world, aclDataType out, int64_t m, int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> nd(0, 15);
    std::uniform_real_distribution<double> u(-2, 1);
    const int64_t k = 32;
    std::vector<double> s1, s2;
    for (int64_t j = 0; j < n; ++j) {
        const double base = 15 * 15 * std::sqrt(static_cast<double>(k)) / 32 / 256;
        s1.push_back(static_cast<double>(static_cast<float>(base * std::exp2(u(rng)))));
        s2.push_back(static_cast<double>(static_cast<float>(base * std::sqrt(world) * std::exp2(u(rng)))));
    }
    // The scales are values of `out`: keep 8 significant bits (exact in fp16 and bf16 here).
    for (auto *v : {&s1, &s2}) {
        for (double &x : *v) {
            int e = 0;
            std::frexp(x, &e);
            x = std::ldexp(std::round(std::ldexp(x, 8 - e)), e - 8);
        }
    }
    std::vector<QuantMatmulAllReduceRank> ranks;
    for (int w = 0; w < world; ++w) {
        QuantMatmulAllReduceRank r;
        r.x1 = Matrix{m, k, {}};
        r.x2 = Matrix{k, n, {}};
        for (int64_t i = 0; i < m * k; ++i) r.x1.v.push_back(std::clamp(std::round(nd(rng)), -128.0, 127.0));
        for (int64_t i = 0; i < k * n; ++i) r.x2.v.push_back(std::clamp(std::round(nd(rng)), -128.0, 127.0));
        r.dequant_dtype = out == ACL_BF16 ? ACL_BF16 : ACL_FLOAT;
        r.dequant = {1.0 / 256};
        if (out == ACL_FLOAT16) r.pertoken = std::vector<double>(static_cast<size_t>(m), 1.0);
        r.comm_scale1 = s1;
        r.comm_scale2 = s2;
        ranks.push_back(std::move(r));
    }
    return ranks;
}

TEST(QuantCommInt8Oracle, BoundsAreTheModelAppliedToTheRankValues) {
    const auto ranks = RandomRanks(4, ACL_BF16, 8, 8, 5);
    const Bounds b = QuantMatmulAllReduceBounds(ranks, ACL_BF16);
    for (int64_t i = 0; i < 8; ++i) {
        for (int64_t j = 0; j < 8; ++j) {
            std::vector<double> y;
            for (const auto &r : ranks) {
                const QuantRankValue v = QuantRankContribution(r, i, j, ACL_BF16);
                ASSERT_EQ(v.lo, v.hi);
                y.push_back(v.lo);
            }
            const size_t e = static_cast<size_t>(i * 8 + j);
            const double want = CommInt8Element(y, (*ranks[0].comm_scale1)[static_cast<size_t>(j)],
                                                (*ranks[0].comm_scale2)[static_cast<size_t>(j)], ACL_BF16, kAssumed);
            EXPECT_EQ(b.lo[e], want);
            EXPECT_EQ(b.hi[e], want);
        }
    }
}

TEST(QuantCommInt8Oracle, RejectsRankDifferentOrMissingScales) {
    auto ranks = RandomRanks(2, ACL_BF16, 4, 4, 6);
    (*ranks[1].comm_scale1)[0] *= 2;
    EXPECT_THROW(QuantMatmulAllReduceBounds(ranks, ACL_BF16), std::invalid_argument);
    ranks = RandomRanks(2, ACL_BF16, 4, 4, 6);
    ranks[1].comm_scale2.reset();
    EXPECT_THROW(QuantMatmulAllReduceBounds(ranks, ACL_BF16), std::invalid_argument);
}

// Prints the share of elements whose interval is a single value (the report's figure); bf16 has
// no unverified step: every element is exact at every world size.
TEST(QuantCommInt8Oracle, ShareOfExactElements) {
    for (aclDataType out : {ACL_BF16, ACL_FLOAT16}) {
        for (const int world : {1, 2, 4, 8}) {
            const Bounds b = QuantMatmulAllReduceBounds(RandomRanks(world, out, 32, 32, 7), out);
            size_t exact = 0;
            for (size_t e = 0; e < b.lo.size(); ++e) exact += b.lo[e] == b.hi[e];
            const double share = static_cast<double>(exact) / static_cast<double>(b.lo.size());
            std::printf("%s world %d: %.1f%% of elements exact (interval width 0)\n",
                        out == ACL_BF16 ? "bf16" : "fp16", world, 100 * share);
            if (out == ACL_BF16) EXPECT_EQ(share, 1.0);
        }
    }
}

// fp16 keeps each reading's own interval (the union is the element's interval, each reading inside
// it, the assumed reading first, every reading's value the model's own); bf16 has one reading and
// lists none.
TEST(QuantCommInt8Oracle, KeepsEachReadingsOwnInterval) {
    EXPECT_TRUE(QuantMatmulAllReduceBounds(RandomRanks(2, ACL_BF16, 4, 4, 8), ACL_BF16).readings.empty());
    // Pertoken 1 makes both product orders one value: each reading is one value per element.
    const auto ranks = RandomRanks(2, ACL_FLOAT16, 8, 8, 8);
    const Bounds b = QuantMatmulAllReduceBounds(ranks, ACL_FLOAT16);
    const std::vector<CommInt8Reading> readings = CommInt8Readings(ACL_FLOAT16);
    ASSERT_EQ(b.readings.size(), readings.size());
    EXPECT_EQ(b.readings[0].name, CommInt8ReadingName(kAssumed));
    size_t differing = 0;
    for (int64_t i = 0; i < 8; ++i) {
        for (int64_t j = 0; j < 8; ++j) {
            const size_t e = static_cast<size_t>(i * 8 + j);
            std::vector<double> y;
            for (const auto &r : ranks) {
                const QuantRankValue v = QuantRankContribution(r, i, j, ACL_FLOAT16);
                ASSERT_EQ(v.lo, v.hi);
                y.push_back(v.lo);
            }
            double lo = b.hi[e], hi = b.lo[e];
            for (size_t k = 0; k < readings.size(); ++k) {
                const double want = CommInt8Element(y, (*ranks[0].comm_scale1)[static_cast<size_t>(j)],
                                                    (*ranks[0].comm_scale2)[static_cast<size_t>(j)], ACL_FLOAT16,
                                                    readings[k]);
                EXPECT_EQ(b.readings[k].lo[e], want);
                EXPECT_EQ(b.readings[k].hi[e], want);
                lo = std::min(lo, want);
                hi = std::max(hi, want);
            }
            EXPECT_EQ(b.lo[e], lo);
            EXPECT_EQ(b.hi[e], hi);
            differing += lo != hi;
        }
    }
    EXPECT_GT(differing, 0u) << "no element tells the readings apart: the test proves nothing";
}

}  // namespace
}  // namespace mc2::oracle
