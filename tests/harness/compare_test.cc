// tests/harness/compare_test.cc — the comparator checked on results whose verdict is known by
// construction (benchdnn's self/ idea): the exact answer and a simulated conforming pipeline
// pass; a one-ulp excursion, swapped ranks, a dropped tile and low-precision accumulation fail;
// mostly-zero outputs are MISTRUSTED; NaN/Inf are compared by class.
#include "harness/compare.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/codebook.h"
#include "oracle/matmul_all_reduce.h"

namespace mc2::harness {
namespace {

using oracle::Bounds;
using oracle::Matrix;
using oracle::MatmulAllReduceRank;

constexpr double kInf = std::numeric_limits<double>::infinity();

double RoundFp16(double x) { return oracle::Decode(oracle::kFloat16, oracle::Encode(oracle::kFloat16, x)); }

// x rounded to p significant bits, ties to even (unbounded exponent): a model accumulator.
double RoundBits(double x, int p) {
    if (x == 0.0 || !std::isfinite(x)) return x;
    int e = 0;
    const double m = std::frexp(x, &e);
    return std::ldexp(std::nearbyint(std::ldexp(m, p)), e - p);
}

struct Case {
    std::vector<MatmulAllReduceRank> ranks;
    int64_t m, k, n;
};

Case MakeCase(uint64_t seed, int64_t m, int64_t k, int64_t n, int world) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    auto fill = [&](int64_t rows, int64_t cols) {
        Matrix mat{rows, cols, std::vector<double>(static_cast<size_t>(rows * cols))};
        for (auto &v : mat.v) v = RoundFp16(normal(rng));
        return mat;
    };
    Case c{{}, m, k, n};
    for (int r = 0; r < world; ++r) c.ranks.push_back({fill(m, k), fill(k, n), fill(1, n).v, std::nullopt});
    return c;
}

// A simulated implementation of the vendor pipeline (ops.md §2.7) with a pluggable accumulator:
// `acc_round` is applied after every addition of the k-sum (fp32: RoundBits(·, 24)). Partials
// are rounded to fp16 and all-reduced in fp16 in rank order.
std::vector<double> Simulate(const Case &c, const std::function<double(double)> &acc_round) {
    std::vector<double> out(static_cast<size_t>(c.m * c.n));
    for (int64_t i = 0; i < c.m; ++i)
        for (int64_t j = 0; j < c.n; ++j) {
            double s = 0;
            for (size_t r = 0; r < c.ranks.size(); ++r) {
                const auto &rk = c.ranks[r];
                double acc = (*rk.bias)[static_cast<size_t>(j)];
                for (int64_t q = 0; q < c.k; ++q) acc = acc_round(acc + rk.x1.at(i, q) * rk.x2.at(q, j));
                const double z = RoundFp16(acc);
                s = r == 0 ? z : RoundFp16(s + z);
            }
            out[static_cast<size_t>(i * c.n + j)] = s;
        }
    return out;
}

double Fp32Acc(double x) { return RoundBits(x, 24); }

struct Oracle {
    Bounds rigorous, probable;
};

Oracle BoundsOf(const Case &c) {
    oracle::Contract stat;
    stat.acc_probabilistic_lambda = kStatisticalLambda;
    return {oracle::MatmulAllReduceBounds(c.ranks, ACL_FLOAT16),
            oracle::MatmulAllReduceBounds(c.ranks, ACL_FLOAT16, stat)};
}

CompareReport Check(const Oracle &o, const std::vector<double> &got) {
    CompareOptions opt;
    opt.probable = &o.probable;
    return Compare(o.rigorous, got, opt);
}

TEST(Compare, ExactAnswerPasses) {
    const Case c = MakeCase(1, 32, 64, 16, 2);
    const Oracle o = BoundsOf(c);
    std::vector<double> got(o.rigorous.exact.size());
    std::transform(o.rigorous.exact.begin(), o.rigorous.exact.end(), got.begin(), RoundFp16);
    const CompareReport r = Check(o, got);
    EXPECT_TRUE(r.pass) << r.summary;
    EXPECT_FALSE(r.mistrusted);
    EXPECT_EQ(r.outside, 0);
    EXPECT_LE(r.ratio_max, 1.0);
    EXPECT_LE(r.ulp_max, 0.5);
    EXPECT_TRUE(r.vendor_pass);
    EXPECT_FALSE(r.precision_suspect) << r.precision_note;
    EXPECT_EQ(r.summary.rfind("PASSED", 0), 0u) << r.summary;
}

TEST(Compare, ConformingPipelinesPassIncludingThePrecisionCheck) {
    // fp32 accumulation in order, partials rounded to fp16, reduction in fp16: the vendor's
    // pipeline. The statistical check must not flag it, for short and long k-sums.
    for (const auto &[seed, k, world] : {std::tuple{2u, 64, 8}, std::tuple{3u, 1024, 2},
                                        std::tuple{4u, 4096, 1}}) {
        const Case c = MakeCase(seed, 16, k, 8, world);
        const Oracle o = BoundsOf(c);
        const CompareReport r = Check(o, Simulate(c, Fp32Acc));
        EXPECT_TRUE(r.pass) << r.summary;
        EXPECT_FALSE(r.precision_suspect) << r.precision_note;
        std::printf("conforming k=%d world=%d: %s\n", k, world, r.summary.c_str());
    }
}

TEST(Compare, OneUlpOutsideFailsAndNamesTheElement) {
    const Case c = MakeCase(5, 32, 64, 16, 2);
    const Oracle o = BoundsOf(c);
    std::vector<double> got(o.rigorous.exact.size());
    std::transform(o.rigorous.exact.begin(), o.rigorous.exact.end(), got.begin(), RoundFp16);
    const size_t e = 37;  // row 2, column 5
    const double hi = o.rigorous.hi[e];
    ASSERT_TRUE(std::isfinite(hi));
    int ex = 0;
    std::frexp(std::fabs(hi), &ex);
    got[e] = hi + std::ldexp(1.0, std::max(ex - 1, -14) - 10);  // the next fp16 value above hi
    ASSERT_EQ(RoundFp16(got[e]), got[e]);
    const CompareReport r = Check(o, got);
    EXPECT_FALSE(r.pass);
    EXPECT_EQ(r.outside, 1);
    EXPECT_EQ(r.worst_index, 37);
    EXPECT_EQ(r.worst_got, got[e]);
    EXPECT_GT(r.ratio_max, 1.0);
    EXPECT_NE(r.summary.find("worst [2,5]"), std::string::npos) << r.summary;
    EXPECT_EQ(r.summary.rfind("FAILED", 0), 0u);
}

TEST(Compare, SwappedRanksFail) {
    const Case c = MakeCase(6, 32, 64, 16, 2);
    const Oracle o = BoundsOf(c);
    Case swapped = c;
    std::swap(swapped.ranks[0].x1, swapped.ranks[1].x1);
    const CompareReport r = Check(o, Simulate(swapped, Fp32Acc));
    EXPECT_FALSE(r.pass);
    EXPECT_GT(r.outside, 32 * 16 / 2) << r.summary;
}

TEST(Compare, DroppedTileFails) {
    const Case c = MakeCase(7, 64, 64, 16, 2);
    const Oracle o = BoundsOf(c);
    const std::vector<double> good = Simulate(c, Fp32Acc);
    ASSERT_TRUE(Check(o, good).pass);
    // Rows 16..31 (one M-tile) left as zeros, or as the previous tile's output.
    std::vector<double> zeros = good, stale = good;
    for (int64_t i = 16; i < 32; ++i)
        for (int64_t j = 0; j < 16; ++j) {
            zeros[static_cast<size_t>(i * 16 + j)] = 0.0;
            stale[static_cast<size_t>(i * 16 + j)] = good[static_cast<size_t>((i - 16) * 16 + j)];
        }
    for (const auto &bad : {zeros, stale}) {
        const CompareReport r = Check(o, bad);
        EXPECT_FALSE(r.pass);
        EXPECT_GE(r.outside, 16 * 16 * 9 / 10) << r.summary;
        EXPECT_GE(r.worst_index, 16 * 16);
        EXPECT_LT(r.worst_index, 32 * 16);
    }
}

TEST(Compare, Fp16AccumulationFails) {
    const Case c = MakeCase(8, 16, 1024, 8, 2);
    const Oracle o = BoundsOf(c);
    const CompareReport r = Check(o, Simulate(c, RoundFp16));
    EXPECT_FALSE(r.pass) << r.summary;
    std::printf("fp16 accumulation: %s\n", r.summary.c_str());
}

TEST(Compare, LowPrecisionAccumulationCaughtByTheStatisticalCheck) {
    // A 14-bit accumulator (u = 2^-14) over k = 4096: its error (~0.1 for N(0,1) data) stays
    // well inside the worst-case fp32 interval (γ_4096(2^-24)·S ≈ 0.64) but far outside the
    // statistical one (λ√k·2^-24·S ≈ 0.08 plus rounding).
    const Case c = MakeCase(9, 16, 4096, 8, 1);
    const Oracle o = BoundsOf(c);
    const CompareReport r = Check(o, Simulate(c, [](double x) { return RoundBits(x, 14); }));
    EXPECT_EQ(r.outside, 0) << r.summary;
    EXPECT_TRUE(r.precision_suspect) << r.precision_note;
    EXPECT_FALSE(r.pass);
    CompareOptions report_only;
    report_only.probable = &o.probable;
    report_only.precision_in_pass = false;
    EXPECT_TRUE(Compare(o.rigorous, Simulate(c, [](double x) { return RoundBits(x, 14); }), report_only).pass);
    std::printf("14-bit accumulation: %s\n", r.summary.c_str());
}

TEST(Compare, MostlyZeroOutputIsMistrusted) {
    Case c = MakeCase(10, 64, 32, 16, 2);
    for (auto &rk : c.ranks) {
        std::fill(rk.x1.v.begin(), rk.x1.v.begin() + 48 * 32, 0.0);  // rows 0..47
        std::fill(rk.bias->begin(), rk.bias->end(), 0.0);
    }
    const Oracle o = BoundsOf(c);
    const CompareReport r = Check(o, Simulate(c, Fp32Acc));
    EXPECT_TRUE(r.pass) << r.summary;
    EXPECT_TRUE(r.mistrusted);
    EXPECT_NEAR(r.zero_share, 0.75, 1e-12);
    EXPECT_EQ(r.summary.rfind("MISTRUSTED", 0), 0u) << r.summary;
}

TEST(Compare, NanAndInfByClass) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Bounds b;
    b.rows = 1;
    b.cols = 5;
    b.dtype = ACL_FLOAT16;
    b.lo = {1, 65504, -kInf, nan, 1};
    b.hi = {2, kInf, kInf, nan, 2};
    b.exact = {1.5, 70000, 0, nan, 1.5};
    b.scale = {1, 1, 1, 1, 1};
    auto outside = [&](std::vector<double> got) { return Compare(b, got).outside; };
    EXPECT_EQ(outside({1.5, kInf, nan, nan, 1.5}), 0);     // every class admitted
    EXPECT_EQ(outside({kInf, 65504, 0, nan, 1.5}), 1);     // Inf where bounds are finite
    EXPECT_EQ(outside({nan, 65504, 0, nan, 1.5}), 1);      // NaN where bounds are finite
    EXPECT_EQ(outside({1.5, -kInf, 0, nan, 1.5}), 1);      // wrong-sign Inf
    EXPECT_EQ(outside({1.5, nan, 0, nan, 1.5}), 1);        // NaN needs both infinities
    EXPECT_EQ(outside({1.5, 65504, 0, 1.0, 1.5}), 1);      // NaN required
    EXPECT_EQ(outside({1.5, 65504, 0, nan, -0.0 + 2.0}), 0);
    EXPECT_THROW(Compare(b, {1.0}), std::invalid_argument);
}

// Elements whose acceptance set is one value are counted as judged by equality; an interval of
// any width, or one with an infinite end, is not.
TEST(Compare, CountsExactCheckedElements) {
    Bounds b;
    b.rows = 1;
    b.cols = 4;
    b.dtype = ACL_BF16;
    b.lo = {1, 2, -kInf, 0};
    b.hi = {1, 2.0078125, kInf, 0};
    b.exact = {1, 2, 0, 0};
    b.scale = {1, 2, 0, 0};
    const CompareReport r = Compare(b, {1, 2, 5, 0});
    EXPECT_TRUE(r.pass);
    EXPECT_EQ(r.exact_checked, 2);
    EXPECT_NE(r.summary.find("2 exact-checked"), std::string::npos) << r.summary;
}

// With several readings the comparison says which ones the result is consistent with: a result
// from reading B (one element differs from A's only value) matches B in full and A on all but one
// element; a result with one value outside both readings (and A's value elsewhere) matches neither
// in full, and fails.
TEST(Compare, SaysWhichReadingTheResultMatches) {
    Bounds b;
    b.rows = 1;
    b.cols = 3;
    b.dtype = ACL_FLOAT16;
    b.readings = {{"A", {1, 2, 3}, {1, 2, 3}}, {"B", {1, 2, 3.001953125}, {1, 2, 3.001953125}}};
    b.lo = {1, 2, 3};
    b.hi = {1, 2, 3.001953125};
    b.exact = {1, 2, 3};
    b.scale = {1, 2, 3};
    const CompareReport from_b = Compare(b, {1, 2, 3.001953125});
    EXPECT_TRUE(from_b.pass);
    ASSERT_EQ(from_b.readings.size(), 2u);
    EXPECT_EQ(from_b.readings[0].name, "A");
    EXPECT_EQ(from_b.readings[0].consistent, 2);
    EXPECT_EQ(from_b.readings[1].consistent, 3);
    EXPECT_NE(from_b.summary.find("[B] 3/3 (all)"), std::string::npos) << from_b.summary;
    EXPECT_EQ(from_b.summary.find("[A] 2/3 (all)"), std::string::npos) << from_b.summary;
    const CompareReport neither = Compare(b, {1, 2.001953125, 3});
    EXPECT_FALSE(neither.pass);
    EXPECT_EQ(neither.readings[0].consistent, 2);  // elements 0 and 2
    EXPECT_EQ(neither.readings[1].consistent, 1);  // element 0 only
    b.readings[1].hi.pop_back();
    EXPECT_THROW(Compare(b, {1, 2, 3}), std::invalid_argument);
}

}  // namespace
}  // namespace mc2::harness
