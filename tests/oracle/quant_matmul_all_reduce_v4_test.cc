// tests/oracle/quant_matmul_all_reduce_v4_test.cc — QuantMatmulAllReduceV4's acceptance
// intervals against values computed here in double from the seed 004 formulas: the
// documented result lies inside every interval, the intervals are a few fp32 ulps wide, and the
// results of the broken readings (per-channel scale by row, E8M0 off by one exponent, the
// per-block grid transposed, the bias after the scales) lie outside.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "oracle/quant_matmul_all_reduce_v4.h"

namespace mc2::oracle {
namespace {

// A (rows × cols) matrix of small FP8-representable values: multiples of 1/8 in [-2, 2).
Matrix Small(int64_t rows, int64_t cols, int seed) {
    Matrix m{rows, cols, std::vector<double>(static_cast<size_t>(rows * cols))};
    for (int64_t i = 0; i < rows * cols; ++i) m.v[static_cast<size_t>(i)] = ((i * 7 + seed * 13) % 32 - 16) / 8.0;
    return m;
}

double Dot(const Matrix &a, const Matrix &b, int64_t i, int64_t j, int64_t t0, int64_t t1) {
    double s = 0;
    for (int64_t t = t0; t < t1; ++t) s += a.at(i, t) * b.at(t, j);
    return s;
}
double AbsDot(const Matrix &a, const Matrix &b, int64_t i, int64_t j, int64_t t0, int64_t t1) {
    double s = 0;
    for (int64_t t = t0; t < t1; ++t) s += std::fabs(a.at(i, t) * b.at(t, j));
    return s;
}

// v inside, and the interval no wider than the accumulation bound allows: γ_k(2^-24)·mag with
// k ≤ 256 is below 2e-5·mag, plus a few fp32 roundings of the value.
void ExpectInside(const Bounds &b, int64_t i, int64_t j, double v, double mag) {
    const size_t e = static_cast<size_t>(i * b.cols + j);
    EXPECT_LE(b.lo[e], v) << i << "," << j;
    EXPECT_GE(b.hi[e], v) << i << "," << j;
    EXPECT_LE(b.hi[e] - b.lo[e], 1e-4 * mag + 1e-6) << i << "," << j;
}

bool Inside(const Bounds &b, int64_t i, int64_t j, double v) {
    const size_t e = static_cast<size_t>(i * b.cols + j);
    return b.lo[e] <= v && v <= b.hi[e];
}

TEST(QuantMatmulAllReduceV4Oracle, Fp8PertokenPerChannelWithBiasInsideTheScales) {
    QuantMatmulAllReduceV4Rank rk;
    rk.scenario = V4Scenario::kFp8;
    rk.x1 = Small(6, 40, 1);
    rk.x2 = Small(40, 5, 2);
    rk.bias = std::vector<double>{0.5, -1.25, 3, 0.125, -2};
    rk.x2_scale = {0.75, 1.5, -0.5, 2.0, 0.3125};
    rk.x2_scale_dtype = ACL_FLOAT;
    rk.x1_scale = std::vector<double>{1, 0.5, 2, -1, 0.25, 4};
    const std::vector<QuantMatmulAllReduceV4Rank> ranks = {rk, rk};
    const Bounds b = QuantMatmulAllReduceV4Bounds(ranks, ACL_FLOAT);
    int outside_by_row = 0, outside_bias_after = 0;
    for (int64_t i = 0; i < 6; ++i) {
        for (int64_t j = 0; j < 5; ++j) {
            const double acc = Dot(rk.x1, rk.x2, i, j, 0, 40);
            const double s1 = (*rk.x1_scale)[i], s2 = rk.x2_scale[j];
            const double mag = 2 * (AbsDot(rk.x1, rk.x2, i, j, 0, 40) + std::fabs((*rk.bias)[j])) * std::fabs(s2 * s1);
            ExpectInside(b, i, j, 2 * (acc + (*rk.bias)[j]) * s2 * s1, mag);
            outside_by_row += !Inside(b, i, j, 2 * (acc + (*rk.bias)[j]) * rk.x2_scale[i % 5] * s1);
            outside_bias_after += !Inside(b, i, j, 2 * (acc * s2 * s1 + (*rk.bias)[j]));
        }
    }
    EXPECT_GT(outside_by_row, 15);
    EXPECT_GT(outside_bias_after, 20);
}

TEST(QuantMatmulAllReduceV4Oracle, MxScalesMultiplyTheInputsExactly) {
    QuantMatmulAllReduceV4Rank rk;
    rk.scenario = V4Scenario::kMx;
    const int64_t m = 3, k = 96, n = 4, per_row = 4;  // ceil(96/64) = 2 pairs: 4 scales per row (one unused)
    rk.x1 = Small(m, k, 3);
    rk.x2 = Small(k, n, 4);
    rk.x1_scale = std::vector<double>(static_cast<size_t>(m * per_row));
    rk.x2_scale.resize(static_cast<size_t>(n * per_row));
    for (size_t e = 0; e < rk.x1_scale->size(); ++e) (*rk.x1_scale)[e] = std::ldexp(1.0, static_cast<int>(e % 5) - 2);
    for (size_t e = 0; e < rk.x2_scale.size(); ++e) rk.x2_scale[e] = std::ldexp(1.0, 1 - static_cast<int>(e % 3));
    rk.x2_scale_dtype = ACL_FLOAT8_E8M0;
    const Bounds b = QuantMatmulAllReduceV4Bounds({rk}, ACL_FLOAT);
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double v = 0, off_by_one = 0, mag = 0;
            for (int64_t t = 0; t < k; ++t) {
                const double p = rk.x1.at(i, t) * (*rk.x1_scale)[i * per_row + t / 32] * rk.x2.at(t, j) *
                                 rk.x2_scale[j * per_row + t / 32];
                v += p;
                mag += std::fabs(p);
                off_by_one += p / 4;  // both scales read as 2^(e-128)
            }
            ExpectInside(b, i, j, v, mag);
            if (std::fabs(v) > 1e-3) EXPECT_FALSE(Inside(b, i, j, off_by_one));
        }
    }
}

TEST(QuantMatmulAllReduceV4Oracle, PerBlockScalesPerKBlockAndTheirGridOrientation) {
    QuantMatmulAllReduceV4Rank rk;
    rk.scenario = V4Scenario::kPerBlock;
    const int64_t m = 4, k = 256, n = 200;  // 2 k-blocks, 2 n-blocks
    rk.x1 = Small(m, k, 5);
    rk.x2 = Small(k, n, 6);
    rk.rows_per_batch = m;
    rk.x1_scale = std::vector<double>{0.5, 3};  // (ceil(4/128), 2)
    rk.x2_scale = {1, -2, 0.25, 4};             // (kb, nb) = (2, 2), row-major
    rk.x2_scale_dtype = ACL_FLOAT;
    const Bounds b = QuantMatmulAllReduceV4Bounds({rk}, ACL_FLOAT);
    int outside_transposed = 0, checked = 0;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; j += 7) {
            double v = 0, transposed = 0, mag = 0;
            for (int64_t blk = 0; blk < 2; ++blk) {
                const double d = Dot(rk.x1, rk.x2, i, j, blk * 128, (blk + 1) * 128);
                v += d * (*rk.x1_scale)[blk] * rk.x2_scale[blk * 2 + j / 128];
                transposed += d * (*rk.x1_scale)[blk] * rk.x2_scale[(j / 128) * 2 + blk];
                mag += AbsDot(rk.x1, rk.x2, i, j, blk * 128, (blk + 1) * 128) *
                       std::fabs((*rk.x1_scale)[blk] * rk.x2_scale[blk * 2 + j / 128]);
            }
            ExpectInside(b, i, j, v, mag);
            outside_transposed += !Inside(b, i, j, transposed);
            ++checked;
        }
    }
    EXPECT_GT(outside_transposed, checked / 3);
}

TEST(QuantMatmulAllReduceV4Oracle, Int8IsQuantMatmulAllReduceAndUnjudgedIsUnbounded) {
    QuantMatmulAllReduceV4Rank rk;
    rk.scenario = V4Scenario::kInt8;
    rk.x1 = Matrix{2, 3, {1, -2, 3, 4, 5, -6}};
    rk.x2 = Matrix{3, 2, {7, 8, -9, 10, 11, 12}};
    rk.x2_scale = {static_cast<double>((uint64_t{1} << 46) | 0x3F000000u)};  // 0.5
    rk.x2_scale_dtype = ACL_UINT64;
    const Bounds b = QuantMatmulAllReduceV4Bounds({rk}, ACL_FLOAT16);
    // (1·7 + 2·9 + 3·11)·0.5 = 29 and the rest, exact in fp16 at world 1.
    EXPECT_EQ(b.lo[0], 29.0);
    EXPECT_EQ(b.hi[0], 29.0);
    EXPECT_THROW(QuantMatmulAllReduceV4Bounds({rk}, ACL_FLOAT), std::invalid_argument);
    const Bounds u = UnjudgedBounds(2, 3, ACL_BF16);
    for (size_t e = 0; e < 6; ++e) EXPECT_TRUE(std::isinf(u.lo[e]) && u.lo[e] < 0 && std::isinf(u.hi[e]));
}

}  // namespace
}  // namespace mc2::oracle
