// spec/tensor_layout.h — what the rule predicates of every family ask of a tensor descriptor
// and of a rank's arguments: dense and transposed layouts as the vendor's op_api classifies
// them (spec-notes/ops.md §1.4), the sufficient self-aliasing test behind the *.output_overlap
// rules, and small argument readers. One copy for every family, so two families cannot judge
// the same layout differently.
#ifndef MC2_SPEC_TENSOR_LAYOUT_H_
#define MC2_SPEC_TENSOR_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "acl/acl_base.h"
#include "harness/case.h"

namespace mc2::spec {

// Row-major dense: each dim of size > 1 has the stride of the dims after it (an empty view is
// dense).
bool Dense(const std::vector<int64_t> &shape, const std::vector<int64_t> &strides);
bool Dense(const harness::TensorSpec &t);  // its view; no explicit strides = dense
// A 2-D view that is the transpose of a dense matrix (column-major).
bool TransposedDense(const harness::TensorSpec &t);
// The vendor's IsTransposeLastTwoDims on a 2-D view: strides (1, rows), not both dims 1.
bool VendorTransposed(const harness::TensorSpec &t);
// The view cannot be addressed in 64 bits: the bit just past its last element (offset plus each
// dim's (size - 1) * stride, plus one, times the element width in bits) overflows an unsigned
// 64-bit count.
// False for an empty view, a negative stride or offset (other rules' business) and a dtype
// without an element width (expectation.cc admits its refusal anywhere).
bool SpanOverflows(const harness::TensorSpec &t);
// The view holds no element and is a valid descriptor: a zero dim and no negative one. A
// negative dim makes no empty tensor (TensorSpec::NumElements counts it as none): the vendor's
// shape size is then negative, not 0, and aclCreateTensor refuses such a descriptor. What the
// documented empty-tensor short-cuts ask.
bool EmptyView(const harness::TensorSpec &t);
// Two view indices may address one element (a sufficient test: dims sorted by stride, each
// stride beyond the reach of the smaller ones; negative strides are other rules' business).
bool ViewAliases(const harness::TensorSpec &t);

// Rank `rank`'s integer argument `name`, or `fallback` when it is not an integer.
int64_t IntOr(const harness::Case &c, int rank, const char *name, int64_t fallback);
bool Contains(const std::vector<aclDataType> &list, aclDataType d);

}  // namespace mc2::spec

#endif  // MC2_SPEC_TENSOR_LAYOUT_H_
