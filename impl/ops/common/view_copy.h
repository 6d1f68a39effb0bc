// impl/ops/common/view_copy.h — moving 16-bit elements (fp16 / bf16 codes) between a strided
// tensor view, seen as a matrix whose rows are all dims but the last, and a dense row-major
// buffer in the workspace. Operators stage their results densely and write the caller's output
// views only at the end, once every collective has succeeded.
#ifndef MC2_IMPL_OPS_COMMON_VIEW_COPY_H_
#define MC2_IMPL_OPS_COMMON_VIEW_COPY_H_

#include <cstdint>

#include "ops/common/tensor_desc.h"

namespace mc2::impl::ops {

// The code of element `index` (in elements from t.data, offset included).
uint16_t LoadCode16(const TensorDesc &t, int64_t index);

// dst view (rows x cols) <- src[rows][cols]. Gaps between the view's elements keep their bytes.
void WriteRows16(const uint16_t *src, int64_t rows, int64_t cols, const TensorDesc &dst);

// dst[rows][cols] <- src view (rows x cols).
void ReadRows16(const TensorDesc &src, int64_t rows, int64_t cols, uint16_t *dst);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_VIEW_COPY_H_
