// oracle/internal/rounding.cc — see rounding.h (the arithmetic is inline there).
#include "oracle/internal/rounding.h"

#include <stdexcept>
#include <string>

#include "oracle/codecs/codebook.h"

namespace mc2::oracle::internal {
namespace {

// Values from the formats' definitions: fp16 max = (2 − 2^-10)·2^15, bf16 max =
// (2 − 2^-7)·2^127 (fp32: rounding.h).
constexpr DtypeMath kFp16Math{ACL_FLOAT16, 65504.0, 0x1p-11, 0x1p-14, 10, -14};
constexpr DtypeMath kBf16Math{ACL_BF16, 0x1.FEp127, 0x1p-8, 0x1p-126, 7, -126};

}  // namespace

const DtypeMath &MathOf(aclDataType dtype) {
    switch (dtype) {
        case ACL_FLOAT16: return kFp16Math;
        case ACL_BF16: return kBf16Math;
        case ACL_FLOAT: return kFp32Math;
        default:
            throw std::invalid_argument("oracle: unsupported dtype " + std::to_string(static_cast<int>(dtype)));
    }
}

double RoundNearestEvenByCodebook(const DtypeMath &d, double x) {
    switch (d.dtype) {
        case ACL_FLOAT16: return Decode(kFloat16, Encode(kFloat16, x));
        case ACL_BF16: return Decode(kBf16, Encode(kBf16, x));
        default: return RoundFp32(x);
    }
}

}  // namespace mc2::oracle::internal
