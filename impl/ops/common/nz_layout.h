// impl/ops/common/nz_layout.h — the FRACTAL_NZ weight layout on the implementation side: the
// storage shape and size of an ND weight once converted, and the storage element of a logical
// element (the quantised matmuls read an NZ x2 through it; aclnnTransMatmulWeight writes one).
//
// What the layout is (hicann/ops-math conversion/trans_data: docs/aclnnCalculateMatmulWeightSize*.md
// and the NZ format transfer): a logical (…, H, W) matrix becomes storage (…, W1, H1, H0, C0) with
// H0 = 16 rows per fractal, C0 = 32 bytes of elements per fractal row (16 for FLOAT16/BFLOAT16,
// 32 for INT8), H1 = ceil(H / 16), W1 = ceil(W / C0); leading dims unchanged; positions past
// H or W are padding and hold zero.
//
// Written independently of the oracle's copy (oracle/internal/nz_layout.h): this one nests the
// storage index as a mixed-radix number and walks storage positions.
#ifndef MC2_IMPL_OPS_COMMON_NZ_LAYOUT_H_
#define MC2_IMPL_OPS_COMMON_NZ_LAYOUT_H_

#include <cstdint>
#include <vector>

namespace mc2::impl::ops {

inline constexpr int64_t kNzH0 = 16;      // rows of one fractal
inline constexpr int64_t kNzRowBytes = 32;  // bytes of one fractal row

struct NzPlan {
    std::vector<int64_t> batchDims;  // leading dims of the logical shape
    int64_t batch = 1;               // their product
    int64_t h = 0, w = 0;            // the last two logical dims
    int64_t c0 = 0;                  // elements per fractal row
    int64_t h1 = 0, w1 = 0;          // fractals down and across

    // False for a rank below 2, a negative dim, an element width other than 1 or 2 bytes, or an
    // element count past INT64_MAX.
    bool Make(const std::vector<int64_t> &logicalShape, int elementBytes);

    int64_t PerMatrix() const { return w1 * h1 * kNzH0 * c0; }
    int64_t Elements() const { return batch * PerMatrix(); }
    std::vector<int64_t> StorageShape() const;  // batchDims…, W1, H1, 16, C0

    // Storage index of logical element (b, row, col).
    int64_t Index(int64_t b, int64_t row, int64_t col) const {
        return (((b * w1 + col / c0) * h1 + row / kNzH0) * kNzH0 + row % kNzH0) * c0 + col % c0;
    }
    // The logical element at storage index `s`; false when `s` is padding.
    bool At(int64_t s, int64_t *b, int64_t *row, int64_t *col) const;
};

}  // namespace mc2::impl::ops

#endif  // MC2_IMPL_OPS_COMMON_NZ_LAYOUT_H_
