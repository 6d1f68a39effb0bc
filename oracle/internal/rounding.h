// oracle/internal/rounding.h — rounding of real values (doubles) and of whole intervals to the
// dtypes the oracle's pipelines pass through (fp16, bf16 through the oracle's own codebook
// codecs; fp32 through the C++ double→float conversion, which is IEEE round-to-nearest-even
// and shares nothing with impl/).
#ifndef MC2_ORACLE_INTERNAL_ROUNDING_H_
#define MC2_ORACLE_INTERNAL_ROUNDING_H_

#include "acl/acl_base.h"
#include "oracle/contract.h"
#include "oracle/internal/interval.h"

namespace mc2::oracle::internal {

struct DtypeMath {
    aclDataType dtype;
    double max_finite;     // largest finite value
    double unit_roundoff;  // u = 2^-p for p significand bits (fp16 2^-11, bf16 2^-8, fp32 2^-24)
    double min_normal;     // smallest positive normal value
};

// The facts of an output/intermediate dtype; throws std::invalid_argument for anything other
// than ACL_FLOAT16, ACL_BF16, ACL_FLOAT.
const DtypeMath &MathOf(aclDataType dtype);

// x rounded to the nearest value of the dtype, ties to even; overflow gives ±Inf (IEEE), NaN
// stays NaN. fp16 / bf16 by exact power-of-two scaling in double (rounding.cc), which must
// equal RoundNearestEvenByCodebook everywhere (tests/oracle/rounding_test.cc).
double RoundNearestEven(const DtypeMath &d, double x);
// The same through the oracle's codebook codecs (oracle/codecs): the definition the fast path
// is tested against.
double RoundNearestEvenByCodebook(const DtypeMath &d, double x);

// The set of values an optional rounding step can produce from values in iv. Rounding is
// monotone, so the images of the endpoints bound the image of the interval; kEither is the
// union with the unrounded interval. Range rules of the contract:
//   - an endpoint beyond ±max_finite admits ±Inf on that side;
//   - with saturation allowed, a lower endpoint above max admits max (and symmetrically);
//   - with subnormal flush allowed, the interval is first widened by min_normal (a flushed
//     result differs from the rounded one by less than that).
Interval RoundInterval(const Interval &iv, const DtypeMath &d, Allowance allow,
                       const Contract &contract);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_ROUNDING_H_
