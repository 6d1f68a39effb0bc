// oracle/internal/rounding.cc — see rounding.h.
#include "oracle/internal/rounding.h"

#include <algorithm>
#include <cmath>
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
