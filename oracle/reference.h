// oracle/reference.h — what the oracle answers for an operator call: for every output element,
// the closed interval [lo, hi] of real values a conforming implementation may return (after its
// final rounding to the output dtype), and the exact (infinitely precise) result used for error
// statistics. The interval already includes every freedom the numerics contract grants
// (oracle/contract.h); a result passes when each returned value lies inside its interval
// (NaN/Inf by class). Inputs reach the oracle as exactly decoded values (double holds every
// value of every input format exactly).
#ifndef MC2_ORACLE_REFERENCE_H_
#define MC2_ORACLE_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "acl/acl_base.h"
#include "oracle/internal/block_pool.h"

namespace mc2::oracle {

// Dense row-major matrix of decoded values (logical layout: strides already applied).
struct Matrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<double> v;  // rows * cols
    double at(int64_t i, int64_t j) const { return v[static_cast<size_t>(i * cols + j)]; }
};

// std::allocator, except that a value-initialising construct (vector::resize(n), vector(n))
// default-initialises: doubles are left unwritten instead of zeroed. An oracle writes every
// element of its bounds anyway, and zeroing the four m×n vectors first cost about a fifth of
// the fast mode's dgemm time at 1024³ (issue 7). Construction from a value (resize(n, v),
// assign, push_back) is as usual.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
    using value_type = T;
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() noexcept = default;
    template <class U>
    DefaultInitAllocator(const DefaultInitAllocator<U> & /*other*/) noexcept {}
    template <class U>
    void construct(U *p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void *>(p)) U;
    }
    template <class U, class... Args>
    void construct(U *p, Args &&...args) {
        std::construct_at(p, std::forward<Args>(args)...);
    }
    // Big buffers (whole m×n bounds) come from internal::BlockPool, which reuses those of the
    // previous call instead of fresh pages the kernel zeroes (issue 7).
    T *allocate(size_t n) {
        if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
        if (n * sizeof(T) < internal::kPoolMinBytes) return std::allocator<T>::allocate(n);
        return static_cast<T *>(internal::BlockPool::Get().Allocate(n * sizeof(T)));
    }
    void deallocate(T *p, size_t n) {
        if (n * sizeof(T) < internal::kPoolMinBytes) return std::allocator<T>::deallocate(p, n);
        internal::BlockPool::Get().Free(p, n * sizeof(T));
    }
};

// Per-element values of Bounds: a vector of doubles whose resize leaves new elements unwritten
// (DefaultInitAllocator); everything else is std::vector<double>'s. Copy it into a
// std::vector<double> with its begin() and end() where one is needed.
using BoundValues = std::vector<double, DefaultInitAllocator<double>>;

struct Bounds {
    int64_t rows = 0;
    int64_t cols = 0;
    aclDataType dtype = ACL_FLOAT16;  // output dtype the bounds are expressed in
    BoundValues lo;      // smallest admissible returned value, per element (row-major)
    BoundValues hi;      // largest admissible returned value
    BoundValues exact;   // exact result (best estimate, error far below one output ulp)
    BoundValues scale;   // Σ|terms| per element: the magnitude the error bound scales with
    // Where the documents leave a step UNVERIFIED and the oracle admits several readings of it,
    // [lo, hi] above is the union over them; each reading's own interval is kept here, the
    // documented (assumed) reading first, so that the comparison can say which readings the
    // implementation's result is consistent with. Empty when there is one reading.
    struct Reading {
        std::string name;            // e.g. "fp16 Div = 1/s then Mul, fp16 Mul rounds to nearest"
        std::vector<double> lo, hi;  // per element, as lo/hi above
    };
    std::vector<Reading> readings;
};

}  // namespace mc2::oracle

#endif  // MC2_ORACLE_REFERENCE_H_
