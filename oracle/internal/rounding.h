// oracle/internal/rounding.h — rounding of real values (doubles) and of whole intervals to the
// dtypes the oracle's pipelines pass through: fp16 and bf16 by exact power-of-two scaling in
// double (tested equal to the oracle's codebook codecs, tests/oracle/rounding_test.cc), fp32
// through the C++ double→float conversion (IEEE round-to-nearest-even); nothing from impl/.
// Inline (always: the callers' per-element loops are compiled for several ISAs, see
// oracle/matmul_all_reduce.cc): these run several times per output element.
#ifndef MC2_ORACLE_INTERNAL_ROUNDING_H_
#define MC2_ORACLE_INTERNAL_ROUNDING_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/internal/interval.h"

namespace mc2::oracle::internal {

struct DtypeMath {
    aclDataType dtype;
    double max_finite;     // largest finite value
    double unit_roundoff;  // u = 2^-p for p significand bits (fp16 2^-11, bf16 2^-8, fp32 2^-24)
    double min_normal;     // smallest positive normal value
    int fraction_bits;     // p − 1
    int min_exponent;      // exponent of min_normal
};

// The facts of an output/intermediate dtype; throws std::invalid_argument for anything other
// than ACL_FLOAT16, ACL_BF16, ACL_FLOAT.
const DtypeMath &MathOf(aclDataType dtype);

// The same facts as constants (MathOf returns these), for per-element loops compiled per dtype:
// values from the formats' definitions, fp16 max = (2 − 2^-10)·2^15, bf16 max = (2 − 2^-7)·2^127,
// fp32 max = (2 − 2^-23)·2^127.
inline constexpr DtypeMath kFp16Math{ACL_FLOAT16, 65504.0, 0x1p-11, 0x1p-14, 10, -14};
inline constexpr DtypeMath kBf16Math{ACL_BF16, 0x1.FEp127, 0x1p-8, 0x1p-126, 7, -126};
inline constexpr DtypeMath kFp32Math{ACL_FLOAT, 0x1.FFFFFEp127, 0x1p-24, 0x1p-126, 23, -126};

// 2^e as a double, for e within binary64's normal exponent range.
[[gnu::always_inline]] inline double Pow2(int e) {
    const uint64_t bits = static_cast<uint64_t>(e + 1023) << 52;
    double p;
    std::memcpy(&p, &bits, sizeof p);
    return p;
}

// x rounded to nearest, ties to even, in a binary format with `man` fraction bits, smallest
// normal exponent emin and largest finite value max (fp16: 10, −14, 65504; bf16: 7, −126,
// (2 − 2^-7)·2^127). The format's values in x's binade are the integer multiples of
// q = 2^(max(e, emin) − man), e = x's binary exponent (the subnormal range shares emin's
// spacing), so round(x) = RNE_integer(x/q)·q: x/q and the product back are exact scalings by
// powers of two (|x/q| < 2^(man+1), far from under- and overflow for every double x), and
// (|y| + 2^52) − 2^52 is |y| rounded to an integer, ties to even, by the FPU's own
// round-to-nearest addition (|y| < 2^52). A result above max overflowed: RNE gives ±Inf
// there (the tie at max + ulp/2 rounds to the even 2^(emax+1), which is > max). NaN and ±Inf
// pass through the arithmetic unchanged; −0 and values rounding to zero keep their sign.
// (Without the overflow test: the rounded value, which may exceed max.)
[[gnu::always_inline]] inline double RoundToBinaryUnbounded(double x, int man, int emin) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int e = std::max(static_cast<int>((bits >> 52) & 0x7FF) - 1023, emin);
    const double y = std::fabs(x) * Pow2(man - e);
    return std::copysign((y + 0x1p52) - 0x1p52, x) * Pow2(e - man);
}
[[gnu::always_inline]] inline double RoundToBinary(double x, int man, int emin, double max) {
    const double r = RoundToBinaryUnbounded(x, man, emin);
    return std::fabs(r) > max ? std::copysign(kInf, x) : r;
}

// fp32 round-to-nearest-even. Converting a double outside float's range is undefined in C++, so
// overflow is handled here: RNE sends |x| ≥ max + ulp(max)/2 = 2^128 − 2^103 to Inf (the tie
// goes to the even neighbour 2^128), anything between max and that to max.
[[gnu::always_inline]] inline double RoundFp32(double x) {
    if (std::isnan(x) || std::isinf(x)) return x;
    const double a = std::fabs(x);
    if (a >= 0x1p128 - 0x1p103) return std::copysign(kInf, x);
    if (a > 0x1.FFFFFEp127) return std::copysign(0x1.FFFFFEp127, x);
    return static_cast<double>(static_cast<float>(x));
}

// x rounded to the nearest value of the dtype, ties to even; overflow gives ±Inf (IEEE), NaN
// stays NaN.
[[gnu::always_inline]] inline double RoundNearestEven(const DtypeMath &d, double x) {
    if (d.dtype == ACL_FLOAT) return RoundFp32(x);
    return RoundToBinary(x, d.fraction_bits, d.min_exponent, d.max_finite);
}
// RoundNearestEven for a finite x with |x| ≤ max_finite (no overflow, no NaN): the same bits
// without the range tests (RoundToBinary's result is within ±max_finite; a double within fp32's
// range converts to float without the special cases).
[[gnu::always_inline]] inline double RoundNearestEvenInRange(const DtypeMath &d, double x) {
    if (d.dtype == ACL_FLOAT) return static_cast<double>(static_cast<float>(x));
    return RoundToBinaryUnbounded(x, d.fraction_bits, d.min_exponent);
}
// The same through the oracle's codebook codecs (oracle/codecs): the definition the fast path
// is tested against.
double RoundNearestEvenByCodebook(const DtypeMath &d, double x);

// Lower / upper end of the rounded image of an interval, with the range rules below.
[[gnu::always_inline]] inline double RoundLowerEndpoint(double l, const DtypeMath &d, bool saturate) {
    if (std::isnan(l)) return -kInf;
    if (l < -d.max_finite) return -kInf;  // beyond the range: −Inf admitted
    if (l > d.max_finite) {
        // Every admitted value overflows upward: RNE gives max below the threshold and +Inf
        // from it; a saturating cast gives max.
        return saturate ? d.max_finite : RoundNearestEven(d, l);
    }
    return RoundNearestEven(d, l);
}
[[gnu::always_inline]] inline double RoundUpperEndpoint(double h, const DtypeMath &d, bool saturate) {
    if (std::isnan(h)) return kInf;
    if (h > d.max_finite) return kInf;
    if (h < -d.max_finite) return saturate ? -d.max_finite : RoundNearestEven(d, h);
    return RoundNearestEven(d, h);
}

// The set of values an optional rounding step can produce from values in iv. Rounding is
// monotone, so the images of the endpoints bound the image of the interval; kEither is the
// union with the unrounded interval. Range rules of the contract:
//   - an endpoint beyond ±max_finite admits ±Inf on that side;
//   - with saturation allowed, a lower endpoint above max admits max (and symmetrically);
//   - with subnormal flush allowed, the interval is first widened by min_normal (a flushed
//     result differs from the rounded one by less than that).
// kOrdinary: iv's endpoints are finite with |lo|, |hi| ≤ max_finite / 2 (an ordinary block of
// oracle/matmul_all_reduce.cc); then no range rule applies (the widened endpoints stay within
// ±max_finite, where RNE gives finite values), and each endpoint is RoundNearestEven of itself
// without the range tests — the same bits.
template <bool kOrdinary = false>
[[gnu::always_inline]] inline Interval RoundInterval(const Interval &iv, const DtypeMath &d, Allowance allow, const Contract &contract) {
    if (allow == Allowance::kNo) return iv;
    const Interval src = contract.subnormal_flush_allowed ? Widen<kOrdinary>(iv, d.min_normal) : iv;
    const bool sat = contract.overflow_saturation_allowed;
    Interval r;
    if constexpr (kOrdinary)
        r = Interval{RoundNearestEvenInRange(d, src.lo), RoundNearestEvenInRange(d, src.hi), iv.nan};
    else
        r = Interval{RoundLowerEndpoint(src.lo, d, sat), RoundUpperEndpoint(src.hi, d, sat), iv.nan};
    if (allow == Allowance::kEither) {
        r.lo = std::min(r.lo, iv.lo);
        r.hi = std::max(r.hi, iv.hi);
    }
    return r;
}

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_ROUNDING_H_
