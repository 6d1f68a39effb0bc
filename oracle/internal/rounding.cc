// oracle/internal/rounding.cc — see rounding.h.
#include "oracle/internal/rounding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "oracle/codecs/codebook.h"

namespace mc2::oracle::internal {
namespace {

// Values from the formats' definitions: fp16 max = (2 − 2^-10)·2^15, bf16 max =
// (2 − 2^-7)·2^127, fp32 max = (2 − 2^-23)·2^127.
constexpr DtypeMath kFp16Math{ACL_FLOAT16, 65504.0, 0x1p-11, 0x1p-14};
constexpr DtypeMath kBf16Math{ACL_BF16, 0x1.FEp127, 0x1p-8, 0x1p-126};
constexpr DtypeMath kFp32Math{ACL_FLOAT, 0x1.FFFFFEp127, 0x1p-24, 0x1p-126};

double RoundFp32(double x) {
    if (std::isnan(x) || std::isinf(x)) return x;
    // Converting a double outside float's range is undefined in C++, so overflow is handled
    // here: RNE sends |x| ≥ max + ulp(max)/2 = 2^128 − 2^103 to Inf (the tie goes to the even
    // neighbour 2^128), anything between max and that to max.
    const double a = std::fabs(x);
    if (a >= 0x1p128 - 0x1p103) return std::copysign(kInf, x);
    if (a > kFp32Math.max_finite) return std::copysign(kFp32Math.max_finite, x);
    return static_cast<double>(static_cast<float>(x));
}

// 2^e as a double, for e within binary64's normal exponent range.
double Pow2(int e) {
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
// tests/oracle/rounding_test.cc compares it with the codebook codecs over every float in the
// ranges around each binade edge and on both sides of every decision boundary.
double RoundToBinary(double x, int man, int emin, double max) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int e = std::max(static_cast<int>((bits >> 52) & 0x7FF) - 1023, emin);
    const double y = std::fabs(x) * Pow2(man - e);
    const double r = std::copysign((y + 0x1p52) - 0x1p52, x) * Pow2(e - man);
    return std::fabs(r) > max ? std::copysign(kInf, x) : r;
}

double RoundLowerEndpoint(double l, const DtypeMath &d, bool saturate) {
    if (std::isnan(l)) return -kInf;
    if (l < -d.max_finite) return -kInf;  // beyond the range: −Inf admitted
    if (l > d.max_finite) {
        // Every admitted value overflows upward: RNE gives max below the threshold and +Inf
        // from it; a saturating cast gives max.
        return saturate ? d.max_finite : RoundNearestEven(d, l);
    }
    return RoundNearestEven(d, l);
}

double RoundUpperEndpoint(double h, const DtypeMath &d, bool saturate) {
    if (std::isnan(h)) return kInf;
    if (h > d.max_finite) return kInf;
    if (h < -d.max_finite) return saturate ? -d.max_finite : RoundNearestEven(d, h);
    return RoundNearestEven(d, h);
}

}  // namespace

const DtypeMath &MathOf(aclDataType dtype) {
    switch (dtype) {
        case ACL_FLOAT16: return kFp16Math;
        case ACL_BF16: return kBf16Math;
        case ACL_FLOAT: return kFp32Math;
        default:
            throw std::invalid_argument("oracle: unsupported dtype " +
                                        std::to_string(static_cast<int>(dtype)));
    }
}

double RoundNearestEven(const DtypeMath &d, double x) {
    switch (d.dtype) {
        case ACL_FLOAT16: return RoundToBinary(x, 10, -14, d.max_finite);
        case ACL_BF16: return RoundToBinary(x, 7, -126, d.max_finite);
        default: return RoundFp32(x);
    }
}

double RoundNearestEvenByCodebook(const DtypeMath &d, double x) {
    switch (d.dtype) {
        case ACL_FLOAT16: return Decode(kFloat16, Encode(kFloat16, x));
        case ACL_BF16: return Decode(kBf16, Encode(kBf16, x));
        default: return RoundFp32(x);
    }
}

Interval RoundInterval(const Interval &iv, const DtypeMath &d, Allowance allow,
                       const Contract &contract) {
    if (allow == Allowance::kNo) return iv;
    const Interval src = contract.subnormal_flush_allowed ? Widen(iv, d.min_normal) : iv;
    const bool sat = contract.overflow_saturation_allowed;
    Interval r{RoundLowerEndpoint(src.lo, d, sat), RoundUpperEndpoint(src.hi, d, sat), iv.nan};
    if (allow == Allowance::kEither) {
        r.lo = std::min(r.lo, iv.lo);
        r.hi = std::max(r.hi, iv.hi);
    }
    return r;
}

}  // namespace mc2::oracle::internal
