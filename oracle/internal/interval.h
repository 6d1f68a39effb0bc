// oracle/internal/interval.h — rigorous interval arithmetic for the oracle's acceptance
// intervals. Every operation returns a bound that is never on the wrong side of the real
// result: the double result of round-to-nearest is within half an ulp of the real one, so one
// step to the neighbouring double outward always encloses it; sums and products whose exact error is known
// to be zero (TwoSum, fma) are not moved, so exactly representable values stay exact. This
// needs no fesetround, which GCC does not honour without -frounding-math.
// Endpoints may be ±Inf, meaning "infinite values are admitted on that side".
#ifndef MC2_ORACLE_INTERNAL_INTERVAL_H_
#define MC2_ORACLE_INTERNAL_INTERVAL_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace mc2::oracle::internal {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// One step toward -Inf / +Inf; infinities and NaN stay (an infinite endpoint is a statement
// about admitted values, not a rounded number). Equal to std::nextafter(x, ∓Inf) for every
// finite x (tests/oracle/rounding_test.cc checks it), without the library call: a finite
// double's neighbour away from zero is the next integer of its magnitude bits (the largest
// finite steps to Inf), towards zero the previous one; from ±0 the step is the smallest
// subnormal.
[[gnu::always_inline]] inline double StepMagnitude(double x, bool away_from_zero) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    bits = away_from_zero ? bits + 1 : bits - 1;
    std::memcpy(&x, &bits, sizeof bits);
    return x;
}
[[gnu::always_inline]] inline double Down(double x) {
    if (!(std::fabs(x) < kInf)) return x;
    if (x == 0.0) return -std::numeric_limits<double>::denorm_min();
    return StepMagnitude(x, x < 0.0);
}
[[gnu::always_inline]] inline double Up(double x) {
    if (!(std::fabs(x) < kInf)) return x;
    if (x == 0.0) return std::numeric_limits<double>::denorm_min();
    return StepMagnitude(x, x > 0.0);
}

// a + b rounded down / up: the round-to-nearest sum corrected by the sign of its exact error
// (Knuth's TwoSum, error-free without overflow), so an exact sum stays exact. -Inf + +Inf
// (only possible when one operand is an infinite endpoint) gives the widest answer for that
// side.
[[gnu::always_inline]] inline double TwoSumError(double a, double b, double s) {
    const double bb = s - a;
    return (a - (s - bb)) + (b - bb);
}
// Steps a finite, nonzero s by one double when `step`: up (toward +Inf) or down. Branch-free:
// whether a rounded sum or product was inexact, and in which direction, is a coin toss per
// element, so a branch on it would be mispredicted half the time in the per-element loops.
// Moving up from a positive s (or down from a negative one) is +1 on its bits, the other way
// −1 (Up / Down above).
[[gnu::always_inline]] inline double StepIf(double s, bool step, bool up) {
    uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    const bool away = up == (s > 0.0);
    bits += static_cast<uint64_t>(step) * (away ? uint64_t{1} : ~uint64_t{0});
    std::memcpy(&s, &bits, sizeof bits);
    return s;
}
// (A rounded sum s = 0 is always exact — an IEEE addition that underflows is exact — so the
// step never starts from zero.)
[[gnu::always_inline]] inline double AddDown(double a, double b) {
    const double s = a + b;
    if (!(std::fabs(s) < kInf)) return std::isnan(s) ? -kInf : s;
    return StepIf(s, TwoSumError(a, b, s) < 0.0, false);
}
[[gnu::always_inline]] inline double AddUp(double a, double b) {
    const double s = a + b;
    if (!(std::fabs(s) < kInf)) return std::isnan(s) ? kInf : s;
    return StepIf(s, TwoSumError(a, b, s) > 0.0, true);
}
// AddDown / AddUp where a + b is known not to be NaN (no NaN operand, no Inf − Inf), e.g.
// every operand finite: the same bits without the select. The select only maps a NaN sum to
// ∓Inf; an infinite sum is returned by both, since its TwoSum error is NaN and StepIf does not
// step on a false comparison.
[[gnu::always_inline]] inline double AddDownNotNan(double a, double b) {
    const double s = a + b;
    return StepIf(s, TwoSumError(a, b, s) < 0.0, false);
}
[[gnu::always_inline]] inline double AddUpNotNan(double a, double b) {
    const double s = a + b;
    return StepIf(s, TwoSumError(a, b, s) > 0.0, true);
}

// a·b rounded up, for non-negative a, b (0·Inf counts as 0: a zero bound times an unbounded
// factor is only formed when the factor is irrelevant). The fma residual is exact unless the
// product underflows; there one step up is taken regardless. (p > 0 when stepped: a product
// of positive doubles that rounds to 0 is below 2^-960.)
[[gnu::always_inline]] inline double MulUp(double a, double b) {
    if (a == 0.0 || b == 0.0) return 0.0;
    const double p = a * b;
    if (!std::isfinite(p)) return p;
    if (p < 0x1p-960) return Up(p);
    return StepIf(p, std::fma(a, b, -p) > 0.0, true);
}

// MulUp for a, b > 0, neither NaN, whose product is not below 2^-960 (an ordinary block of the
// per-element pass, see oracle/matmul_all_reduce.cc): the same bits without the zero and
// underflow tests (an overflowing product is +Inf in both: its fma residual is −Inf).
[[gnu::always_inline]] inline double MulUpNormal(double a, double b) {
    const double p = a * b;
    return StepIf(p, std::fma(a, b, -p) > 0.0, true);
}

// γ_n(u) = n·u / (1 − n·u) rounded up; +Inf when n·u ≥ 1 (the bound says nothing then).
// n·u is exact (u is a power of two and n < 2^53); 1 − n·u is rounded down before dividing.
inline double GammaUp(int64_t n, double u) {
    if (n <= 0) return 0.0;
    const double nu = static_cast<double>(n) * u;
    if (nu >= 1.0) return kInf;
    return Up(nu / Down(1.0 - nu));
}

// A closed set of admitted values [lo, hi] (extended reals), plus NaN when nan is set.
struct Interval {
    double lo = 0.0;
    double hi = 0.0;
    bool nan = false;
};

inline Interval Everything() { return Interval{-kInf, kInf, true}; }

// The interval widened by e ≥ 0 on both sides, outward. kOrdinary: e > 0 finite and iv's
// endpoints finite (the sums cannot be NaN).
template <bool kOrdinary = false>
[[gnu::always_inline]] inline Interval Widen(const Interval &iv, double e) {
    if constexpr (kOrdinary) return Interval{AddDownNotNan(iv.lo, -e), AddUpNotNan(iv.hi, e), iv.nan};
    if (e == 0.0) return iv;
    return Interval{AddDown(iv.lo, -e), AddUp(iv.hi, e), iv.nan};
}

// The interval shifted by an exact value x.
[[gnu::always_inline]] inline Interval Shift(const Interval &iv, double x) {
    return Interval{AddDown(iv.lo, x), AddUp(iv.hi, x), iv.nan};
}

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_INTERVAL_H_
