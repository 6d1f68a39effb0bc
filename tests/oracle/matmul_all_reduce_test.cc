// tests/oracle/matmul_all_reduce_test.cc — MatmulAllReduce acceptance intervals: hand-built
// cases whose answer is known by construction, fast mode against the exact self-check mode on
// random cases, simulated conforming pipelines (which must always land inside), and tightness.
// Expected values come from arithmetic done here, never from the oracle's own output.
#include "oracle/matmul_all_reduce.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/codebook.h"

namespace mc2::oracle {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const Format &Fmt(aclDataType t) { return t == ACL_BF16 ? kBf16 : kFloat16; }
double RoundT(aclDataType t, double x) { return Decode(Fmt(t), Encode(Fmt(t), x)); }

// Spacing of T's values at |x| (the subnormal spacing below the smallest normal).
double UlpT(aclDataType t, double x) {
    const int man = t == ACL_BF16 ? 7 : 10;
    const int emin = t == ACL_BF16 ? -126 : -14;
    int e = 0;
    std::frexp(std::fabs(x), &e);  // |x| in [2^(e−1), 2^e)
    return std::ldexp(1.0, std::max(e - 1, emin) - man);
}

Matrix Mat(int64_t rows, int64_t cols, std::vector<double> v) { return Matrix{rows, cols, std::move(v)}; }

MatmulAllReduceRank Rank(Matrix x1, Matrix x2, std::optional<std::vector<double>> bias = std::nullopt,
                         std::optional<Matrix> x3 = std::nullopt) {
    return MatmulAllReduceRank{std::move(x1), std::move(x2), std::move(bias), std::move(x3)};
}

Contract ExactReduction() {
    Contract c;
    c.reduction = ReductionPrecision::kExact;
    return c;
}

// ---- hand-built cases --------------------------------------------------------------------

TEST(MatmulAllReduceOracle, SmallIntegersAreExact) {
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]; every partial sum is an integer below
    // 2^11, exact in fp32 and fp16, so no freedom of the contract changes the answer.
    for (aclDataType t : {ACL_FLOAT16, ACL_BF16}) {
        std::vector<MatmulAllReduceRank> ranks{Rank(Mat(2, 2, {1, 2, 3, 4}), Mat(2, 2, {5, 6, 7, 8}))};
        for (const Bounds &b : {MatmulAllReduceBounds(ranks, t, Contract{}),
                                MatmulAllReduceBoundsExact(ranks, t, Contract{})}) {
            const std::vector<double> want{19, 22, 43, 50};
            ASSERT_EQ(b.rows, 2);
            ASSERT_EQ(b.cols, 2);
            for (size_t e = 0; e < 4; ++e) {
                EXPECT_EQ(b.lo[e], want[e]) << e;
                EXPECT_EQ(b.hi[e], want[e]) << e;
                EXPECT_EQ(b.exact[e], want[e]) << e;
            }
            // Σ|a·b| of element (0,0), an upper bound (rounded up by at most dgemm's γ).
            EXPECT_GE(b.scale[0], 1 * 5 + 2 * 7);
            EXPECT_LE(b.scale[0], (1 * 5 + 2 * 7) * (1 + 1e-12));
        }
    }
}

TEST(MatmulAllReduceOracle, KZeroIsBiasPlusX3AllReduced) {
    // k = 0: output = Σ_r (bias_r + x3_r) = (1 + 10) + (2 + 20) = 33 (row 0), (1+30)+(2+40)=73.
    std::vector<MatmulAllReduceRank> ranks{
        Rank(Mat(2, 0, {}), Mat(0, 1, {}), std::vector<double>{1}, Mat(2, 1, {10, 30})),
        Rank(Mat(2, 0, {}), Mat(0, 1, {}), std::vector<double>{2}, Mat(2, 1, {20, 40}))};
    for (const Bounds &b : {MatmulAllReduceBounds(ranks, ACL_FLOAT16, ExactReduction()),
                            MatmulAllReduceBoundsExact(ranks, ACL_FLOAT16, ExactReduction())}) {
        EXPECT_EQ(b.lo[0], 33);
        EXPECT_EQ(b.hi[0], 33);
        EXPECT_EQ(b.lo[1], 73);
        EXPECT_EQ(b.hi[1], 73);
        EXPECT_EQ(b.exact[1], 73);
    }
    // Reduction in fp16, any order: the a-priori bound γ_1(2^-11)·(11 + 22) ≈ 0.0161 exceeds
    // half an ulp of 33 (2^-6 ≈ 0.0156), so both fp16 neighbours of 33 are admitted (fl(11 + 22)
    // is exact, but the contract's bound does not know the operands are exact).
    const Bounds d = MatmulAllReduceBounds(ranks, ACL_FLOAT16, Contract{});
    EXPECT_EQ(d.lo[0], 33 - 0x1p-5);
    EXPECT_EQ(d.hi[0], 33 + 0x1p-5);
}

TEST(MatmulAllReduceOracle, BiasOnlyOneRank) {
    std::vector<MatmulAllReduceRank> ranks{
        Rank(Mat(1, 0, {}), Mat(0, 3, {}), std::vector<double>{-1.5, 0, 65504})};
    const Bounds b = MatmulAllReduceBounds(ranks, ACL_FLOAT16, Contract{});
    EXPECT_EQ(b.lo[0], -1.5);
    EXPECT_EQ(b.hi[0], -1.5);
    EXPECT_EQ(b.lo[1], 0.0);
    EXPECT_EQ(b.hi[1], 0.0);
    EXPECT_EQ(b.lo[2], 65504);
    EXPECT_EQ(b.hi[2], 65504);
}

TEST(MatmulAllReduceOracle, NearTieAdmitsBothNeighbours) {
    // 1·(1 + 2^-10) + 2^-11 = 1 + 3·2^-11 is the fp16 midpoint of 1 + 2^-10 and 1 + 2^-9. fp32
    // accumulation error (γ_1(2^-24)·S > 0) may push it either way, so both are admitted.
    std::vector<MatmulAllReduceRank> ranks{
        Rank(Mat(1, 1, {1}), Mat(1, 1, {1 + 0x1p-10}), std::vector<double>{0x1p-11})};
    const Bounds b = MatmulAllReduceBounds(ranks, ACL_FLOAT16, Contract{});
    EXPECT_EQ(b.lo[0], 1 + 0x1p-10);
    EXPECT_EQ(b.hi[0], 1 + 0x1p-9);
    EXPECT_EQ(b.exact[0], 1 + 3 * 0x1p-11);
}

TEST(MatmulAllReduceOracle, RoundedAndUnroundedPartialsBothConform) {
    // Rank 0: 1 + 2^-12 rounds to 1 in fp16 (below half an ulp, 2^-11); rank 1: −1. The exact
    // sum 2^-12 (kept wide) and 0 (partial rounded first) are both conforming results.
    std::vector<MatmulAllReduceRank> ranks{
        Rank(Mat(1, 1, {1}), Mat(1, 1, {1}), std::vector<double>{0x1p-12}),
        Rank(Mat(1, 1, {-1}), Mat(1, 1, {1}), std::vector<double>{0})};
    const Bounds b = MatmulAllReduceBounds(ranks, ACL_FLOAT16, ExactReduction());
    EXPECT_LE(b.lo[0], 0.0);
    EXPECT_GE(b.hi[0], 0x1p-12);
    EXPECT_EQ(b.exact[0], 0x1p-12);
    // With rounding required the wide result is gone; with it forbidden the rounded one is.
    Contract must = ExactReduction();
    must.partial_rounded_to_output = Allowance::kYes;
    const Bounds m = MatmulAllReduceBounds(ranks, ACL_FLOAT16, must);
    EXPECT_EQ(m.lo[0], 0.0);
    EXPECT_LT(m.hi[0], 0x1p-12);
    Contract never = ExactReduction();
    never.partial_rounded_to_output = Allowance::kNo;
    const Bounds n = MatmulAllReduceBounds(ranks, ACL_FLOAT16, never);
    EXPECT_GT(n.lo[0], 0.0);
    EXPECT_GE(n.hi[0], 0x1p-12);
}

TEST(MatmulAllReduceOracle, Fp16Overflow) {
    // 256·256 = 65536 ≥ 65520 (fp16's RNE overflow threshold): +Inf, or max when the cast
    // saturates. 65504 + 8 = 65512 rounds to max under RNE but lies beyond max: Inf admitted.
    std::vector<MatmulAllReduceRank> ranks{
        Rank(Mat(1, 1, {256}), Mat(1, 3, {256, -256, 0}), std::vector<double>{0, 0, 0})};
    const Bounds b = MatmulAllReduceBounds(ranks, ACL_FLOAT16, Contract{});
    EXPECT_EQ(b.lo[0], 65504);
    EXPECT_EQ(b.hi[0], kInf);
    EXPECT_EQ(b.lo[1], -kInf);
    EXPECT_EQ(b.hi[1], -65504);
    Contract ieee;
    ieee.overflow_saturation_allowed = false;
    const Bounds i = MatmulAllReduceBounds(ranks, ACL_FLOAT16, ieee);
    EXPECT_EQ(i.lo[0], kInf);
    EXPECT_EQ(i.hi[0], kInf);
    EXPECT_EQ(i.lo[1], -kInf);
    EXPECT_EQ(i.hi[1], -kInf);

    std::vector<MatmulAllReduceRank> near{
        Rank(Mat(1, 1, {65504}), Mat(1, 1, {1}), std::vector<double>{8})};
    const Bounds nb = MatmulAllReduceBounds(near, ACL_FLOAT16, ieee);
    EXPECT_EQ(nb.lo[0], 65504);
    EXPECT_EQ(nb.hi[0], kInf);
    // The same values in bf16 are far from overflow.
    const Bounds bf = MatmulAllReduceBounds(ranks, ACL_BF16, Contract{});
    EXPECT_EQ(bf.lo[0], 65536);
    EXPECT_EQ(bf.hi[0], 65536);
}

TEST(MatmulAllReduceOracle, ReductionOverflowInOutputPrecision) {
    // Two ranks of 40000 each: the exact 80000 overflows fp16 whatever the order.
    std::vector<MatmulAllReduceRank> ranks{Rank(Mat(1, 1, {40000}), Mat(1, 1, {1})),
                                           Rank(Mat(1, 1, {40000}), Mat(1, 1, {1}))};
    const Bounds b = MatmulAllReduceBounds(ranks, ACL_FLOAT16, Contract{});
    EXPECT_EQ(b.hi[0], kInf);
    EXPECT_EQ(b.lo[0], 65504);  // saturating cast
    EXPECT_EQ(b.exact[0], 80000);
}

TEST(MatmulAllReduceOracle, NonFiniteInputsFollowIeeeClasses) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // Row 0 meets +Inf·2 → +Inf; row 1 meets Inf·0 → NaN; row 2 has a NaN; row 3 is finite.
    std::vector<MatmulAllReduceRank> r2{
        Rank(Mat(4, 2, {kInf, 1, 1, kInf, nan, 1, 1, 1}), Mat(2, 1, {2, 0}))};
    for (const Bounds &b : {MatmulAllReduceBounds(r2, ACL_FLOAT16, Contract{}),
                            MatmulAllReduceBoundsExact(r2, ACL_FLOAT16, Contract{})}) {
        EXPECT_EQ(b.lo[0], kInf);
        EXPECT_EQ(b.hi[0], kInf);
        EXPECT_TRUE(std::isnan(b.lo[1]) && std::isnan(b.hi[1]));  // 1·2 + Inf·0
        EXPECT_TRUE(std::isnan(b.lo[2]) && std::isnan(b.hi[2]));
        EXPECT_EQ(b.lo[3], 2);
        EXPECT_EQ(b.hi[3], 2);
    }
}

TEST(MatmulAllReduceOracle, RejectsInconsistentShapes) {
    // Output blocks [m, n] must agree across ranks; a rank whose x1 and x2 do not chain is bad.
    std::vector<MatmulAllReduceRank> ranks{Rank(Mat(1, 2, {1, 2}), Mat(2, 1, {1, 1})),
                                           Rank(Mat(2, 2, {1, 2, 3, 4}), Mat(2, 1, {1, 1}))};
    EXPECT_THROW(MatmulAllReduceBounds(ranks, ACL_FLOAT16), std::invalid_argument);
    ranks = {Rank(Mat(1, 2, {1, 2}), Mat(3, 1, {1, 1, 1}))};
    EXPECT_THROW(MatmulAllReduceBounds(ranks, ACL_FLOAT16), std::invalid_argument);
    ranks = {Rank(Mat(1, 2, {1, 2}), Mat(2, 1, {1, 1}))};
    EXPECT_THROW(MatmulAllReduceBounds(ranks, ACL_INT8), std::invalid_argument);
}

TEST(MatmulAllReduceOracle, RanksHaveTheirOwnKBiasAndX3) {
    // Rank 0: k = 2, bias 100; rank 1: k = 3, no bias, x3 = 1000. Element (0,0):
    // (1·5 + 2·7 + 100) + (1·1 + 1·2 + 1·3 + 1000) = 119 + 1006 = 1125 (exact in fp16/fp32).
    std::vector<MatmulAllReduceRank> ranks{
        Rank(Mat(1, 2, {1, 2}), Mat(2, 1, {5, 7}), std::vector<double>{100}),
        Rank(Mat(1, 3, {1, 1, 1}), Mat(3, 1, {1, 2, 3}), std::nullopt, Mat(1, 1, {1000}))};
    for (const Bounds &b : {MatmulAllReduceBounds(ranks, ACL_FLOAT16, ExactReduction()),
                            MatmulAllReduceBoundsExact(ranks, ACL_FLOAT16, ExactReduction())}) {
        EXPECT_EQ(b.lo[0], 1125);
        EXPECT_EQ(b.hi[0], 1125);
        EXPECT_EQ(b.exact[0], 1125);
    }
}

// ---- random cases -------------------------------------------------------------------------

struct RandomCase {
    std::vector<MatmulAllReduceRank> ranks;
    aclDataType t;
};

RandomCase MakeRandom(uint64_t seed, int64_t m, int64_t k, int64_t n, int world, aclDataType t,
                      bool bias, bool x3, double sigma = 1.0) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, sigma);
    auto fill = [&](int64_t rows, int64_t cols) {
        Matrix mat{rows, cols, std::vector<double>(static_cast<size_t>(rows * cols))};
        for (auto &v : mat.v) v = RoundT(t, normal(rng));
        return mat;
    };
    RandomCase c{{}, t};
    for (int r = 0; r < world; ++r) {
        MatmulAllReduceRank rk{fill(m, k), fill(k, n), std::nullopt, std::nullopt};
        if (bias) rk.bias = fill(1, n).v;
        if (x3) rk.x3 = fill(m, n);
        c.ranks.push_back(std::move(rk));
    }
    return c;
}

// The vendor pipeline of ops.md §2.7, simulated with native fp32 and the oracle's codebook
// rounding: fp32 accumulation in a given order, round to T, x3 added (fp16: in T; bf16: in
// fp32 then rounded), all-reduce in T in a given order. A conforming implementation by
// construction; `order` permutes the k-sum and the ranks.
double SimulateVendor(const RandomCase &c, int64_t i, int64_t j, std::mt19937_64 &order) {
    const auto &r0 = c.ranks[0];
    const int64_t k = r0.x1.cols;
    std::vector<int64_t> perm(static_cast<size_t>(k));
    std::iota(perm.begin(), perm.end(), 0);
    std::vector<double> z;
    for (const auto &rk : c.ranks) {
        std::shuffle(perm.begin(), perm.end(), order);
        float acc = rk.bias ? static_cast<float>((*rk.bias)[static_cast<size_t>(j)]) : 0.0f;
        for (int64_t q : perm)
            acc += static_cast<float>(rk.x1.at(i, q)) * static_cast<float>(rk.x2.at(q, j));
        double y = RoundT(c.t, static_cast<double>(acc));
        if (rk.x3) {
            const double x3 = rk.x3->at(i, j);
            y = c.t == ACL_FLOAT16
                    ? RoundT(c.t, y + x3)
                    : RoundT(c.t, static_cast<double>(static_cast<float>(y) + static_cast<float>(x3)));
        }
        z.push_back(y);
    }
    std::shuffle(z.begin(), z.end(), order);
    // The first contribution starts the sum as it is; each later one is added in T. (Written
    // without z[0]: gcc -O3 cannot see that z is never empty and warns of a null dereference.)
    double s = 0.0;
    bool first = true;
    for (const double v : z) {
        s = first ? v : RoundT(c.t, s + v);
        first = false;
    }
    return s;
}

TEST(MatmulAllReduceOracle, SeveralContractsInOneCallAreTheSeparateCalls) {
    // MatmulAllReduceBoundsForContracts shares each rank's dgemm between the contracts; every
    // bound must be the bits of one MatmulAllReduceBounds call per contract (both passes: the
    // per-rank one below world 5 and the folded one from world 5; with x3, bias, NaN/Inf).
    Contract statistical;
    statistical.acc_probabilistic_lambda = 6.0;
    Contract flush;
    flush.subnormal_flush_allowed = true;
    flush.partial_rounded_to_output = Allowance::kNo;
    const Contract contracts[] = {Contract{}, statistical, flush};
    auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
    for (const int world : {1, 2, 5, 7})
        for (const bool x3 : {false, true}) {
            RandomCase c = MakeRandom(static_cast<uint64_t>(world) * 10 + (x3 ? 1 : 0), 3, 300, 260, world,
                                      ACL_FLOAT16, true, x3, 4.0);
            if (x3) c.ranks[0].x1.v[5] = std::numeric_limits<double>::infinity();
            const std::vector<Bounds> all = MatmulAllReduceBoundsForContracts(c.ranks, c.t, contracts);
            ASSERT_EQ(all.size(), 3u);
            for (size_t q = 0; q < 3; ++q) {
                const Bounds one = MatmulAllReduceBounds(c.ranks, c.t, contracts[q]);
                ASSERT_EQ(all[q].lo.size(), one.lo.size());
                for (size_t e = 0; e < one.lo.size(); ++e) {
                    SCOPED_TRACE(testing::Message() << "world " << world << " x3 " << x3 << " contract " << q
                                                    << " element " << e);
                    ASSERT_TRUE(same(all[q].lo[e], one.lo[e]) && same(all[q].hi[e], one.hi[e]) &&
                                same(all[q].exact[e], one.exact[e]) && same(all[q].scale[e], one.scale[e]));
                }
            }
        }
    EXPECT_TRUE(MatmulAllReduceBoundsForContracts(MakeRandom(1, 2, 3, 4, 2, ACL_BF16, false, false).ranks, ACL_BF16,
                                                  std::span<const Contract>())
                    .empty());
}

TEST(MatmulAllReduceOracle, FastContainsExactOnRandomCases) {
    const int64_t ks[] = {1, 2, 7, 33, 64, 255, 1024, 4096};
    int cases = 0;
    for (uint64_t seed = 1; seed <= 48; ++seed) {
        const int64_t k = ks[seed % 8];
        const int world = 1 + static_cast<int>(seed * 5 % 8);
        const aclDataType t = seed % 2 ? ACL_FLOAT16 : ACL_BF16;
        const int64_t m = k >= 1024 ? 2 : 3, n = k >= 1024 ? 3 : 5;
        const RandomCase c = MakeRandom(seed, m, k, n, world, t, seed % 3 != 0, seed % 4 == 1,
                                        seed % 5 == 0 ? 1e-3 : 1.0);
        const Bounds fast = MatmulAllReduceBounds(c.ranks, t);
        const Bounds exact = MatmulAllReduceBoundsExact(c.ranks, t);
        std::mt19937_64 order(seed);
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
                const size_t e = static_cast<size_t>(i * n + j);
                SCOPED_TRACE(testing::Message() << "seed " << seed << " k " << k << " world "
                                                << world << " element " << e);
                EXPECT_LE(fast.lo[e], exact.lo[e]);
                EXPECT_GE(fast.hi[e], exact.hi[e]);
                // The exact result, rounded once, is what an implementation without any
                // intermediate rounding returns: conforming.
                const double once = RoundT(t, exact.exact[e]);
                EXPECT_LE(exact.lo[e], once);
                EXPECT_GE(exact.hi[e], once);
                // dgemm's claimed error: γ_{k+1}(2^-53) per rank, plus the binary64 sum of 3R
                // terms per element: ≤ (k + 3R + 4)·2^-52·scale.
                const double claimed = static_cast<double>(k + 3 * world + 4) * 0x1p-52 * exact.scale[e];
                EXPECT_LE(std::fabs(fast.exact[e] - exact.exact[e]), claimed);
                for (int trial = 0; trial < 3; ++trial) {
                    const double v = SimulateVendor(c, i, j, order);
                    EXPECT_LE(fast.lo[e], v);
                    EXPECT_GE(fast.hi[e], v);
                }
            }
        ++cases;
    }
    EXPECT_EQ(cases, 48);
}

// Tightness on typical data: fp16, k = 64, N(0,1) inputs, no bias or x3.
//  - world 1: the accumulation bound γ_63(2^-24)·S ≈ 2^-18·S is ~1/50 ulp unless the element
//    cancels, so the interval is the one or two fp16 values next to the exact result: median
//    half-width ≤ 1/2 ulp(exact); every element within 2 ulp + γ_63(2^-24)·S.
//  - world 8: the a-priori reduction bound γ_7(2^-11)·Σ|Z_r| dominates; the half-width stays
//    within 2 ulp + γ_63(2^-24)·S + Σ_r ulp(P_r) + γ_7(2^-11)·Σ_r(|P_r| + ulp(P_r))·(1 + 2^-9)
//    (P_r: the per-rank sums).
TEST(MatmulAllReduceOracle, IntervalIsTightOnTypicalData) {
    const int64_t m = 16, k = 64, n = 16;
    for (int world : {1, 8}) {
        const RandomCase c = MakeRandom(77 + static_cast<uint64_t>(world), m, k, n, world, ACL_FLOAT16,
                                        false, false);
        const Bounds b = MatmulAllReduceBounds(c.ranks, ACL_FLOAT16);
        std::vector<double> hw_ulps;
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
                const size_t e = static_cast<size_t>(i * n + j);
                const double ulp = UlpT(ACL_FLOAT16, b.exact[e]);
                const double hw = (b.hi[e] - b.lo[e]) / 2;
                hw_ulps.push_back(hw / ulp);
                // γ_63(2^-24)·Σ|a·b|: the accumulation bound (dominant only under cancellation).
                const double acc = 63 * 0x1p-24 / (1 - 63 * 0x1p-24) * b.scale[e] * (1 + 0x1p-20);
                if (world == 1) {
                    EXPECT_LE(hw, 2 * ulp + acc) << e;
                } else {
                    // Σ_r|Z_r| ≤ Σ_r(|P_r| + ulp(P_r)): a partial's endpoints lie within an ulp.
                    // Each rank's interval is up to one ulp(P_r) wide (rounded or not).
                    double sum_abs = 0, rank_widths = 0;
                    for (const auto &rk : c.ranks) {
                        double p = 0;
                        for (int64_t q = 0; q < k; ++q) p += rk.x1.at(i, q) * rk.x2.at(q, j);
                        sum_abs += std::fabs(p) + UlpT(ACL_FLOAT16, p);
                        rank_widths += UlpT(ACL_FLOAT16, p);
                    }
                    const double g7 = 7 * 0x1p-11 / (1 - 7 * 0x1p-11);
                    EXPECT_LE(hw, 2 * ulp + acc + rank_widths + g7 * sum_abs * (1 + 0x1p-9)) << e;
                }
            }
        std::sort(hw_ulps.begin(), hw_ulps.end());
        const double median = hw_ulps[hw_ulps.size() / 2];
        RecordProperty(world == 1 ? "median_halfwidth_ulps_world1" : "median_halfwidth_ulps_world8",
                       std::to_string(median));
        std::printf("fp16 k=64 world=%d: median half-width %.3f ulp, max %.3f ulp\n", world,
                    median, hw_ulps.back());
        if (world == 1) {
            EXPECT_LE(median, 0.5);
        }
    }
}

}  // namespace
}  // namespace mc2::oracle
