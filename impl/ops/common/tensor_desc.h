// impl/ops/common/tensor_desc.h — a value copy of an aclTensor's metadata, taken at
// GetWorkspaceSize so the executor never points back into the caller's descriptor objects,
// plus the addressing helpers the operator kernels use on it.
#ifndef MC2_IMPL_OPS_COMMON_TENSOR_DESC_H_
#define MC2_IMPL_OPS_COMMON_TENSOR_DESC_H_

#include <cstdint>
#include <vector>

#include "aclnn/acl_meta.h"
#include "runtime/tensor.h"

namespace mc2::impl::ops {

struct TensorDesc {
    int32_t dataType = ACL_DT_UNDEFINED;  // raw aclDataType value, as aclTensor stores it
    std::vector<int64_t> shape;    // view shape
    std::vector<int64_t> strides;  // in elements
    int64_t offset = 0;            // in elements
    void *data = nullptr;          // storage base (not owned)
    uint64_t spanBytes = 0;        // bytes from `data` the view can touch (0 when empty)

    // Element offset (from `data`, in elements, offset included) of row `row` of the view
    // seen as a matrix whose rows are all dims but the last (row-major over the leading dims).
    int64_t RowOffset(int64_t row) const {
        int64_t at = offset;
        for (size_t d = shape.size() - 1; d-- > 0;) {
            at += (row % shape[d]) * strides[d];
            row /= shape[d];
        }
        return at;
    }
    int64_t ColStride() const { return strides.back(); }
};

// Copies `t`'s metadata. `spanBytes` comes from StorageSpanBytes; the caller has checked that
// it succeeds (non-negative strides, known element width).
TensorDesc Describe(const aclTensor &t);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_TENSOR_DESC_H_
