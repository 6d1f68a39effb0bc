// oracle/trans_matmul_weight.cc — the storage after aclnnTransMatmulWeight (trans_matmul_weight.h).
#include "oracle/trans_matmul_weight.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "oracle/internal/nz_layout.h"

namespace mc2::oracle {

std::vector<uint64_t> TransMatmulWeightStorage(const std::vector<uint64_t> &logical, const std::vector<int64_t> &shape,
                                               aclDataType dtype, const std::vector<uint64_t> &before) {
    if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return before;  // empty: nothing converted
    const std::vector<uint64_t> nz = internal::NzFromLogical(logical, shape, dtype, 0);
    if (nz.size() > before.size()) {
        throw std::invalid_argument("the storage holds " + std::to_string(before.size()) +
                                    " elements, the NZ weight needs " + std::to_string(nz.size()));
    }
    std::vector<uint64_t> after = before;
    std::copy(nz.begin(), nz.end(), after.begin());
    return after;
}

}  // namespace mc2::oracle
