// tests/oracle/reduction_fast_path_test.cc — the ordinary end of the reduction
// (RankReduction::Finish<true>, taken by a block whose every state is OrdinaryState) gives the
// bits of the general Finish, and a block that leaves the fast path gives its other elements
// the bits they had on it. Expected values are the general path's own: the claim tested is
// "the same bits on both paths", not any interval's value (the other oracle tests check those).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "oracle/codecs/codebook.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/reduce_cast.h"
#include "oracle/internal/rounding.h"
#include "oracle/matmul_all_reduce.h"

namespace mc2::oracle {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every contract field the reduction's end reads, in each combination.
std::vector<Contract> Contracts() {
    std::vector<Contract> out;
    for (const ReductionPrecision red :
         {ReductionPrecision::kOutputOrWider, ReductionPrecision::kFp32OrWider, ReductionPrecision::kExact})
        for (const bool flush : {false, true})
            for (const bool saturate : {false, true}) {
                Contract c;
                c.reduction = red;
                c.subnormal_flush_allowed = flush;
                c.overflow_saturation_allowed = saturate;
                out.push_back(c);
            }
    return out;
}

// A state as Fold builds it from `world` finite rank intervals [lo_r, hi_r].
internal::ReductionState Folded(const std::vector<internal::Interval> &z) {
    internal::ReductionState s = internal::RankReduction::Start(z[0]);
    for (size_t r = 1; r < z.size(); ++r) internal::RankReduction::Fold(s, z[r]);
    return s;
}

// Random rank intervals of magnitude up to `mag`, sometimes zero, tiny, exact or rounded to T.
std::vector<internal::Interval> RankIntervals(std::mt19937_64 &rng, int world, double mag, aclDataType t) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<internal::Interval> z;
    for (int r = 0; r < world; ++r) {
        double a = u(rng) * mag, b = a + std::fabs(u(rng)) * mag * 0x1p-10;
        switch (rng() % 8) {
            case 0: a = b = 0.0; break;
            case 1: {  // around the 2^-800 edge of alo / ahi
                const int down = static_cast<int>(std::ilogb(mag)) + 700 + static_cast<int>(rng() % 200);
                a = std::ldexp(a, -down), b = std::ldexp(b, -down);
                break;
            }
            case 2: a = b = Decode(t == ACL_BF16 ? kBf16 : kFloat16, Encode(t == ACL_BF16 ? kBf16 : kFloat16, a)); break;
            default: break;
        }
        z.push_back(internal::Interval{std::min(a, b), std::max(a, b), false});
    }
    return z;
}

// Finish<true> against Finish on every state OrdinaryState admits, for the three output dtypes,
// worlds 2–8 and every contract: the same bits, or the fast path changed an interval. Magnitudes
// straddle the admission edge max_T / 8 so that both answers of OrdinaryState occur.
TEST(ReductionFastPath, OrdinaryFinishIsFinishBitForBit) {
    std::mt19937_64 rng(20261206);
    int ordinary = 0, general = 0;
    for (const aclDataType t : {ACL_FLOAT16, ACL_BF16, ACL_FLOAT}) {
        const internal::DtypeMath &d = internal::MathOf(t);
        for (const Contract &c : Contracts())
            for (int world = 2; world <= 8; ++world) {
                const internal::RankReduction red(world, d, c);
                // An exact reduction's γ is the smallest subnormal (GammaUp(R − 1, 0)): no fast path.
                ASSERT_EQ(red.OrdinaryFinish(), c.reduction != ReductionPrecision::kExact)
                    << "dtype " << t << " world " << world;
                if (!red.OrdinaryFinish()) continue;
                for (int trial = 0; trial < 600; ++trial) {
                    const double mag = std::ldexp(d.max_finite, -static_cast<int>(rng() % 40) - 2);
                    const internal::ReductionState s = Folded(RankIntervals(rng, world, mag, t));
                    if (!internal::RankReduction::OrdinaryState(s, d)) {
                        ++general;
                        continue;
                    }
                    ++ordinary;
                    const internal::Interval fast = red.Finish<true>(s, d, c), slow = red.Finish(s, d, c);
                    ASSERT_TRUE(SameBits(fast.lo, slow.lo) && SameBits(fast.hi, slow.hi) && fast.nan == slow.nan)
                        << "dtype " << t << " world " << world << " reduction " << static_cast<int>(c.reduction)
                        << " flush " << c.subnormal_flush_allowed << " lo " << fast.lo << " / " << slow.lo
                        << " hi " << fast.hi << " / " << slow.hi;
                }
            }
    }
    // Both answers of the admission test occurred often (so the loop above tested something).
    EXPECT_GT(ordinary, 20000);
    EXPECT_GT(general, 1000);
}

// The admission test's edges: each condition of OrdinaryState on its own rejects the state.
TEST(ReductionFastPath, OrdinaryStateRejectsEachConditionAlone) {
    const internal::DtypeMath &d = internal::MathOf(ACL_FLOAT16);
    const double m = d.max_finite / 8;
    const internal::ReductionState ok{-m, m, m, m, m, -m, false, false, false};
    EXPECT_TRUE(internal::RankReduction::OrdinaryState(ok, d));
    auto with = [&](auto change) {
        internal::ReductionState s = ok;
        change(s);
        return internal::RankReduction::OrdinaryState(s, d);
    };
    const double above = std::nextafter(m, kInf);
    EXPECT_FALSE(with([&](auto &s) { s.slo = -above; }));
    EXPECT_FALSE(with([&](auto &s) { s.shi = above; }));
    EXPECT_FALSE(with([&](auto &s) { s.alo = above; }));
    EXPECT_FALSE(with([&](auto &s) { s.ahi = above; }));
    EXPECT_FALSE(with([&](auto &s) { s.pos = above; }));
    EXPECT_FALSE(with([&](auto &s) { s.neg = -above; }));
    EXPECT_FALSE(with([&](auto &s) { s.alo = std::nextafter(0x1p-800, 0.0); }));
    EXPECT_FALSE(with([&](auto &s) { s.ahi = std::nextafter(0x1p-800, 0.0); }));
    EXPECT_TRUE(with([&](auto &s) { s.alo = s.ahi = 0x1p-800; }));
    EXPECT_FALSE(with([&](auto &s) { s.nan = true; }));
    EXPECT_FALSE(with([&](auto &s) { s.any_neg_inf = true; }));
    EXPECT_FALSE(with([&](auto &s) { s.any_pos_inf = true; }));
    EXPECT_FALSE(with([&](auto &s) { s.slo = std::nan(""); }));
    // γ outside [2^-60, 1] (a world too large for the reduction's precision) has no fast path.
    EXPECT_FALSE(internal::RankReduction(4096, d, Contract{}).OrdinaryFinish());
    EXPECT_TRUE(internal::RankReduction(2, d, Contract{}).OrdinaryFinish());
}

// The whole pass: a case, then the same case with one column j0 changed so that the block of
// 128 columns holding j0 leaves a fast path — (a) every rank's bias at j0 large enough that the
// reduced sum passes max_T / 8 (ranks ordinary, the reduction's end general), (b) +Inf in one
// rank's x2 column j0 (that rank's stage and the end general), (c) a zero x2 column j0 on one
// rank (Σ|products| = 0: that rank's stage general). Every element outside column j0 depends
// only on its own row and column, so it must keep its bits; worlds 3 and 4 run the per-rank
// pass, 5 the folded one.
TEST(ReductionFastPath, ABlockLeavingTheFastPathKeepsItsOtherElementsBits) {
    const int64_t m = 3, k = 64, n = 300, j0 = 140;  // j0 in the second block; the third is partial
    for (const int world : {3, 4, 5})
        for (const char variant : {'a', 'b', 'c'}) {
            std::mt19937_64 rng(static_cast<uint64_t>(world) * 31 + static_cast<uint64_t>(variant));
            std::normal_distribution<double> normal(0.0, 1.0);
            auto fp16 = [&] { return Decode(kFloat16, Encode(kFloat16, normal(rng))); };
            std::vector<MatmulAllReduceRank> ranks;
            for (int r = 0; r < world; ++r) {
                MatmulAllReduceRank rk;
                rk.x1 = Matrix{m, k, {}};
                rk.x2 = Matrix{k, n, {}};
                for (int64_t q = 0; q < m * k; ++q) rk.x1.v.push_back(fp16());
                for (int64_t q = 0; q < k * n; ++q) rk.x2.v.push_back(fp16());
                rk.bias = std::vector<double>(static_cast<size_t>(n));
                for (double &b : *rk.bias) b = fp16();
                ranks.push_back(rk);
            }
            std::vector<MatmulAllReduceRank> changed = ranks;
            switch (variant) {
                case 'a':  // 3 · 3000 > 8188 = 65504 / 8; 3000 ≤ 65504 / 16 keeps each rank ordinary
                    for (auto &rk : changed) (*rk.bias)[j0] = 3000.0;
                    break;
                case 'b': changed[1].x2.v[static_cast<size_t>(5 * n + j0)] = kInf; break;
                case 'c':
                    for (int64_t q = 0; q < k; ++q) changed[1].x2.v[static_cast<size_t>(q * n + j0)] = 0.0;
                    break;
            }
            for (const Contract &c : Contracts()) {
                const Bounds before = MatmulAllReduceBounds(ranks, ACL_FLOAT16, c);
                const Bounds after = MatmulAllReduceBounds(changed, ACL_FLOAT16, c);
                for (int64_t i = 0; i < m; ++i)
                    for (int64_t j = 0; j < n; ++j) {
                        if (j == j0) continue;
                        const size_t e = static_cast<size_t>(i * n + j);
                        ASSERT_TRUE(SameBits(before.lo[e], after.lo[e]) && SameBits(before.hi[e], after.hi[e]) &&
                                    SameBits(before.exact[e], after.exact[e]) &&
                                    SameBits(before.scale[e], after.scale[e]))
                            << "world " << world << " variant " << variant << " reduction "
                            << static_cast<int>(c.reduction) << " flush " << c.subnormal_flush_allowed
                            << " element (" << i << ", " << j << ")";
                    }
            }
        }
}

}  // namespace
}  // namespace mc2::oracle
