// impl/ops/common/checks.h — argument checking shared by the aclnn operators, written from the
// CANN documents (shared/spec-notes/ops.md §1): names for messages, the layout predicates the
// vendor's op_api uses (IsTransposeLastTwoDims, weight-NZ detection, on *view* shapes), and a
// Checker that reports the first failure as "<api>: <what>" through aclGetRecentErrMsg with its
// documented code.
#ifndef MC2_IMPL_OPS_COMMON_CHECKS_H_
#define MC2_IMPL_OPS_COMMON_CHECKS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "aclnn/acl_meta.h"
#include "runtime/tensor.h"

namespace mc2::impl::ops {

// Names of raw aclDataType values (aclTensor stores them as int32_t): "FLOAT16", "BFLOAT16",
// ... as the CANN documents spell them; "DT_<n>" for values that are no enumerator.
std::string DataTypeName(int32_t type);
// "ND", "FRACTAL_NZ", ...; "FORMAT_<n>" for unknown values.
std::string FormatName(int32_t format);
// "[16, 32]".
std::string ShapeString(const std::vector<int64_t> &shape);
// "FLOAT16 or BFLOAT16", "A, B or C".
std::string DataTypeList(std::initializer_list<aclDataType> types);

// ops.md §1.4: rank in [2, 6], stride[-2] == 1, stride[-1] == shape[-2], every batch stride
// equal to the product of the dims after it, and not both of the last two dims equal to 1.
bool IsTransposeLastTwoDims(const aclTensor &t);

// ops.md §1.4: the tensor is a pre-processed NZ weight: storage format FRACTAL_NZ with a 4-D
// storage shape.
bool IsWeightNz(const aclTensor &t);

// True when two different view indices address the same element (a zero stride on a
// dimension of size > 1, or dimensions whose strides interleave). Such a tensor cannot be an
// output: the result would depend on the write order.
bool HasInternalOverlap(const aclTensor &t);

// Elements of storage the view reaches: offset + 1 + Σ (shape[i] - 1) · stride[i], 0 for an
// empty view, saturating at INT64_MAX. Callers have refused negative strides.
int64_t ViewElementsNeeded(const aclTensor &t);
// Elements the storage shape holds (the product of its dims), saturating at INT64_MAX.
int64_t StorageElements(const aclTensor &t);

// Collects the first failure of a sequence of checks. Each check returns true when it passed
// (or when an earlier check already failed, so callers can chain them without branching).
class Checker {
public:
    explicit Checker(const char *api) : api_(api) {}

    bool ok() const { return status_ == ACLNN_SUCCESS; }
    aclnnStatus status() const { return status_; }
    const char *api() const { return api_; }

    // Records `code` with the message "<api>: <formatted>" unless a failure is recorded already.
    bool Fail(aclnnStatus code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

    // 161001 when `p` is null.
    bool NotNull(const void *p, const char *name);
    // 161002 when a non-null tensor is not a live aclCreateTensor handle.
    bool Live(const aclTensor *t, const char *name);
    // 161002 unless the dtype is one of `allowed`.
    bool DtypeIn(const aclTensor &t, const char *name, std::initializer_list<aclDataType> allowed);
    // 161002 unless both dtypes are equal.
    bool SameDtype(const aclTensor &a, const char *aName, const aclTensor &b, const char *bName);
    // 161002 unless min <= view rank <= max.
    bool RankIn(const aclTensor &t, const char *name, size_t min, size_t max);
    // 161002 unless the view shape equals `expected` ("`name` shape [..] must equal [..] (why)").
    bool ShapeIs(const aclTensor &t, const char *name, const std::vector<int64_t> &expected, const char *why);

    // Changes the code of a recorded failure (its message stays): a check the op_api skipped
    // that a later layer repeats with its own code (an NZ weight's shapes, refused in tiling).
    void Reclassify(aclnnStatus code) {
        if (!ok()) status_ = code;
    }

private:
    const char *api_;
    aclnnStatus status_ = ACLNN_SUCCESS;
};

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_CHECKS_H_
