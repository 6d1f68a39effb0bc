// impl/runtime/tensor.h — the aclTensor descriptor behind the ABI handle, and the geometry
// helpers operators use to validate and address it.
//
// A tensor is a strided view into storage: element (i0..in) of the view lives at element
// offset + sum(ik * strides[k]) from `data`. aclCreateTensor accepts any dtype/format integer
// and any strides; operators judge them (include/aclnn/acl_meta.h lists what it rejects).
#ifndef MC2_IMPL_RUNTIME_TENSOR_H_
#define MC2_IMPL_RUNTIME_TENSOR_H_

#include <cstdint>
#include <vector>

#include "aclnn/acl_meta.h"

struct aclTensor {
    std::vector<int64_t> viewShape;
    std::vector<int64_t> strides;  // in elements, one per view dimension
    int64_t offset = 0;            // in elements, from `data`
    std::vector<int64_t> storageShape;
    // Raw aclDataType / aclFormat values exactly as the caller passed them: any integer, not
    // necessarily an enumerator (compare with the enumerators; see enum_bits.h for why these
    // are not stored as the enum types).
    int32_t dataType = ACL_DT_UNDEFINED;
    int32_t format = ACL_FORMAT_UNDEFINED;
    void *data = nullptr;  // not owned
};

namespace mc2::impl {

inline constexpr uint64_t kMaxTensorDims = 8;

// True for a handle returned by aclCreateTensor and not yet destroyed.
bool IsLiveTensor(const aclTensor *t);

// Product of the view dims; false on int64 overflow.
bool ViewElementCount(const aclTensor &t, int64_t *count);
// Product of the storage dims; false on int64 overflow.
bool StorageElementCount(const aclTensor &t, int64_t *count);

// True when the view is row-major dense: every dimension of size > 1 has the stride of the
// product of the sizes after it (dimensions of size 1 may have any stride). An empty view
// (some dim 0) counts as contiguous.
bool IsContiguous(const aclTensor &t);

// Bytes from `data` that the view can touch: ceil((offset + max element index + 1) * bits / 8),
// 0 for an empty view. False for a negative stride, an unknown dtype width or overflow.
bool StorageSpanBytes(const aclTensor &t, uint64_t *bytes);

}  // namespace mc2::impl

#endif  // MC2_IMPL_RUNTIME_TENSOR_H_
