// spec/tensor_layout.cc — shared descriptor predicates of the rule tables (tensor_layout.h).
#include "spec/tensor_layout.h"

#include "harness/dtype_names.h"
#include "spec/case_edit.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace mc2::spec {

bool Dense(const std::vector<int64_t> &shape, const std::vector<int64_t> &strides) {
    if (DimProduct(shape, 0, shape.size()) == 0) return true;
    // The dense stride of each dim is the product of the dims after it. Once that product leaves
    // int64 (or a dim is negative, which no runtime accepts), no stride can equal it: a later dim
    // other than 1 makes the layout not dense. (The api_fuzzer, session 15: a wild x2 of
    // [64, -2^63 + 1] overflowed the plain product.)
    int64_t expected = 1;
    bool unreachable = false;
    for (size_t i = shape.size(); i-- > 0;) {
        if (shape[i] == 1) continue;
        if (unreachable || i >= strides.size() || strides[i] != expected) return false;
        unreachable = shape[i] < 0 || __builtin_mul_overflow(expected, shape[i], &expected);
    }
    return true;
}

bool EmptyView(const harness::TensorSpec &t) {
    bool zero = false;
    for (int64_t d : t.shape) {
        if (d < 0) return false;
        zero = zero || d == 0;
    }
    return zero;
}

bool SpanOverflows(const harness::TensorSpec &t) {
    const int bits = harness::DtypeBits(t.dtype);
    if (bits <= 0 || t.offset < 0) return false;
    for (int64_t d : t.shape) {
        if (d <= 0) return false;
    }
    const std::vector<int64_t> strides = t.Strides();
    uint64_t last = static_cast<uint64_t>(t.offset);
    for (size_t i = 0; i < t.shape.size() && i < strides.size(); ++i) {
        if (strides[i] < 0) return false;
        uint64_t step = 0;
        if (__builtin_mul_overflow(static_cast<uint64_t>(t.shape[i] - 1), static_cast<uint64_t>(strides[i]), &step) ||
            __builtin_add_overflow(last, step, &last)) {
            return true;
        }
    }
    uint64_t elements = 0;
    uint64_t total_bits = 0;
    return __builtin_add_overflow(last, uint64_t{1}, &elements) ||
           __builtin_mul_overflow(elements, static_cast<uint64_t>(bits), &total_bits);
}

bool Dense(const harness::TensorSpec &t) { return t.strides.empty() || Dense(t.shape, t.Strides()); }

bool TransposedDense(const harness::TensorSpec &t) {
    if (t.shape.size() != 2) return false;
    const auto s = t.Strides();
    return Dense({t.shape[1], t.shape[0]}, {s[1], s[0]});
}

bool VendorTransposed(const harness::TensorSpec &t) {
    if (t.shape.size() != 2 || (t.shape[0] == 1 && t.shape[1] == 1)) return false;
    const auto s = t.Strides();
    return s[0] == 1 && s[1] == t.shape[0];
}

bool ViewAliases(const harness::TensorSpec &t) {
    if (t.NumElements() == 0) return false;
    const std::vector<int64_t> s = t.Strides();
    std::vector<std::pair<int64_t, int64_t>> dims;
    for (size_t i = 0; i < t.shape.size() && i < s.size(); ++i) {
        // A dim of size 1 never steps, whatever its stride: a negative one there (api_fuzzer
        // campaign, session 16: an AllToAllVV2 output [1, 3] with strides (-9e17, 0)) must not
        // hide the stride-0 dim beside it.
        if (t.shape[i] <= 1) continue;
        if (s[i] < 0) return false;
        dims.emplace_back(s[i], t.shape[i]);
    }
    std::sort(dims.begin(), dims.end());
    int64_t reach = 0;
    for (const auto &[stride, size] : dims) {
        if (stride <= reach) return true;
        int64_t step = 0;
        if (__builtin_mul_overflow(stride, size - 1, &step) || __builtin_add_overflow(reach, step, &reach)) {
            reach = std::numeric_limits<int64_t>::max();
        }
    }
    return false;
}

int64_t IntOr(const harness::Case &c, int rank, const char *name, int64_t fallback) {
    if (const auto *i = std::get_if<int64_t>(&c.Get(rank, name))) return *i;
    return fallback;
}

bool Contains(const std::vector<aclDataType> &list, aclDataType d) {
    return std::find(list.begin(), list.end(), d) != list.end();
}

}  // namespace mc2::spec
