// oracle/internal/accumulator.h — what an implementation's accumulator may make of a k-sum: the
// contract's bound on its rounding error (γ_{n−1}(u_acc), or the statistical bound), underflow
// and overflow, as the interval of values the accumulator may hold (oracle/contract.h, "the
// k-sum"). The per-sum constants are computed once per product, not per element.
#ifndef MC2_ORACLE_INTERNAL_ACCUMULATOR_H_
#define MC2_ORACLE_INTERNAL_ACCUMULATOR_H_

#include <cstdint>

#include "oracle/contract.h"
#include "oracle/internal/interval.h"
#include "oracle/internal/k_sum.h"

namespace mc2::oracle::internal {

// The accumulator's relative bound for n terms: γ_{n−1}(u) (n − 1 additions on any path of any
// tree, every product exact in fp32 for fp16/bf16 inputs in the normal range), or at the
// statistical level min(γ_{n−1}, γ̃_n(λ)), γ̃_n(λ) = exp(λ√n·u + n·u²/(1−u)) − 1 (Higham & Mary
// 2019), evaluated with a relative margin of 1e-9 (it is not used for pass/fail).
double AccumulatorGamma(int64_t n_terms, const Contract &c);

class AccumulatorBound {
  public:
    // A sum of k products (fp32 products of fp16/bf16 values) plus, when has_bias, one term.
    AccumulatorBound(int64_t k, bool has_bias, const Contract &c);
    explicit AccumulatorBound(const KSums &sums, const Contract &c)
        : AccumulatorBound(sums.k(), sums.has_bias(), c) {}

    // The values the accumulator may hold for a k-sum enclosed by v: [lo − e, hi + e] with
    // e = γ·S + the underflow term; Everything() when a partial sum may overflow fp32.
    // kOrdinary: v is finite with 2^-900 ≤ abs_up ≤ 2^125 and ordinary() holds (an ordinary
    // block of oracle/matmul_all_reduce.cc): then e is finite and > 0, every sum finite, and
    // the same bits come without the zero, underflow and NaN tests.
    template <bool kOrdinary = false>
    [[gnu::always_inline]] Interval Enclose(const KSumElement &v) const {
        if constexpr (kOrdinary) {
            // (No overflow: MulUp(abs_up, Up(1 + γ)) ≤ RU(2^125·(2 + 2^-51)) < the threshold.)
            const double e = AddUpNotNan(MulUpNormal(g_, v.abs_up), underflow_);
            return Widen<true>(Interval{v.lo, v.hi, false}, e);
        }
        // Every partial sum of the accumulator is bounded by (1 + g)·S; below fp32's overflow
        // threshold nothing overflows, otherwise ±Inf and Inf − Inf = NaN are possible. The
        // test is MulUp(abs_up, 1 + g) < threshold, as one comparison: MulUp(·, b) is
        // non-decreasing, so it holds exactly for abs_up ≤ overflow_limit_ (and for no NaN).
        if (!(v.abs_up <= overflow_limit_)) return Everything();
        const double e = AddUp(MulUp(g_, v.abs_up), underflow_);
        return Widen(Interval{v.lo, v.hi, false}, e);
    }

    double gamma() const { return g_; }
    // Whether Enclose<true> may be used (with its conditions on v): 2^-60 ≤ γ ≤ 1, so that
    // γ·abs_up neither underflows nor leaves the double range, and e ≤ abs_up + underflow.
    bool ordinary() const { return g_ >= 0x1p-60 && g_ <= 1.0; }

  private:
    static double OverflowLimit(double b);
    // fp32 overflow threshold of round-to-nearest: max + ulp(max)/2 = 2^128 − 2^103.
    static constexpr double kFp32OverflowThreshold = 0x1p128 - 0x1p103;
    double g_ = 0.0;
    double one_plus_g_up_ = 1.0;
    // The largest double x with MulUp(x, one_plus_g_up_) < kFp32OverflowThreshold (≥ 0).
    double overflow_limit_ = 0.0;
    double underflow_ = 0.0;
};

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_ACCUMULATOR_H_
