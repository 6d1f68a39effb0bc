// oracle/trans_matmul_weight.h — the exact answer of aclnnTransMatmulWeight: the weight's storage
// after the in-place conversion ND → FRACTAL_NZ, element code by element code.
//
// From the start of the storage, the NZ layout of the logical view (…, k, n) with zero padding
// (oracle/internal/nz_layout.h: tiles of 16 × C0, C0 = 16 for FLOAT16/BFLOAT16, 32 for INT8);
// every storage element past the NZ size keeps the code it had before the call (nothing is defined
// to land there). An empty weight converts nothing: the storage keeps every code. Pure data
// movement: no arithmetic, so the answer is one code per element.
#ifndef MC2_ORACLE_TRANS_MATMUL_WEIGHT_H_
#define MC2_ORACLE_TRANS_MATMUL_WEIGHT_H_

#include <cstdint>
#include <vector>

#include "acl/acl_base.h"

namespace mc2::oracle {

// `logical`: the view's codes, row-major over `shape`; `before`: every storage element's code
// before the call. Throws std::invalid_argument when the shape and dtype have no NZ layout or the
// storage cannot hold it (cases the spec requires refused).
std::vector<uint64_t> TransMatmulWeightStorage(const std::vector<uint64_t> &logical, const std::vector<int64_t> &shape,
                                               aclDataType dtype, const std::vector<uint64_t> &before);

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_TRANS_MATMUL_WEIGHT_H_
