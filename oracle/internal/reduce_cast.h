// oracle/internal/reduce_cast.h — the steps after the per-rank values: the sum over ranks in
// the output dtype T or fp32 or exactly (any order / tree, oracle/contract.h "the all-reduce"),
// the final round-to-nearest cast to T with its range rules, and writing an interval into
// Bounds. An operator without a rank reduction (AllGatherMatmul) uses the cast and the store.
#ifndef MC2_ORACLE_INTERNAL_REDUCE_CAST_H_
#define MC2_ORACLE_INTERNAL_REDUCE_CAST_H_

#include <algorithm>
#include <cmath>
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
// kOrdinary: RoundInterval<true>'s condition on iv.
template <bool kOrdinary = false>
[[gnu::always_inline]] inline Interval CastToOutput(const Interval &iv, const DtypeMath &t, const Contract &c) {
    return RoundInterval<kOrdinary>(iv, t, Allowance::kYes, c);
}

// The running state of the all-reduce below, folded one rank at a time (in rank order), so a
// caller may keep it per element instead of every rank's contribution at once.
struct ReductionState {
    double slo = 0.0, shi = 0.0;  // Σ lo_r rounded down, Σ hi_r rounded up
    double alo = 0.0, ahi = 0.0;  // Σ|lo_r|, Σ|hi_r| rounded up
    double pos = 0.0, neg = 0.0;  // Σ max(hi_r, 0) up, Σ min(lo_r, 0) down
    bool nan = false, any_neg_inf = false, any_pos_inf = false;
};

// The all-reduce of R rank contributions followed by the final cast to T.
//
// Every floating-point addition rounds monotonically, so for any fixed reduction tree the
// computed sum of inputs Z_r ∈ [lo_r, hi_r] lies between the computed sums of the lo_r and of
// the hi_r, and those are within γ_{R−1}(u)·Σ|lo_r| (resp. |hi_r|) of the exact sums (Higham
// §4.2: R−1 additions on any path). The same argument bounds every partial sum over a subset
// of ranks by Σ max(hi_r, 0) + γ·Σ|hi_r| (from above) — if that reaches beyond the reduction
// format's max, an intermediate +Inf is possible (similarly −Inf; both → NaN possible).
//
// Holds copies of T's facts and of the contract (no references), so per-element loops can keep
// them in registers: a store into the bounds cannot alias them.
class RankReduction {
  public:
    RankReduction(int64_t world, const DtypeMath &t, const Contract &c);
    // z: one interval per rank (world of them).
    [[gnu::always_inline]] Interval ReduceAndCast(std::span<const Interval> z) const {
        // One rank: no addition happens; 0 + x keeps x except that −0 becomes +0, as the
        // general path's running sum from 0 does.
        if (world_ == 1) return CastWorld1(z[0]);
        ReductionState s;
        for (const Interval &iv : z) Fold(s, iv);
        return Finish(s);
    }

    // The world-1 result of ReduceAndCast.
    [[gnu::always_inline]] Interval CastWorld1(const Interval &z) const { return CastWorld1(z, t_, c_); }
    // The same with T and the contract given by the caller (equal to the constructor's: a
    // per-element loop passes copies the compiler knows, see oracle/matmul_all_reduce.cc).
    // kOrdinary: z's endpoints are finite and within ±max_finite / 2 (CastToOutput<true>).
    template <bool kOrdinary = false>
    [[gnu::always_inline]] static Interval CastWorld1(const Interval &z, const DtypeMath &t, const Contract &c) {
        return CastToOutput<kOrdinary>(Interval{z.lo + 0.0, z.hi + 0.0, z.nan}, t, c);
    }

    // Adds one rank's contribution to s (ranks in order 0, 1, …, world − 1). kOrdinary: iv's
    // endpoints are finite; then no sum is NaN (s's fields never are: AddDown / AddUp do not
    // return NaN), and the additions drop their NaN select (the same bits).
    template <bool kOrdinary = false>
    [[gnu::always_inline]] static void Fold(ReductionState &s, const Interval &iv) {
        s.nan = s.nan || iv.nan;
        s.any_neg_inf = s.any_neg_inf || iv.lo == -kInf;
        s.any_pos_inf = s.any_pos_inf || iv.hi == kInf;
        if constexpr (kOrdinary) {
            s.slo = AddDownNotNan(s.slo, iv.lo);
            s.shi = AddUpNotNan(s.shi, iv.hi);
            s.alo = AddUpNotNan(s.alo, std::fabs(iv.lo));
            s.ahi = AddUpNotNan(s.ahi, std::fabs(iv.hi));
            s.pos = AddUpNotNan(s.pos, std::max(iv.hi, 0.0));
            s.neg = AddDownNotNan(s.neg, std::min(iv.lo, 0.0));
        } else {
            s.slo = AddDown(s.slo, iv.lo);
            s.shi = AddUp(s.shi, iv.hi);
            s.alo = AddUp(s.alo, std::fabs(iv.lo));
            s.ahi = AddUp(s.ahi, std::fabs(iv.hi));
            s.pos = AddUp(s.pos, std::max(iv.hi, 0.0));
            s.neg = AddDown(s.neg, std::min(iv.lo, 0.0));
        }
    }

    // Fold(s, iv) for s = ReductionState{} (rank 0), without its additions: each is 0 + x
    // (x an endpoint of iv, |x|, max(hi, 0) or min(lo, 0)), exact, so AddUp and AddDown return
    // x + 0.0 (−0 becomes +0; ±Inf stays). Equal to Fold for every iv whose endpoints are not
    // NaN (the one case where AddDown/AddUp answer ∓Inf): every interval the rounding and
    // interval steps produce (RoundInterval, Widen, Shift and Everything never give a NaN
    // endpoint).
    [[gnu::always_inline]] static ReductionState Start(const Interval &iv) {
        return ReductionState{iv.lo + 0.0,
                              iv.hi + 0.0,
                              std::fabs(iv.lo) + 0.0,
                              std::fabs(iv.hi) + 0.0,
                              std::max(iv.hi, 0.0) + 0.0,
                              std::min(iv.lo, 0.0) + 0.0,
                              iv.nan,
                              iv.lo == -kInf,
                              iv.hi == kInf};
    }

    // The reduced and cast interval once every rank is folded into s (world ≥ 2).
    [[gnu::always_inline]] Interval Finish(const ReductionState &s) const { return Finish(s, t_, c_); }
    // kOrdinary: OrdinaryFinish() holds and s is OrdinaryState (t: the constructor's T).
    template <bool kOrdinary = false>
    [[gnu::always_inline]] Interval Finish(const ReductionState &s, const DtypeMath &t, const Contract &c) const {
        if constexpr (kOrdinary) return FinishOrdinary(s, t, c);
        const bool nan = s.nan || (world_ >= 2 && s.any_neg_inf && s.any_pos_inf);
        Interval f{s.slo, s.shi, nan};
        if (world_ >= 2 && g_ > 0.0) {
            if (std::isfinite(s.slo)) f.lo = AddDown(s.slo, -MulUp(g_, s.alo));
            if (std::isfinite(s.shi)) f.hi = AddUp(s.shi, MulUp(g_, s.ahi));
            // Flushed subnormal partial sums lose < min_normal each (R − 1 additions).
            if (c.subnormal_flush_allowed) f = Widen(f, flush_widening_);
        }
        bool pos_overflow = false, neg_overflow = false;
        if (world_ >= 2 && c.reduction != ReductionPrecision::kExact) {
            pos_overflow = AddUp(s.pos, MulUp(g_, s.ahi)) > red_max_;
            neg_overflow = AddDown(s.neg, -MulUp(g_, s.alo)) < -red_max_;
        }
        f = CastToOutput(f, t, c);
        if (pos_overflow) f.hi = kInf;
        if (neg_overflow) f.lo = -kInf;
        if (pos_overflow && neg_overflow) f.nan = true;
        return f;
    }

    // The ordinary end of the reduction: Finish's result, bit for bit, without its NaN, Inf,
    // zero, underflow and overflow selects, for a state whose every rank was finite and small
    // (OrdinaryState) under a bound γ of the usual size (OrdinaryFinish). Why nothing else
    // changes, with M = max_T / 8 and |slo|, |shi|, alo, ahi, pos, |neg| ≤ M:
    //  - no flag is set, so the result admits no NaN and slo, shi are finite (the isfinite
    //    tests hold);
    //  - γ ∈ [2^-60, 1] (so γ > 0: the widening happens in both) and alo, ahi ≥ 2^-800: γ·alo,
    //    γ·ahi are ≥ 2^-860 (no zero operand, no product below MulUp's 2^-960 underflow step)
    //    and ≤ M (finite): MulUpNormal is MulUp. (An exact reduction has γ = GammaUp(R − 1, 0),
    //    the smallest subnormal: no fast path.)
    //  - every sum then has finite operands (not NaN): the NotNan additions are AddDown/AddUp;
    //    |lo|, |hi| ≤ 2M = max_T / 4 before the flush widening ((R − 1)·min_normal of the
    //    reduction format, below its min_normal / (2u) since γ ≤ 1 means (R − 1)·u ≤ 1/2: tiny),
    //    so within ±max_T / 2: CastToOutput<true> is CastToOutput (RoundInterval<true>'s
    //    condition);
    //  - the overflow tests compare pos + γ·ahi ≤ 2M (resp. neg − γ·alo ≥ −2M) with the
    //    reduction format's max ≥ max_T (the reduction is in T or wider): both false.
    bool OrdinaryFinish() const { return world_ >= 2 && g_ >= 0x1p-60 && g_ <= 1.0; }
    // Whether s meets the conditions above for output dtype t (false for any NaN field). The
    // flags are summed as integers so that a block's test is one vectorised loop.
    [[gnu::always_inline]] static bool OrdinaryState(const ReductionState &s, const DtypeMath &t) {
        const double m = t.max_finite / 8;  // exact: a power-of-two division
        return !(s.nan | s.any_neg_inf | s.any_pos_inf) & (std::fabs(s.slo) <= m) & (std::fabs(s.shi) <= m) &
               (s.alo >= 0x1p-800) & (s.alo <= m) & (s.ahi >= 0x1p-800) & (s.ahi <= m) & (s.pos <= m) &
               (s.neg >= -m);
    }

    int64_t world() const { return world_; }

  private:
    // Finish for an ordinary state (OrdinaryFinish, OrdinaryState): the same operations in the
    // same order on the same operands, minus the selects the conditions rule out.
    [[gnu::always_inline]] Interval FinishOrdinary(const ReductionState &s, const DtypeMath &t,
                                                   const Contract &c) const {
        Interval f{AddDownNotNan(s.slo, -MulUpNormal(g_, s.alo)), AddUpNotNan(s.shi, MulUpNormal(g_, s.ahi)), false};
        if (c.subnormal_flush_allowed) f = Widen<true>(f, flush_widening_);
        return CastToOutput<true>(f, t, c);
    }

    int64_t world_;
    DtypeMath t_;
    Contract c_;
    double g_ = 0.0;
    double red_max_ = kInf;
    double red_min_normal_ = 0.0;
    double flush_widening_ = 0.0;  // Up((R − 1)·min_normal of the reduction format)
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
