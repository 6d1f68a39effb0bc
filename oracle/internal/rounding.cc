// oracle/internal/rounding.cc — see rounding.h (the arithmetic is inline there).
#include "oracle/internal/rounding.h"

#include <stdexcept>
#include <string>

#include "oracle/codecs/codebook.h"

namespace mc2::oracle::internal {
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
