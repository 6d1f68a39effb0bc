// tests/oracle/all_gather_matmul_test.cc — the AllGatherMatmul formula against independent
// computations written here: gatherOut's codes are the ranks' x1 codes in rank order; each
// rank's output interval holds the value an fp32 accumulator followed by one round-to-nearest
// to the output dtype produces (simulated here with float arithmetic in two orders), is no
// wider than the fp32-accumulation bound allows, and excludes results of a wrong rank order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "oracle/all_gather_matmul.h"

namespace mc2::oracle {
namespace {

// Small integers times powers of two: exact in fp16 and in every fp32 partial sum below.
Matrix Random(int64_t rows, int64_t cols, std::mt19937 &rng) {
    std::uniform_int_distribution<int> v(-8, 8);
    Matrix m{rows, cols, {}};
    for (int64_t i = 0; i < rows * cols; ++i) m.v.push_back(v(rng) * 0.25);
    return m;
}

// round-to-nearest-even to fp16 (11 significant bits), for values in fp16's normal range.
double RoundFp16(double x) {
    if (x == 0.0) return 0.0;
    int e = 0;
    std::frexp(x, &e);
    const double quantum = std::ldexp(1.0, std::max(e, -13) - 11);
    return std::nearbyint(x / quantum) * quantum;
}

TEST(AllGatherMatmulOracle, GatherCodesStackTheRanksInOrder) {
    const std::vector<std::vector<uint64_t>> x1 = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
    EXPECT_EQ(AllGatherMatmulGatherCodes(x1), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    EXPECT_THROW(AllGatherMatmulGatherCodes({{1, 2}, {3}}), std::invalid_argument);
}

TEST(AllGatherMatmulOracle, OutputBoundsHoldTheFp32PipelinePerRank) {
    std::mt19937 rng(5);
    const int64_t m = 3, k = 256, n = 5;
    const int world = 4;
    std::vector<AllGatherMatmulRank> ranks(world);
    for (auto &r : ranks) {
        r.x1 = Random(m, k, rng);
        r.x2 = Random(k, n, rng);
        r.bias = std::vector<double>{0.5, -0.25, 1, 2, -3};
    }
    for (int rank = 0; rank < world; ++rank) {
        const Bounds b = AllGatherMatmulOutputBounds(ranks, rank, ACL_FLOAT16);
        ASSERT_EQ(b.rows, m * world);
        ASSERT_EQ(b.cols, n);
        const auto &me = ranks[static_cast<size_t>(rank)];
        for (int64_t i = 0; i < m * world; ++i) {
            const Matrix &x1 = ranks[static_cast<size_t>(i / m)].x1;
            for (int64_t j = 0; j < n; ++j) {
                // Forward and backward fp32 accumulation from the bias, then one rounding.
                float fwd = static_cast<float>((*me.bias)[static_cast<size_t>(j)]), bwd = fwd;
                double exact = (*me.bias)[static_cast<size_t>(j)];
                double abs_sum = std::fabs(exact);
                for (int64_t t = 0; t < k; ++t) {
                    fwd += static_cast<float>(x1.at(i % m, t) * me.x2.at(t, j));
                    bwd += static_cast<float>(x1.at(i % m, k - 1 - t) * me.x2.at(k - 1 - t, j));
                    exact += x1.at(i % m, t) * me.x2.at(t, j);
                    abs_sum += std::fabs(x1.at(i % m, t) * me.x2.at(t, j));
                }
                const size_t e = static_cast<size_t>(i * n + j);
                for (float acc : {fwd, bwd}) {
                    const double y = RoundFp16(static_cast<double>(acc));
                    EXPECT_LE(b.lo[e], y) << i << "," << j;
                    EXPECT_GE(b.hi[e], y) << i << "," << j;
                }
                EXPECT_DOUBLE_EQ(b.exact[e], exact);
                // No wider than the fp32-accumulation bound allows: γ_{k+1}(2^-24)·Σ|terms|
                // around the exact value, then rounded outward to fp16.
                const double u = std::ldexp(1.0, -24);
                const double gamma = static_cast<double>(k + 1) * u / (1 - static_cast<double>(k + 1) * u);
                EXPECT_GE(b.lo[e], RoundFp16(exact - gamma * abs_sum)) << i << "," << j;
                EXPECT_LE(b.hi[e], RoundFp16(exact + gamma * abs_sum)) << i << "," << j;
            }
        }
    }
}

TEST(AllGatherMatmulOracle, AWrongRankOrderFallsOutside) {
    std::mt19937 rng(9);
    std::vector<AllGatherMatmulRank> ranks(2);
    for (auto &r : ranks) {
        r.x1 = Random(2, 256, rng);
        r.x2 = Random(256, 3, rng);
    }
    const Bounds right = AllGatherMatmulOutputBounds(ranks, 0, ACL_FLOAT16);
    std::vector<AllGatherMatmulRank> swapped = {ranks[1], ranks[0]};
    swapped[0].x2 = ranks[0].x2;  // rank 0's own weight, blocks in the wrong order
    const Bounds wrong = AllGatherMatmulOutputBounds(swapped, 0, ACL_FLOAT16);
    int outside = 0;
    for (size_t e = 0; e < right.exact.size(); ++e) {
        outside += wrong.exact[e] < right.lo[e] || wrong.exact[e] > right.hi[e];
    }
    EXPECT_GT(outside, 0);
    EXPECT_THROW(AllGatherMatmulOutputBounds({ranks[0], AllGatherMatmulRank{Random(3, 256, rng), ranks[1].x2, {}}},
                                             0, ACL_FLOAT16),
                 std::invalid_argument);
}

}  // namespace
}  // namespace mc2::oracle
