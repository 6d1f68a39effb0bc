// impl/runtime/arrays.h — the aclIntArray / aclFloatArray / aclBoolArray descriptors behind
// the ABI handles (operators read `values` directly).
#ifndef MC2_IMPL_RUNTIME_ARRAYS_H_
#define MC2_IMPL_RUNTIME_ARRAYS_H_

#include <cstdint>
#include <vector>

#include "aclnn/acl_meta.h"

struct aclIntArray {
    std::vector<int64_t> values;
};

struct aclFloatArray {
    std::vector<float> values;
};

struct aclBoolArray {
    std::vector<uint8_t> values;  // 0 or 1; not std::vector<bool>, so a bool* view is possible
};

namespace mc2::impl {

// True for a handle returned by the matching aclCreate*Array and not yet destroyed.
bool IsLiveArray(const aclIntArray *array);
bool IsLiveArray(const aclFloatArray *array);
bool IsLiveArray(const aclBoolArray *array);

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_ARRAYS_H_
