// impl/atbfw/tensor_util.h — sizes of ATB tensor descriptors, as the ATB framework computes
// them for its checks and for Tensor::dataSize (spec-notes/ops.md §7 (b)), and descriptor
// text for messages.
#ifndef MC2_IMPL_ATBFW_TENSOR_UTIL_H_
#define MC2_IMPL_ATBFW_TENSOR_UTIL_H_

#include <cstdint>
#include <string>

#include "atb/types.h"

namespace mc2::impl::atbfw {

// The largest tensor the framework accepts: 256 GiB.
inline constexpr uint64_t kMaxTensorBytes = 256ULL << 30;

// Bytes per element of the dtypes ATB sizes (0 for any other value, which makes the tensor
// size 0 and so invalid). ACL_DT_UNDEFINED counts as 1 byte, as in ATB.
uint64_t ElementBytes(aclDataType dtype);
// Product of the dims; 0 when the rank is 0, a dim is <= 0 or the product overflows uint64.
uint64_t Numel(const atb::TensorDesc &desc);
// Numel * ElementBytes; 0 in the cases above, for an unsized dtype, or on overflow.
uint64_t Bytes(const atb::TensorDesc &desc);

// "FLOAT16[2, 4] ND".
std::string DescString(const atb::TensorDesc &desc);

}  // namespace mc2::impl::atbfw

#endif  // MC2_IMPL_ATBFW_TENSOR_UTIL_H_
