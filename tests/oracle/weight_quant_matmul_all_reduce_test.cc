// tests/oracle/weight_quant_matmul_all_reduce_test.cc — WeightQuantMatmulAllReduce acceptance
// intervals: hand-built cases whose answer is known by construction (per tensor, per channel,
// per group with the row ⌊t/G⌋, offsets), the readings of the antiquant step, fast mode against
// the exact mode on random small cases, and simulated conforming pipelines of every reading
// (native fp32 arithmetic and the oracle's codebook codecs, written here) landing inside.
#include "oracle/weight_quant_matmul_all_reduce.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/codebook.h"

namespace mc2::oracle {
namespace {

const Format &Fmt(aclDataType t) { return t == ACL_BF16 ? kBf16 : kFloat16; }
double RoundT(aclDataType t, double x) { return Decode(Fmt(t), Encode(Fmt(t), x)); }

Matrix Mat(int64_t rows, int64_t cols, std::vector<double> v) { return Matrix{rows, cols, std::move(v)}; }

Contract ExactReduction() {
    Contract c;
    c.reduction = ReductionPrecision::kExact;
    return c;
}

void ExpectPoint(const Bounds &b, const std::vector<double> &want) {
    ASSERT_EQ(b.lo.size(), want.size());
    for (size_t e = 0; e < want.size(); ++e) {
        EXPECT_EQ(b.lo[e], want[e]) << e;
        EXPECT_EQ(b.hi[e], want[e]) << e;
    }
}

TEST(WeightQuantOracle, PerChannelSmallValuesAreExact) {
    // x1 [1 2], x2 [[1 -2] [3 4]], scale (n) = [0.5 2]: w = [[0.5 -4] [1.5 8]],
    // out = [1·0.5 + 2·1.5, 1·(−4) + 2·8] = [3.5, 12], exact in every reading and format.
    for (aclDataType t : {ACL_FLOAT16, ACL_BF16}) {
        WeightQuantMatmulAllReduceRank r;
        r.x1 = Mat(1, 2, {1, 2});
        r.x2 = Mat(2, 2, {1, -2, 3, 4});
        r.scale = Mat(1, 2, {0.5, 2});
        for (const Bounds &b : {WeightQuantMatmulAllReduceBounds({r}, t), WeightQuantMatmulAllReduceBoundsExact({r}, t)})
            ExpectPoint(b, {3.5, 12});
    }
}

TEST(WeightQuantOracle, PerTensorWithOffset) {
    // (x2 + 1) · 0.25 with x2 = [[3] [-5]] → w = [1, -1]; x1 [2 3] → 2 − 3 = −1; bias 4 → 3.
    WeightQuantMatmulAllReduceRank r;
    r.x1 = Mat(1, 2, {2, 3});
    r.x2 = Mat(2, 1, {3, -5});
    r.scale = Mat(1, 1, {0.25});
    r.offset = Mat(1, 1, {1});
    r.bias = std::vector<double>{4};
    ExpectPoint(WeightQuantMatmulAllReduceBounds({r}, ACL_FLOAT16), {3});
}

TEST(WeightQuantOracle, PerGroupUsesRowTOverG) {
    // k = 64, G = 32: rows 0..31 of the weight use scale row 0 (1), rows 32..63 row 1 (2). With
    // x1 and x2 all ones: 32·1 + 32·2 = 96 (row ⌊t/G⌋ + 1 would give 128, ⌊(t+1)/G⌋ 97).
    WeightQuantMatmulAllReduceRank r;
    r.x1 = Mat(1, 64, std::vector<double>(64, 1));
    r.x2 = Mat(64, 2, std::vector<double>(128, 1));
    r.scale = Mat(2, 2, {1, 1, 2, 2});
    r.group_size = 32;
    for (aclDataType t : {ACL_FLOAT16, ACL_BF16}) ExpectPoint(WeightQuantMatmulAllReduceBounds({r}, t), {96, 96});
    // Two ranks add their own results: 96 + 96.
    ExpectPoint(WeightQuantMatmulAllReduceBounds({r, r}, ACL_FLOAT16, ExactReduction()), {192, 192});
}

TEST(WeightQuantOracle, ReadingsRoundDifferently) {
    // fp16: x2 = 100, offset 2^-5: 100 + 2^-5 is exactly half an fp16 ulp (2^-4) above 100, a
    // tie that rounds to the even 100 (kInT and, after fp32, kFp32ThenT); fp32 keeps 100.03125.
    WeightQuantMatmulAllReduceRank r;
    r.x1 = Mat(1, 1, {1});
    r.x2 = Mat(1, 1, {100});
    r.scale = Mat(1, 1, {1});
    r.offset = Mat(1, 1, {0x1p-5});
    EXPECT_EQ(DequantisedWeight(r, ACL_FLOAT16, Antiquant::kInT).v[0], 100);
    EXPECT_EQ(DequantisedWeight(r, ACL_FLOAT16, Antiquant::kFp32ThenT).v[0], 100);
    EXPECT_EQ(DequantisedWeight(r, ACL_FLOAT16, Antiquant::kFp32Kept).v[0], 100.03125);
    // bf16: 3 · 1.0078125 = 3.0234375 needs 9 significant bits: bf16 (8) rounds it to 3.03125
    // (tie to even), fp32 keeps it.
    r.x2 = Mat(1, 1, {3});
    r.offset.reset();
    r.scale = Mat(1, 1, {1.0078125});
    EXPECT_EQ(DequantisedWeight(r, ACL_BF16, Antiquant::kFp32ThenT).v[0], 3.03125);
    EXPECT_EQ(DequantisedWeight(r, ACL_BF16, Antiquant::kFp32Kept).v[0], 3.0234375);
    // The interval admits both: output bf16 of 3.0234375 is 3.03125 (nearest), of 3.03125 itself.
    const Bounds b = WeightQuantMatmulAllReduceBounds({r}, ACL_BF16);
    EXPECT_LE(b.lo[0], 3.03125);
    EXPECT_GE(b.hi[0], 3.03125);
}

TEST(WeightQuantOracle, RejectsInconsistentShapes) {
    WeightQuantMatmulAllReduceRank r;
    r.x1 = Mat(1, 2, {1, 1});
    r.x2 = Mat(2, 3, std::vector<double>(6, 1));
    r.scale = Mat(1, 2, {1, 1});  // neither (1) nor (n = 3)
    EXPECT_THROW(WeightQuantMatmulAllReduceBounds({r}, ACL_FLOAT16), std::invalid_argument);
    r.scale = Mat(1, 3, {1, 1, 1});
    EXPECT_THROW(WeightQuantMatmulAllReduceBounds({r}, ACL_FLOAT), std::invalid_argument);
}

// ---- random cases -------------------------------------------------------------------------

struct RandomCase {
    std::vector<WeightQuantMatmulAllReduceRank> ranks;
    aclDataType t;
};

RandomCase MakeRandom(uint64_t seed, int64_t m, int64_t k, int64_t n, int world, aclDataType t, bool int4) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_int_distribution<int> w8(int4 ? -8 : -128, int4 ? 7 : 127);
    auto fill = [&](int64_t rows, int64_t cols, double sigma) {
        Matrix mat{rows, cols, std::vector<double>(static_cast<size_t>(rows * cols))};
        for (auto &v : mat.v) v = RoundT(t, sigma * normal(rng));
        return mat;
    };
    RandomCase c{{}, t};
    for (int r = 0; r < world; ++r) {
        WeightQuantMatmulAllReduceRank rk;
        rk.x1 = fill(m, k, 1.0);
        rk.x2 = Mat(k, n, std::vector<double>(static_cast<size_t>(k * n)));
        for (auto &v : rk.x2.v) v = w8(rng);
        const int mode = static_cast<int>(rng() % 3);
        rk.group_size = mode == 2 && k > 32 ? 32 : 0;
        const int64_t rows = rk.group_size > 0 ? (k - 1) / 32 + 1 : 1;
        rk.scale = mode == 0 ? fill(1, 1, 0.05) : fill(rows, n, 0.05);
        if (rng() % 2) rk.offset = mode == 0 ? fill(1, 1, 3.0) : fill(rows, n, 3.0);
        if (rng() % 2) rk.bias = fill(1, n, 1.0).v;
        if (rng() % 2) rk.x3 = fill(m, n, 1.0);
        c.ranks.push_back(std::move(rk));
    }
    return c;
}

TEST(WeightQuantOracle, FastContainsExactOnRandomCases) {
    for (uint64_t seed = 1; seed <= 24; ++seed) {
        const aclDataType t = seed % 2 ? ACL_FLOAT16 : ACL_BF16;
        const RandomCase c = MakeRandom(seed, 3, seed % 3 == 0 ? 40 : 9, 5, 1 + static_cast<int>(seed % 3), t, seed % 4 == 0);
        const Bounds fast = WeightQuantMatmulAllReduceBounds(c.ranks, t);
        const Bounds exact = WeightQuantMatmulAllReduceBoundsExact(c.ranks, t);
        for (size_t e = 0; e < fast.lo.size(); ++e) {
            EXPECT_LE(fast.lo[e], exact.lo[e]) << seed << " " << e;
            EXPECT_GE(fast.hi[e], exact.hi[e]) << seed << " " << e;
            EXPECT_NEAR(fast.exact[e], exact.exact[e], 1e-9 * (1 + exact.scale[e])) << seed << " " << e;
        }
    }
}

// The weight of one reading, computed here with native fp32 and the codebook codecs.
float WeightHere(const WeightQuantMatmulAllReduceRank &r, aclDataType t, Antiquant reading, int64_t q, int64_t j) {
    auto entry = [&](const Matrix &s) {
        if (r.group_size > 0) return s.at(q / r.group_size, j);
        return s.v.size() == 1 ? s.v[0] : s.v[static_cast<size_t>(j)];
    };
    const float x = static_cast<float>(r.x2.at(q, j));
    const float s = static_cast<float>(entry(r.scale));
    const float o = r.offset ? static_cast<float>(entry(*r.offset)) : 0.0f;
    if (reading == Antiquant::kInT) {
        const float a = static_cast<float>(RoundT(t, static_cast<double>(x + o)));
        return static_cast<float>(RoundT(t, static_cast<double>(a * s)));
    }
    const float w = (x + o) * s;
    return reading == Antiquant::kFp32ThenT ? static_cast<float>(RoundT(t, static_cast<double>(w))) : w;
}

// A conforming pipeline: the reading's weight, fp32 accumulation from the bias in a shuffled
// order (products rounded to fp32 as a non-fused multiply does), round to T, + x3 in fp32
// rounded to T, all-reduce in T in a shuffled rank order.
double Simulate(const RandomCase &c, Antiquant reading, int64_t i, int64_t j, std::mt19937_64 &order) {
    std::vector<double> z;
    for (const auto &rk : c.ranks) {
        std::vector<int64_t> perm(static_cast<size_t>(rk.x1.cols));
        std::iota(perm.begin(), perm.end(), 0);
        std::shuffle(perm.begin(), perm.end(), order);
        float acc = rk.bias ? static_cast<float>((*rk.bias)[static_cast<size_t>(j)]) : 0.0f;
        for (int64_t q : perm) acc += static_cast<float>(rk.x1.at(i, q)) * WeightHere(rk, c.t, reading, q, j);
        double y = RoundT(c.t, static_cast<double>(acc));
        if (rk.x3) y = RoundT(c.t, static_cast<double>(static_cast<float>(y) + static_cast<float>(rk.x3->at(i, j))));
        z.push_back(y);
    }
    std::shuffle(z.begin(), z.end(), order);
    double sum = z[0];
    for (size_t r = 1; r < z.size(); ++r) sum = RoundT(c.t, sum + z[r]);
    return RoundT(c.t, sum);
}

TEST(WeightQuantOracle, SimulatedPipelinesOfEveryReadingLandInside) {
    std::mt19937_64 order(7);
    for (uint64_t seed = 100; seed < 140; ++seed) {
        const aclDataType t = seed % 2 ? ACL_FLOAT16 : ACL_BF16;
        const RandomCase c = MakeRandom(seed, 4, 1 + static_cast<int64_t>(seed % 70), 6, 1 + static_cast<int>(seed % 4), t,
                                        seed % 3 == 0);
        const Bounds b = WeightQuantMatmulAllReduceBounds(c.ranks, t);
        for (Antiquant reading : AdmittedReadings(t)) {
            for (int64_t i = 0; i < 4; ++i)
                for (int64_t j = 0; j < 6; ++j) {
                    const double got = Simulate(c, reading, i, j, order);
                    const size_t e = static_cast<size_t>(i * 6 + j);
                    EXPECT_GE(got, b.lo[e]) << seed << " reading " << static_cast<int>(reading) << " at " << e;
                    EXPECT_LE(got, b.hi[e]) << seed << " reading " << static_cast<int>(reading) << " at " << e;
                }
        }
    }
}

TEST(WeightQuantOracle, KZeroIsBiasPlusX3) {
    WeightQuantMatmulAllReduceRank r;
    r.x1 = Mat(2, 0, {});
    r.x2 = Mat(0, 1, {});
    r.scale = Mat(1, 1, {3});
    r.bias = std::vector<double>{1};
    r.x3 = Mat(2, 1, {10, 30});
    ExpectPoint(WeightQuantMatmulAllReduceBounds({r, r}, ACL_FLOAT16, ExactReduction()), {22, 62});
}

// k == 0 reads neither the scale nor the offset, whose shapes the documents then leave unchecked
// (spec wqmar.empty.k_zero). Session 20's fresh seed 20122: a scale of (0) beside an offset of (n)
// made the oracle throw ("offset and scale differ") on a call the spec and the library both took.
TEST(WeightQuantOracle, KZeroIgnoresTheScaleAndOffsetShapes) {
    WeightQuantMatmulAllReduceRank r;
    r.x1 = Mat(2, 0, {});
    r.x2 = Mat(0, 2, {});
    r.scale = Mat(1, 0, {});
    r.offset = Mat(1, 2, {5, 7});
    r.bias = std::vector<double>{1, 2};
    ExpectPoint(WeightQuantMatmulAllReduceBounds({r, r}, ACL_FLOAT16, ExactReduction()), {2, 4, 2, 4});
    // With k > 0 the same mismatch is still an error.
    r.x1 = Mat(2, 1, {1, 1});
    r.x2 = Mat(1, 2, {1, 1});
    r.scale = Mat(1, 2, {1, 1});
    r.offset = Mat(1, 1, {5});
    EXPECT_THROW(WeightQuantMatmulAllReduceBounds({r}, ACL_FLOAT16), std::invalid_argument);
}

}  // namespace
}  // namespace mc2::oracle
