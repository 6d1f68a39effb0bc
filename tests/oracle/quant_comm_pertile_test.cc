// tests/oracle/quant_comm_pertile_test.cc — the oracle's pertile FP8 communication model (ops.md
// §4.3) against values worked out by hand from the documented steps: the RINT cast to FP8 with
// the multiplier fpMax/amax, the fixed pairwise fp32 tree (which a left-to-right sum and a
// tree without the odd-count fold both miss), the requantisation (which skipping it misses), an
// all-zero tile, and the enclosure containing the exact model around random partials.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "oracle/quant_matmul_all_reduce_v4.h"

namespace mc2::oracle {
namespace {

using Tiles = std::vector<std::vector<double>>;

TEST(PertileModel, QuantisesWithTheMultiplierAndRint) {
    // Rank 0: amax 448, so s = 1: 448 and 1 are E4M3FN values; 0.3 lies between 0.28125 and
    // 0.3125 (spacing 2^-5 in [0.25, 0.5)) and rounds to the nearer 0.3125. Rank 1 is all zero:
    // amax := fpMax, s = 1, q = 0. Sum and requantisation (amax 448 again) keep the values.
    const std::vector<double> out = PertileTile(Tiles{{448, 1, 0.3}, {0, 0, 0}}, ACL_FLOAT8_E4M3FN);
    EXPECT_EQ(out, (std::vector<double>{448, 1, 0.3125}));
    // E5M2 (fpMax 57344, 2 fraction bits): 0.3 → 0.3125 (step 2^-4 in [0.25, 0.5)); 1.1 → 1.0.
    const std::vector<double> e5 = PertileTile(Tiles{{57344, 1.1, 0.3}}, ACL_FLOAT8_E5M2);
    EXPECT_EQ(e5, (std::vector<double>{57344, 1.0, 0.3125}));
}

TEST(PertileModel, ReducesByTheFixedPairwiseTree) {
    // One-column tiles of powers of two survive quantisation exactly (q = fpMax, s = fpMax/|x|).
    const double tiny = std::ldexp(1.0, -30);  // below half an fp32 ulp of 1
    // Four ranks: (tiny + 1) + (-1 + tiny) = 1 - 1 = 0; left to right gives ((tiny+1)-1)+tiny = tiny.
    EXPECT_EQ(PertileTile(Tiles{{tiny}, {1}, {-1}, {tiny}}, ACL_FLOAT8_E4M3FN), std::vector<double>{0.0});
    // Three ranks: the odd count first folds rank 2 into rank 1: tiny + (1 + -1) = tiny; left to
    // right and (x0 + x1) + x2 both give 0.
    EXPECT_EQ(PertileTile(Tiles{{tiny}, {1}, {-1}}, ACL_FLOAT8_E4M3FN), std::vector<double>{tiny});
}

TEST(PertileModel, RequantisesTheReducedTile) {
    // Rank 0 {1, 1} (s = 448), rank 1 {2^-4, 0} (s = 7168): dequantised exactly; the sums
    // {1.0625, 1} are requantised with s = RN32(448 / 1.0625): 1.0625·s rounds to 448, and 1·s
    // = 421.65 lies between the E4M3FN values 416 and 448 (step 32) and rounds to 416.
    const float s = 448.0f / 1.0625f;
    const std::vector<double> out = PertileTile(Tiles{{1, 1}, {0.0625, 0}}, ACL_FLOAT8_E4M3FN);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], static_cast<double>(448.0f / s));
    EXPECT_EQ(out[1], static_cast<double>(416.0f / s));
    EXPECT_NE(out[1], 1.0);  // skipping the requantisation would keep 1
}

TEST(PertileModel, ZeroTilesStayZero) {
    EXPECT_EQ(PertileTile(Tiles{{0, 0}, {0, -0.0}}, ACL_FLOAT8_E5M2), (std::vector<double>{0, 0}));
}

TEST(PertileModel, EnclosureContainsTheModel) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 3.0);
    for (aclDataType fp8 : {ACL_FLOAT8_E4M3FN, ACL_FLOAT8_E5M2}) {
        for (int trial = 0; trial < 200; ++trial) {
            const size_t world = 1 + trial % 8, cols = 1 + trial % 128;
            Tiles lo(world), hi(world), pick(world);
            for (size_t r = 0; r < world; ++r) {
                for (size_t j = 0; j < cols; ++j) {
                    const double v = static_cast<double>(static_cast<float>(normal(rng) * std::ldexp(1.0, trial % 7 - 3)));
                    const double w = std::fabs(v) * 1e-6;
                    lo[r].push_back(static_cast<double>(static_cast<float>(v - w)));
                    hi[r].push_back(static_cast<double>(static_cast<float>(v + w)));
                    pick[r].push_back(trial % 2 == 0 ? lo[r].back() : v);
                }
            }
            std::vector<double> elo, ehi;
            PertileTileEnclosure(lo, hi, fp8, &elo, &ehi);
            const std::vector<double> exact = PertileTile(pick, fp8);
            for (size_t j = 0; j < cols; ++j) {
                EXPECT_LE(elo[j], exact[j]) << trial << " " << j;
                EXPECT_GE(ehi[j], exact[j]) << trial << " " << j;
            }
        }
    }
}

TEST(PertileModel, RefusesOtherFormats) {
    EXPECT_THROW(PertileTile(Tiles{{1}}, ACL_HIFLOAT8), std::invalid_argument);
}

}  // namespace
}  // namespace mc2::oracle
