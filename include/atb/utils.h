// atb/utils.h — ATB helper functions a program uses to describe its tensors (byte size and
// element count of a descriptor, as Tensor::dataSize expects them).
#ifndef MC2_INCLUDE_ATB_UTILS_H_
#define MC2_INCLUDE_ATB_UTILS_H_

#include <cstdint>
#include <string>

#include "atb/types.h"

namespace atb {

class __attribute__((visibility("default"))) Utils {
public:
    static std::string GetAtbVersion();
    // Bytes of a tensor of this descriptor; 0 when a dim is <= 0, the rank is 0, the dtype
    // has no known size, or the size overflows.
    static uint64_t GetTensorSize(const Tensor &tensor);
    static uint64_t GetTensorSize(const TensorDesc &tensorDesc);
    // Elements of a tensor of this descriptor; 0 in the same cases.
    static uint64_t GetTensorNumel(const Tensor &tensor);
    static uint64_t GetTensorNumel(const TensorDesc &tensorDesc);
};

}  // namespace atb

#endif  // MC2_INCLUDE_ATB_UTILS_H_
