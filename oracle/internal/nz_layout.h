// oracle/internal/nz_layout.h — the FRACTAL_NZ weight layout as the oracle side reads and builds
// it: which storage element holds logical element (…, h, w) of an ND matrix, the storage shape
// and size for a logical shape and dtype, and whole matrices moved between the two (element
// codes only: the layout moves bits, it computes nothing).
//
// Facts (hicann/ops-math conversion/trans_data):
// - docs/aclnnCalculateMatmulWeightSizeV2.md 功能说明: FLOAT16/BFLOAT16 pad both of the last two
//   dims to 16, INT8 pads the second-to-last to 16 and the last to 32 ([510, 510] fp16 → 262144
//   elements; [510, 270] int8 → [512, 288] = 147456); leading (batch) dims are not padded
//   (op_api/aclnn_trans_matmul_weight.cpp: "only the last two axes are aligned").
// - The NZ storage of an ND (…, H, W) matrix is (…, ceil(W/C0), ceil(H/16), 16, C0): the matrix
//   cut into 16 × C0 tiles, tiles stored column of tiles by column of tiles ("N" order over the
//   tiles), each tile row-major ("Z" inside) — op_kernel_aicpu/format_transfer/
//   format_transfer_fractal_nz.cpp (destination shape N·W1·H1·H0·W0). C0 is 32 bytes of
//   elements: 16 for 2-byte types, 32 for 1-byte types.
// - Padding is zero: that transfer clears its whole destination before copying (vendor code,
//   not a document sentence; the suite judges padding as zero and says so in its rules).
//
// Written from the description above, independently of impl/ops/common/nz_layout.h (the
// implementation's copy is organised the other way round, by storage position).
#ifndef MC2_ORACLE_INTERNAL_NZ_LAYOUT_H_
#define MC2_ORACLE_INTERNAL_NZ_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "acl/acl_base.h"

namespace mc2::oracle::internal {

// Rows of one fractal tile (H0): always 16.
inline constexpr int64_t kNzTileRows = 16;

// Elements per tile row (C0) for `dtype`: 16 for FLOAT16/BFLOAT16, 32 for INT8 and the other
// one-byte types (UINT8, FLOAT8_E4M3FN, HIFLOAT8: the vendor's op_api accepts them on A2/A3);
// 0 for a dtype with no documented NZ weight layout.
int64_t NzC0(aclDataType dtype);

// One matrix (the last two dims of a logical shape) in NZ: its logical size, padded size and the
// four storage dims. Construct with NzGeometry::Of; `valid` is false for a rank below 2, a
// negative dim, a dtype with no C0 or a size past INT64_MAX.
struct NzGeometry {
    bool valid = false;
    int64_t batch = 1;        // product of the leading dims (1 for a 2-D shape)
    int64_t rows = 0;         // H: the second-to-last logical dim (k of a (k, n) weight)
    int64_t cols = 0;         // W: the last logical dim
    int64_t c0 = 0;           // tile width
    int64_t row_tiles = 0;    // H1 = ceil(H / 16)
    int64_t col_tiles = 0;    // W1 = ceil(W / C0)
    std::vector<int64_t> leading;  // the leading dims themselves

    static NzGeometry Of(const std::vector<int64_t> &logical_shape, aclDataType dtype);

    int64_t MatrixElements() const { return col_tiles * row_tiles * kNzTileRows * c0; }
    int64_t StorageElements() const { return batch * MatrixElements(); }
    // (…leading, W1, H1, 16, C0).
    std::vector<int64_t> StorageShape() const;
    // Storage element of logical element (b, h, w), b the row-major index over the leading dims.
    int64_t Offset(int64_t b, int64_t h, int64_t w) const;
};

// Elements aclnnCalculateMatmulWeightSizeV2 documents for `shape` and `dtype`: the batch dims
// times the last two padded (16 × 16 for FLOAT16/BFLOAT16, 16 × 32 for INT8); -1 when the
// geometry is not valid. aclnnCalculateMatmulWeightSize (V1, no dtype) is this at FLOAT16.
int64_t MatmulWeightElements(const std::vector<int64_t> &shape, aclDataType dtype);

// The NZ storage codes of a logical matrix given row-major over `logical_shape`; padding holds
// `pad` (0 for what the vendor's transfer leaves). The geometry must be valid.
std::vector<uint64_t> NzFromLogical(const std::vector<uint64_t> &logical, const std::vector<int64_t> &logical_shape,
                                    aclDataType dtype, uint64_t pad = 0);
// The logical codes (row-major) held by NZ storage codes: the inverse of NzFromLogical.
std::vector<uint64_t> LogicalFromNz(const std::vector<uint64_t> &storage, const std::vector<int64_t> &logical_shape,
                                    aclDataType dtype);

}  // namespace mc2::oracle::internal

#endif  // MC2_ORACLE_INTERNAL_NZ_LAYOUT_H_
