// tests/oracle/matmul_all_reduce_add_rms_norm_test.cc — MatmulAllReduceAddRmsNorm acceptance
// intervals: simulated conforming pipelines (the kernel order of ops.md §6.1, with native fp32
// and the oracle's codebook rounding, summation orders shuffled) must land inside, fast mode must
// contain exact mode on random small cases, the edge rows (all zero, sum of squares far below ε,
// squares overflowing fp32) stay sound, and the two broken orders of tests/broken leave the
// intervals. Expected values come from arithmetic done here, never from the oracle's output.
#include "oracle/matmul_all_reduce_add_rms_norm.h"

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

struct Random {
    AddRmsNormInputs in;
    aclDataType t;
    int64_t m, n;
};

Random Make(uint64_t seed, int64_t m, int64_t k, int64_t n, int world, aclDataType t, double epsilon,
            double sigma = 1.0) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, sigma);
    auto fill = [&](int64_t rows, int64_t cols) {
        Matrix mat{rows, cols, std::vector<double>(static_cast<size_t>(rows * cols))};
        for (auto &v : mat.v) v = RoundT(t, normal(rng));
        return mat;
    };
    Random r{{}, t, m, n};
    for (int q = 0; q < world; ++q) {
        MatmulAllReduceRank rk{fill(m, k), fill(k, n), std::nullopt, std::nullopt};
        if (seed % 2 == 0) rk.bias = fill(1, n).v;
        r.in.ranks.push_back(std::move(rk));
    }
    r.in.residual = fill(m, n);
    r.in.gamma = fill(1, n).v;
    r.in.epsilon = epsilon;
    return r;
}

enum class Broken { kNone, kEpsAfterSqrt, kGammaBeforeRound };

// One row of the kernel's pipeline (ops.md §6.1): mm per rank in fp32 (shuffled k order),
// rounded to T, all-reduced in T (shuffled rank order); y = round_T(mm + r) (fp32 add); the sum
// of fp32(y·y)·fp32(1/n) in a shuffled order; rstd = 1/sqrt(s + fp32(ε)); normOut =
// round_T(round_T(y·rstd)·γ). Returns y and normOut of row i.
void Simulate(const Random &c, int64_t i, std::mt19937_64 &order, std::vector<double> &y, std::vector<double> &out,
              Broken broken = Broken::kNone) {
    const int64_t n = c.n;
    y.assign(static_cast<size_t>(n), 0.0);
    out.assign(static_cast<size_t>(n), 0.0);
    for (int64_t j = 0; j < n; ++j) {
        std::vector<double> z;
        for (const auto &rk : c.in.ranks) {
            std::vector<int64_t> perm(static_cast<size_t>(rk.x1.cols));
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), order);
            float acc = rk.bias ? static_cast<float>((*rk.bias)[static_cast<size_t>(j)]) : 0.0f;
            for (int64_t q : perm) acc += static_cast<float>(rk.x1.at(i, q)) * static_cast<float>(rk.x2.at(q, j));
            z.push_back(RoundT(c.t, static_cast<double>(acc)));
        }
        std::shuffle(z.begin(), z.end(), order);
        double s = 0.0;
        bool first = true;
        for (double v : z) {
            s = first ? v : RoundT(c.t, s + v);
            first = false;
        }
        const float sum = static_cast<float>(s) + static_cast<float>(c.in.residual.at(i, j));
        y[static_cast<size_t>(j)] = RoundT(c.t, static_cast<double>(sum));
    }
    std::vector<int64_t> cols(static_cast<size_t>(n));
    std::iota(cols.begin(), cols.end(), 0);
    std::shuffle(cols.begin(), cols.end(), order);
    const float inv_n = 1.0f / static_cast<float>(n);
    float ss = 0.0f;
    for (int64_t j : cols) {
        const float v = static_cast<float>(y[static_cast<size_t>(j)]);
        const float sq = v * v;
        ss += sq * inv_n;
    }
    const float eps = static_cast<float>(c.in.epsilon);
    const float rstd = broken == Broken::kEpsAfterSqrt ? 1.0f / (std::sqrt(ss) + eps) : 1.0f / std::sqrt(ss + eps);
    for (int64_t j = 0; j < n; ++j) {
        const float v = static_cast<float>(y[static_cast<size_t>(j)]) * rstd;
        const double g = c.in.gamma[static_cast<size_t>(j)];
        if (broken == Broken::kGammaBeforeRound) {
            out[static_cast<size_t>(j)] = RoundT(c.t, static_cast<double>(v * static_cast<float>(g)));
        } else {
            const float rounded = static_cast<float>(RoundT(c.t, static_cast<double>(v)));
            out[static_cast<size_t>(j)] = RoundT(c.t, static_cast<double>(rounded * static_cast<float>(g)));
        }
    }
}

bool Inside(const Bounds &b, size_t e, double v) { return b.lo[e] <= v && v <= b.hi[e]; }

TEST(AddRmsNormOracle, SimulatedPipelinesLandInsideAndFastContainsExact) {
    const int64_t ks[] = {1, 7, 33, 64, 255};
    const double epsilons[] = {1e-6, 1e-3, 0.25, 0.9};
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        const int64_t k = ks[seed % 5], m = 3, n = 1 + static_cast<int64_t>(seed * 7 % 40);
        const int world = 1 << (seed % 4);
        const aclDataType t = seed % 3 ? ACL_FLOAT16 : ACL_BF16;
        const Random c = Make(seed, m, k, n, world, t, epsilons[seed % 4], seed % 5 == 0 ? 1e-3 : 1.0);
        const AddRmsNormBounds fast = MatmulAllReduceAddRmsNormBounds(c.in, t);
        const AddRmsNormBounds exact = MatmulAllReduceAddRmsNormBoundsExact(c.in, t);
        std::mt19937_64 order(seed);
        std::vector<double> y, out;
        for (int64_t i = 0; i < m; ++i) {
            for (int trial = 0; trial < 3; ++trial) {
                Simulate(c, i, order, y, out);
                for (int64_t j = 0; j < n; ++j) {
                    const auto e = static_cast<size_t>(i * n + j);
                    SCOPED_TRACE(testing::Message() << "seed " << seed << " world " << world << " k " << k
                                                    << " element " << e);
                    EXPECT_TRUE(Inside(fast.y, e, y[static_cast<size_t>(j)])) << y[static_cast<size_t>(j)];
                    EXPECT_TRUE(Inside(exact.y, e, y[static_cast<size_t>(j)]));
                    EXPECT_TRUE(Inside(fast.norm_out, e, out[static_cast<size_t>(j)])) << out[static_cast<size_t>(j)];
                    EXPECT_TRUE(Inside(exact.norm_out, e, out[static_cast<size_t>(j)]));
                }
            }
            for (int64_t j = 0; j < n; ++j) {
                const auto e = static_cast<size_t>(i * n + j);
                EXPECT_LE(fast.y.lo[e], exact.y.lo[e]);
                EXPECT_GE(fast.y.hi[e], exact.y.hi[e]);
                EXPECT_LE(fast.norm_out.lo[e], exact.norm_out.lo[e]);
                EXPECT_GE(fast.norm_out.hi[e], exact.norm_out.hi[e]);
            }
        }
    }
}

// World 1, small integers (exact products and sums): mm and y are exact, so y's interval is the
// single value and normOut's is a few values of T around round_T(round_T(y·rstd)·γ).
TEST(AddRmsNormOracle, ExactDataGiveNarrowIntervals) {
    AddRmsNormInputs in;
    in.ranks.push_back(MatmulAllReduceRank{Matrix{2, 2, {1, 2, 3, 4}}, Matrix{2, 4, {1, 0, 2, -1, 0, 1, 1, 3}},
                                           std::nullopt, std::nullopt});
    in.residual = Matrix{2, 4, {0.5, 0, -1, 2, 1, 1, 1, 1}};
    in.gamma = {1, 0.5, 2, -1};
    in.epsilon = 0.25;
    const AddRmsNormBounds b = MatmulAllReduceAddRmsNormBounds(in, ACL_FLOAT16);
    // y = x1 @ x2 + residual, by hand.
    const std::vector<double> y = {1.5, 2, 3, 7, 4, 5, 11, 10};
    for (size_t e = 0; e < y.size(); ++e) {
        EXPECT_EQ(b.y.lo[e], y[e]);
        EXPECT_EQ(b.y.hi[e], y[e]);
    }
    for (int64_t i = 0; i < 2; ++i) {
        double ss = 0;
        for (int64_t j = 0; j < 4; ++j) ss += y[static_cast<size_t>(i * 4 + j)] * y[static_cast<size_t>(i * 4 + j)];
        const double rstd = 1.0 / std::sqrt(ss / 4 + 0.25);
        for (int64_t j = 0; j < 4; ++j) {
            const auto e = static_cast<size_t>(i * 4 + j);
            const double want = RoundT(ACL_FLOAT16, RoundT(ACL_FLOAT16, y[e] * rstd) * in.gamma[static_cast<size_t>(j)]);
            EXPECT_LE(b.norm_out.lo[e], want);
            EXPECT_GE(b.norm_out.hi[e], want);
            // At most one fp16 step either side of the double-precision answer.
            EXPECT_LE(b.norm_out.hi[e] - b.norm_out.lo[e], 2 * std::ldexp(1.0, std::ilogb(std::fabs(want)) - 10));
        }
    }
    EXPECT_EQ(b.rows_unjudged, 0);
}

// An all-zero y row: rstd = 1/sqrt(ε), normOut exactly 0 (admitting nothing else).
TEST(AddRmsNormOracle, ZeroRowGivesZero) {
    AddRmsNormInputs in;
    in.ranks.push_back(MatmulAllReduceRank{Matrix{1, 2, {0, 0}}, Matrix{2, 3, {1, 2, 3, 4, 5, 6}}, std::nullopt,
                                           std::nullopt});
    in.residual = Matrix{1, 3, {0, 0, 0}};
    in.gamma = {1, 2, 3};
    in.epsilon = 1e-6;
    for (aclDataType t : {ACL_FLOAT16, ACL_BF16}) {
        const AddRmsNormBounds b = MatmulAllReduceAddRmsNormBounds(in, t);
        for (size_t e = 0; e < 3; ++e) {
            EXPECT_EQ(b.norm_out.lo[e], 0.0);
            EXPECT_EQ(b.norm_out.hi[e], 0.0);
        }
    }
}

// Sum of squares far below ε (rstd ≈ 1/sqrt(ε), well defined): the intervals stay narrow and
// contain the simulation; squares overflowing fp32 (bf16 y ≈ 2^70): rstd may be 0, the row admits
// anything and is counted as unjudged (the comparator's MISTRUSTED).
TEST(AddRmsNormOracle, TinyAndHugeRowsStaySound) {
    for (double sigma : {1e-4, 1.0}) {
        const Random c = Make(7, 2, 4, 16, 2, ACL_BF16, 0.5, sigma);
        const AddRmsNormBounds b = MatmulAllReduceAddRmsNormBounds(c.in, ACL_BF16);
        EXPECT_EQ(b.rows_unjudged, 0);
        std::mt19937_64 order(1);
        std::vector<double> y, out;
        for (int64_t i = 0; i < 2; ++i) {
            Simulate(c, i, order, y, out);
            for (int64_t j = 0; j < 16; ++j) EXPECT_TRUE(Inside(b.norm_out, static_cast<size_t>(i * 16 + j), out[static_cast<size_t>(j)]));
        }
    }
    Random huge = Make(8, 2, 4, 16, 1, ACL_BF16, 1e-6);
    for (double &v : huge.in.residual.v) v = RoundT(ACL_BF16, v * 0x1p70);
    const AddRmsNormBounds b = MatmulAllReduceAddRmsNormBounds(huge.in, ACL_BF16);
    EXPECT_EQ(b.rows_unjudged, 2);
    for (size_t e = 0; e < b.norm_out.lo.size(); ++e) {
        EXPECT_EQ(b.norm_out.lo[e], -std::numeric_limits<double>::infinity());
        EXPECT_EQ(b.norm_out.hi[e], std::numeric_limits<double>::infinity());
    }
}

// The broken orders of tests/broken (faults 80, 81) leave the intervals: the oracle can fail them.
TEST(AddRmsNormOracle, BrokenOrdersLeaveTheIntervals) {
    auto outside = [](const Random &c, Broken broken) {
        const AddRmsNormBounds b = MatmulAllReduceAddRmsNormBounds(c.in, c.t);
        std::mt19937_64 order(3);
        std::vector<double> y, out;
        int count = 0;
        for (int64_t i = 0; i < c.m; ++i) {
            Simulate(c, i, order, y, out, broken);
            for (int64_t j = 0; j < c.n; ++j) count += !Inside(b.norm_out, static_cast<size_t>(i * c.n + j), out[static_cast<size_t>(j)]);
        }
        return count;
    };
    EXPECT_GT(outside(Make(11, 4, 16, 32, 2, ACL_FLOAT16, 0.5), Broken::kEpsAfterSqrt), 32);
    // World 1, integer-valued data of small magnitude: exact mm and y, so one rounding less shows.
    Random exact = Make(12, 4, 8, 64, 1, ACL_BF16, 1e-6);
    for (auto *mat : {&exact.in.ranks[0].x1, &exact.in.ranks[0].x2, &exact.in.residual})
        for (double &v : mat->v) v = std::round(v * 4);
    EXPECT_GT(outside(exact, Broken::kGammaBeforeRound), 0);
}

}  // namespace
}  // namespace mc2::oracle
