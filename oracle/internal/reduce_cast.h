// oracle/internal/reduce_cast.h — the steps after the per-rank values: the sum over ranks in
// the output dtype T or fp32 or exactly (any order / tree, oracle/contract.h "the all-reduce"),
// the final round-to-nearest cast to T with its range rules, and writing an interval into
// Bounds. An operator without a rank reduction (AllGatherMatmul) uses the cast and the store.
#ifndef MC2_ORACLE_INTERNAL_REDUCE_CAST_H_
#define MC2_ORACLE_INTERNAL_REDUCE_CAST_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "oracle/contract.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/rounding.h"
#include "oracle/reference.h"

namespace mc2::oracle::internal {

// The final cast of a real interval to T: round to nearest, ties to even, with the contract's
// range rules (rounding.h RoundInterval).
[[gnu::always_inline]] inline Interval CastToOutput(const Interval &iv, const DtypeMath &t, const Contract &c) {
    return RoundInterval(iv, t, Allowance::kYes, c);
}

// The all-reduce of R rank contributions followed by the final cast to T.
//
// Every floating-point addition rounds monotonically, so for any fixed reduction tree the
// computed sum of inputs Z_r ∈ [lo_r, hi_r] lies between the computed sums of the lo_r and of
// the hi_r, and those are within γ_{R−1}(u)·Σ|lo_r| (resp. |hi_r|) of the exact sums (Higham
// §4.2: R−1 additions on any path). The same argument bounds every partial sum over a subset
// of ranks by Σ max(hi_r, 0) + γ·Σ|hi_r| (from above) — if that reaches beyond the reduction
// format's max, an intermediate +Inf is possible (similarly −Inf; both → NaN possible).
class RankReduction {
  public:
    RankReduction(int64_t world, const DtypeMath &t, const Contract &c);
    // z: one interval per rank (world of them).
    [[gnu::always_inline]] Interval ReduceAndCast(std::span<const Interval> z) const {
        // One rank: no addition happens; 0 + x keeps x except that −0 becomes +0, as the
        // general path's running sum from 0 does.
        if (world_ == 1) return CastToOutput(Interval{z[0].lo + 0.0, z[0].hi + 0.0, z[0].nan}, t_, c_);
        return ReduceAndCastRanks(z);
    }

  private:
    Interval ReduceAndCastRanks(std::span<const Interval> z) const;
    int64_t world_;
    const DtypeMath &t_;
    const Contract &c_;
    double g_ = 0.0;
    double red_max_ = kInf;
    double red_min_normal_ = 0.0;
};

// Writes an element's admitted set into b.lo / b.hi at e: when NaN is admitted the whole
// extended line is (the comparator reads [−Inf, +Inf] as "anything").
inline void StoreInterval(const Interval &f, size_t e, Bounds &b) {
    if (f.nan) {
        b.lo[e] = -kInf;
        b.hi[e] = kInf;
    } else {
        b.lo[e] = f.lo;
        b.hi[e] = f.hi;
    }
}

// Bounds of the right shape and dtype, every vector sized (values unspecified until written).
Bounds ShapedBounds(int64_t rows, int64_t cols, aclDataType dtype);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_REDUCE_CAST_H_
