// impl/ops/common/layout_checks.h — checks on how tensors lie in memory that any strided read
// or write needs, beyond what the vendor's op_api checks (this suite's hardening rules: a clean
// 161002 where the vendor would read or write memory the caller did not describe).
#ifndef MC2_IMPL_OPS_COMMON_LAYOUT_CHECKS_H_
#define MC2_IMPL_OPS_COMMON_LAYOUT_CHECKS_H_

#include <functional>
#include <span>
#include <utility>

#include "ops/common/checks.h"
#include "ops/common/nz_layout.h"
#include "runtime/tensor.h"

namespace mc2::impl::ops {

struct NamedTensor {
    const aclTensor *t;  // null: absent optional tensor, skipped
    const char *name;
};

// 161002 when a tensor's strides cannot be addressed (a negative stride, an overflowing span or
// an unknown element width).
bool CheckAddressable(Checker &c, std::span<const NamedTensor> tensors);

// 161002 when a view (offset + Σ (shape[i] - 1) · stride[i] + 1 elements) reaches past the
// element count of its storage shape.
bool CheckWithinStorage(Checker &c, std::span<const NamedTensor> tensors);

// 161002 when two elements of an output view share memory (the result would depend on the
// write order).
bool CheckNoSelfOverlap(Checker &c, const aclTensor &t, const char *name);

// 161002 when the bytes two outputs can write intersect (one output would overwrite the
// other). Empty views never overlap. Both tensors are addressable (checked before).
bool CheckDisjoint(Checker &c, const aclTensor &a, const char *aName, const aclTensor &b, const char *bName);

// The layout demands of a matmul family's operands, in the order the families check them: every
// tensor of `all` addressable (CheckAddressable); `first` (the family's demands in every variant);
// under the vendor-faithful variant (faults.h) nothing more than `vendorFaithful` (the family's
// kept demands; none when empty), since the vendor's op_api checks none of the rest; otherwise
// the `dense` tensors contiguous, x2 contiguous or transposed (`x2Transposed`), `extra` (the
// family's own), each output not self-overlapping, each `disjoint` pair disjoint, and every view
// of `all` within its storage (CheckWithinStorage: a view reaching past its declared storage
// would read or write memory the caller did not describe as this tensor's). All refusals are
// 161002. Null tensors (absent optional ones) are skipped.
struct MatmulLayout {
    std::span<const NamedTensor> all;
    std::span<const NamedTensor> dense;  // must be contiguous (x1 in most families), in the family's order
    const aclTensor *x2 = nullptr;       // must be contiguous or `x2Transposed`
    std::span<const NamedTensor> outputs;  // must not overlap themselves, in the family's order
    std::span<const std::pair<NamedTensor, NamedTensor>> disjoint;  // must not share bytes
    bool (*x2Transposed)(const aclTensor &) = IsTransposeLastTwoDims;
    bool messagesNameShape = true;  // the dense / x2 messages give the view shape beside the strides
    std::function<bool()> first;           // right after addressability, in every variant
    std::function<bool()> vendorFaithful;  // the vendor-faithful variant's whole check after `first`
    std::function<bool()> extra;           // after x2, before the outputs
    // Tensors whose strides must not be negative even in an empty view, which addresses nothing
    // and so passes the addressability check (empty = `all`). Not in the vendor-faithful variant.
    std::span<const NamedTensor> noNegativeStrides;
};
bool CheckMatmulLayouts(Checker &c, const MatmulLayout &layout);

// For a weight-NZ x2 (IsWeightNz) of a 1-byte dtype, refused with 561002 (the tiling layer: the
// op_api skips an NZ weight's shape checks, ops.md §1.4) unless its storage shape is exactly the
// NZ storage of its 2-D view (k, n) with k, n >= 1 (nz_layout.h) and the view is plain (default
// strides, offset 0: the storage, not the strides, places the elements). Fills `plan`.
bool CheckNzWeightStorage(Checker &c, const aclTensor &x2, const char *name, NzPlan *plan);

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_LAYOUT_CHECKS_H_
