// impl/ops/common/tensor_desc.cc — value copies of aclTensor metadata (see tensor_desc.h).
#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

TensorDesc Describe(const aclTensor &t) {
    TensorDesc d;
    d.dataType = t.dataType;
    d.shape = t.viewShape;
    d.strides = t.strides;
    d.offset = t.offset;
    d.data = t.data;
    uint64_t span = 0;
    if (StorageSpanBytes(t, &span)) d.spanBytes = span;
    return d;
}

}  // namespace mc2::impl::ops
